/**
 * The Driver DO's calls to other objects: the rides it is offered or driving, and the
 * dispatch cells that list it. Only the Driver DO's `perform` calls these.
 */
import type { TakeOffWhy } from "../driver/silence";
import type { DriverEffect, DriverRecord } from "../driver/types";
import { indexPoint, leaseMs, type ListingConfig } from "../driver/driver-rules";
import { productsOf } from "../driver/vehicle";
import { fail, ok, type Outcome } from "../lib/problem";
import { PEER_CALL_MS, within } from "../lib/timeout";
import { transientOf } from "../lib/transient";
import { cellOf, cellStub, fleetStub, rideStub } from "./stubs";
import type { OpsPositionPush } from "./ops-push";

/**
 * Tells a ride about its driver. Best effort: a withdrawal that fails (a ride busy past
 * `PEER_CALL_MS`, an object reset, a ride that could not release the driver) is sent again in
 * the `background`, up to `WITHDRAW_ATTEMPTS` times in all, then left to the ride's offer timer
 * (an offer) or the driver's silent timer (a rejected driver's ride); a lost move to the next
 * report. A move is answered with whether the ride wants more of them (`more: false` once it
 * is past the pickup).
 *
 * @example
 * await tellRide(env, { type: "driverMoved", rideId, driverId, location });
 */
export async function tellRide(
  env: Pick<Env, "RIDE">,
  effect: Exclude<DriverEffect, { type: "syncIndex" | "listInFleet" | "leaveOpsMap" }>,
  background?: (work: Promise<unknown>) => void,
): Promise<Outcome<{ more: boolean } | null>> {
  const ride = rideStub(env, effect.rideId);
  // Bounded, as every call between our objects: the location report that caused it waits for it.
  if (effect.type === "driverMoved") {
    return (await within(PEER_CALL_MS, Promise.resolve(ride.driverMoved(effect.driverId, effect.location)), "tell the ride its driver moved")) as Outcome<{
      more: boolean;
    }>;
  }
  const withdraw = () =>
    within(PEER_CALL_MS, Promise.resolve(ride.withdrawOffer(effect.driverId, effect.reason, effect.correlationId)), "withdraw offer") as Promise<Outcome<null>>;
  const first = await withdraw().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  // Sent again behind the answer, never holding it (the driver's offline, an operator's reject wait for this one call):
  // a repeat changes nothing, and a rejected driver's only other ask is their silent timer's, minutes later.
  if (background && !answered(first)) background(withdrawAgain(withdraw));
  if (first instanceof Error) throw first;
  return first;
}

/** How many times in all a withdrawal (an offer let go, a rejected driver taken off) is sent before it is left to the timers, and the pause before a retry (times the attempt). */
export const WITHDRAW_ATTEMPTS = 3;
export const WITHDRAW_RETRY_MS = 1_000;

/** Whether a withdrawal was answered for good: yes or no, not thrown nor `unavailable` (the ride could not release the driver). */
const answered = (outcome: Outcome<null> | Error | null): boolean =>
  outcome !== null && !(outcome instanceof Error) && (outcome.ok || outcome.problem.code !== "unavailable");

/** Sends a failed withdrawal again, a second and then two apart, until one is answered; never throws (the timers ask after). */
async function withdrawAgain(withdraw: () => Promise<Outcome<null>>): Promise<void> {
  for (let attempt = 1; attempt < WITHDRAW_ATTEMPTS; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, WITHDRAW_RETRY_MS * attempt));
    if (answered(await withdraw().catch(() => null))) return;
  }
}

/**
 * Lists a new driver in the one fleet object, bounded: the effect before their first commit
 * (the fleet names every driver the rebuild and the roster pass must find). A fleet that
 * cannot answer for a moment is a 503 to retry, with nothing registered; any other error is a
 * bug of ours, thrown (a 500). A registered driver's profile changes never come here.
 *
 * @example
 * const listed = await listInFleet(env, "d1"); // ok(null), or unavailable with retryAfterSeconds
 */
export async function listInFleet(env: Pick<Env, "FLEET">, driverId: string): Promise<Outcome<null>> {
  try {
    await within(PEER_CALL_MS, Promise.resolve(fleetStub(env).addDrivers([driverId])), "list the driver in the fleet");
    return ok(null);
  } catch (error) {
    const transient = transientOf(error);
    if (!transient) throw error;
    console.warn(JSON.stringify({ msg: "fleet unavailable, driver not registered", driverId, error: String(error) }));
    return fail("unavailable", "the driver list could not be written; nothing was registered: try again shortly", {
      retryAfterSeconds: transient.retryAfterSeconds,
    });
  }
}

/**
 * Carries out an effect that calls another object: the fleet for a new driver (`listInFleet`),
 * the operators' feed for a driver off duty (`leaveOpsMap`, by the driver's `opsPush`,
 * unawaited: the driver's answer never waits for the feed), else the ride (`tellRide`).
 *
 * @example
 * const done = await tellPeer(env, { type: "listInFleet", driverId: "d1" }, this.opsPush);
 */
export function tellPeer(
  env: Pick<Env, "RIDE" | "FLEET">,
  effect: Exclude<DriverEffect, { type: "syncIndex" }>,
  opsPush: Pick<OpsPositionPush, "leaving">,
  background?: (work: Promise<unknown>) => void,
): Promise<Outcome<{ more: boolean } | null>> {
  if (effect.type === "leaveOpsMap") {
    opsPush.leaving(effect.driver);
    return Promise.resolve(ok(null));
  }
  return effect.type === "listInFleet" ? listInFleet(env, effect.driverId) : tellRide(env, effect, background);
}

/**
 * Asks whether a ride still claims a driver (`claimsDriver`); null when it could not be
 * asked in time (the `silent` timer asks again next time).
 *
 * @example
 * if ((await rideClaims(env)(rideId, driverId)) === false) release(rideId);
 */
export const rideClaims =
  (env: Pick<Env, "RIDE">) =>
  async (rideId: string, driverId: string): Promise<boolean | null> => {
    try {
      const claims = await within(PEER_CALL_MS, Promise.resolve(rideStub(env, rideId).claims(driverId)), "ask the ride");
      // A release was lost (a crash between two steps): worth a look, though the driver now frees themselves.
      if (!claims) console.warn(JSON.stringify({ msg: "a ride no longer claims its driver: the driver lets go of it", rideId, driverId }));
      return claims;
    } catch {
      return null;
    }
  };

/**
 * Asks a ride to take off its driver, silent past the limit (`decline`, why `silent`), unless
 * `stillSilent` (asked in the Driver DO's queue, after what was queued behind the timer) says
 * they were heard from meanwhile: before the pickup it dispatches again without them. Best
 * effort and never awaited inside the Driver DO's queue (the ride calls back to release the driver);
 * the next `silent` check asks again.
 * A ride past the pickup refuses: the trip is the driver's to end; so does one at the pickup
 * asked `silent_on_the_way` (silent past the pickup limit only: this object may not know yet
 * that the driver arrived). A rejected driver (why `rejected`) is asked off as the rejection
 * asked (`withdrawOffer`, reason `driver_rejected`), silent or not: a repeat changes nothing.
 *
 * @example
 * ctx.waitUntil(takeOffDriver(env, { rideId: "rd_1", driverId: "d1", why: "silent" }, async () => true));
 */
export async function takeOffDriver(
  env: Pick<Env, "RIDE">,
  { rideId, driverId, why }: { rideId: string; driverId: string; why: TakeOffWhy },
  stillSilent: () => Promise<boolean>,
): Promise<void> {
  try {
    if (why === "rejected") {
      await tellRide(env, { type: "withdrawOffer", rideId, driverId, reason: "driver_rejected", correlationId: `rejected-${driverId}` });
      return;
    }
    if (!(await stillSilent())) return;
    const answer = await within(PEER_CALL_MS, Promise.resolve(rideStub(env, rideId).decline(driverId, `silent-${driverId}`, why)), "take a silent driver off");
    if (answer.ok) console.warn(JSON.stringify({ msg: "a silent driver was taken off their ride", rideId, driverId }));
  } catch {
    // Asked again at the next check.
  }
}

/** What the driver record keeps of its listing once the dispatch index was written. */
export type Listed = Pick<DriverRecord, "indexedCell" | "indexedAt" | "indexedVersion">;

/** The listing, and the rides waiting near the driver to wake (oldest first): only when the driver was newly listed. */
export type ListedWithWaiting = { listed: Listed; waiting: Waiting | null };

/** Rides waiting in `cell` for a driver to wake, oldest first, as the cell answered them at `at` (its clock; absent from a cell of before). */
export type Waiting = { cell: string; rideIds: string[]; at?: number };

/**
 * Lists the driver in the cell of their position while dispatchable (with a lease, see
 * `leaseMs`), and removes them from the cell they were listed in when they moved or
 * stopped being dispatchable (a driver silent past the freshness limit included).
 * Answers where the driver is listed now, for the record, and the rides waiting nearby
 * when the driver is newly listed (became available, changed, or moved into the cell;
 * not on a renewal of the lease, which finds nobody new).
 *
 * @example
 * const { listed, waiting } = await listDriver(env, record, new Date(), config);
 */
export async function listDriver(env: Pick<Env, "DISPATCH_CELL">, record: DriverRecord, now: Date, config: ListingConfig): Promise<ListedWithWaiting> {
  const { driver, indexedCell: previous } = record;
  let waiting: ListedWithWaiting["waiting"] = null;
  const point = indexPoint(driver, now, config.driverFreshnessS);
  const cell = point ? cellOf(point) : null;
  // Bounded, as every call between our objects: a hung cell must not hold the driver's index updates (and a command waiting on one) for good.
  if (previous && previous !== cell) await within(PEER_CALL_MS, Promise.resolve(cellStub(env, previous).remove(driver.id)), "unlist the driver");
  if (cell && point) {
    const reportedAt = Date.parse(driver.locationAt ?? new Date(0).toISOString());
    const listedUntil = now.getTime() + leaseMs(config);
    const entry = {
      driverId: driver.id,
      lat: point.lat,
      lng: point.lng,
      product: driver.vehicle.product,
      products: productsOf(driver.vehicle),
      reportedAt,
      listedUntil,
    };
    const relisted = previous !== cell || record.indexedVersion !== driver.version;
    const answer = await within(PEER_CALL_MS, Promise.resolve(cellStub(env, cell).upsert(entry, relisted)), "list the driver");
    if (answer.waiting.length > 0) waiting = { cell, rideIds: answer.waiting, at: answer.at };
  }
  return { listed: { indexedCell: cell, indexedAt: now.getTime(), indexedVersion: driver.version }, waiting };
}

/** How many times a driver asks its cell for the next waiting rides, after the first ones it was answered: at most (1 + this) × WAKE_CANDIDATES wakes a listing. */
export const WAKE_PASSES = 3;

/**
 * How long a driver whose wake a ride took waits before looking whether that ride's round took
 * them; still free (another driver freed a moment before won that round), they wake on, at
 * most WAKE_SETTLES times a listing. As long as one call between objects may take: a round
 * that is only slow must not see a newer ride take its driver first.
 */
export const WAKE_SETTLE_MS = PEER_CALL_MS;
export const WAKE_SETTLES = 3;

/** Waiting rides in a row that did not answer their wake after which a driver stops waking (each may have taken PEER_CALL_MS). */
export const WAKE_FAILURES = 3;

/** How a wake goes on after a ride took it: whether this driver is still free, and how long to wait before asking. */
export type StillFree = { ask: () => boolean | Promise<boolean>; afterMs: number };

/**
 * Wakes the rides waiting near a newly listed driver, oldest first, until one takes the
 * wake (it then runs a dispatch round at once and reserves the driver, or the next
 * one). Should the driver still be free a moment later (`stillFree`: two drivers listed a
 * moment apart both woke the oldest ride, whose one round took the other), they go on to
 * the next ride: else one of them would stay idle while a ride only they reach waits. One that excluded this driver (declined them), or whose round is already on its way
 * (`queued`: another driver woke it a moment ago), is passed over; rides that no longer wait
 * are forgotten by the cell. When none of a page took the wake, the cell is asked for the
 * next page (`nextWaiting`), a bounded number of times: rides served elsewhere or cancelled
 * stay registered until their deadline, and must not hide a ride still waiting behind them.
 * Best effort: a ride nobody woke still ends at its deadline. Runs after the driver's command
 * has left its queue: the woken ride calls this driver back to reserve it.
 *
 * @example
 * ctx.waitUntil(wakeWaiting(env, "d_1", { cell: "wydm2", rideIds: ["rd_1"], at: answeredAt }));
 */
export async function wakeWaiting(env: Pick<Env, "DISPATCH_CELL" | "RIDE">, driverId: string, waiting: Waiting, stillFree?: StillFree): Promise<void> {
  const asked = new Set<string>();
  // Each page with when the cell answered it: a ride gone from it is forgotten only if it did not register again since.
  let page = { rideIds: waiting.rideIds, at: waiting.at };
  let settles = 0;
  const takenFor = async () => {
    if (!stillFree || settles >= WAKE_SETTLES) return true;
    settles += 1;
    await new Promise((resolve) => setTimeout(resolve, stillFree.afterMs));
    return !(await stillFree.ask());
  };
  // One ride that cannot answer (reset by a deploy, overloaded) is passed over like one whose round is on its way: it
  // stays registered, and the rides behind it are still woken; a few in a row, and Ride objects are in trouble: stop.
  let failures = 0;
  // The cell's calls are bounded too: a cell that hangs ends this wake (caught below), not holds it for good.
  const cell = cellStub(env, waiting.cell);
  const forget = (rideIds: string[], at?: number) => within(PEER_CALL_MS, Promise.resolve(cell.forget(rideIds, at)), "forget waiting rides");
  const wake = (rideId: string) =>
    within(PEER_CALL_MS, Promise.resolve(rideStub(env, rideId).wake(driverId)), "wake ride").then(
      (answer) => ((failures = 0), answer),
      (error: unknown) => {
        console.warn(JSON.stringify({ msg: "waking waiting rides failed", cell: waiting.cell, rideId, error: String(error) }));
        if (++failures >= WAKE_FAILURES) throw new Error(`${failures} waiting rides in a row did not answer`);
        return "queued" as const;
      },
    );
  try {
    for (let pass = 0; page.rideIds.length > 0; pass++) {
      const gone: string[] = [];
      let taken = false;
      for (const rideId of page.rideIds) {
        asked.add(rideId);
        const answer = await wake(rideId);
        if (answer === "not_waiting") gone.push(rideId);
        if (answer !== "dispatching") continue;
        // Forgotten now, not after the settle wait: the cell answers the next driver without them meanwhile.
        // Best effort: a cell that fails it (it answered a moment ago) must not end the wake; they lapse at their deadline.
        if (gone.length > 0) await forget(gone.splice(0), page.at).catch(() => undefined);
        if (await takenFor()) {
          taken = true;
          break;
        }
      }
      if (taken || pass >= WAKE_PASSES) {
        if (gone.length > 0) await forget(gone, page.at);
        return;
      }
      const next = await within(PEER_CALL_MS, Promise.resolve(cell.nextWaiting(driverId, gone, [...asked], page.at)), "next waiting rides");
      page = { rideIds: next.waiting, at: next.at };
    }
  } catch (error) {
    console.warn(JSON.stringify({ msg: "waking waiting rides failed", cell: waiting.cell, error: String(error) }));
  }
}
