/**
 * The Ride DO's `perform`: the one place a ride talks to other objects (its drivers,
 * the dispatch cells). Every call is bounded (`within`): a ride runs one command at a
 * time, so a peer that never answered would hold every later command of that ride.
 */
import type { Config } from "../config";
import type { Driver } from "../domain/events";
import type { RideEffect } from "../domain/ride-machine";
import { fail, ok, type Outcome } from "../lib/problem";
import { PEER_CALL_MS, within } from "../lib/timeout";
import { cellsByDistrict as byDistrict } from "../domain/geo";
import type { CellAnswer, DispatchPeers, SupplyAnswer, Waiter } from "../ride/dispatch";
import { cellOf, cellStub, districtStub, driverStub, riderStub } from "./stubs";

/** The dispatcher's look-up of the drivers of a product listed in some cells; the ride waits in those that list nobody. */
export type FindDrivers = { type: "findDrivers"; cells: string[]; waiter: Waiter };
/** The dispatcher found nobody: the ride waits in these cells to be woken. */
export type WaitInCells = { type: "waitInCells"; cells: string[]; waiter: Waiter; roundStart: number };
/** The dispatcher's first question, to the districts of its cells: which list anyone; the ride waits with a district none of whose cells do. */
export type FindSupply = { type: "findSupply"; cells: string[]; waiter: Waiter };
/** The dispatcher found nobody: the ride waits with the districts of these cells (which listed nobody) to be woken. */
export type WaitForSupply = { type: "waitForSupply"; cells: string[]; waiter: Waiter };
export type RideCall = RideEffect | FindDrivers | WaitInCells | FindSupply | WaitForSupply;
/** The effects whose answer is the driver. */
export type DriverCall = Extract<RideEffect, { type: "confirmDriver" | "reserveDriver" }>;

export interface RidePeers {
  env: Env;
  ctx: DurableObjectState;
  config: Config;
  rideId: string;
  correlationId: string;
}

/** One bounded call to a dispatch cell or district; null when it failed (logged): the round goes on with the others. */
async function askDispatch<T>(what: string, call: () => Promise<T> | T): Promise<T | null> {
  try {
    return await within(PEER_CALL_MS, Promise.resolve(call()), `dispatch ${what}`);
  } catch (error) {
    log("dispatch object unavailable", { what })(error);
    return null;
  }
}

const log = (msg: string, fields: Record<string, unknown>) => (error: unknown) => console.warn(JSON.stringify({ msg, ...fields, error: String(error) }));

/**
 * Performs one effect for the ride. Failures come back as `unavailable` (503, retried
 * by the caller), never as a throw.
 *
 * @example
 * const released = await performRide(peers, { type: "releaseDriver", driverId: "d1" });
 */
export function performRide(p: RidePeers, effect: DriverCall): Promise<Outcome<Driver>>;
export function performRide(p: RidePeers, effect: FindDrivers): Promise<Outcome<CellAnswer>>;
export function performRide(p: RidePeers, effect: WaitInCells): Promise<Outcome<{ listed: string[]; relisted: string[]; failed: boolean }>>;
export function performRide(p: RidePeers, effect: FindSupply): Promise<Outcome<SupplyAnswer>>;
export function performRide(p: RidePeers, effect: WaitForSupply): Promise<Outcome<{ listing: string[]; failed: boolean }>>;
export function performRide(p: RidePeers, effect: RideCall): Promise<Outcome<unknown>>;
export async function performRide(p: RidePeers, effect: RideCall): Promise<Outcome<unknown>> {
  const { env, ctx, config, rideId, correlationId } = p;
  try {
    switch (effect.type) {
      case "releaseDriver":
        return ok(await within(PEER_CALL_MS, driverStub(env, effect.driverId).release(rideId, effect.correlationId ?? correlationId), "release driver"));
      case "confirmDriver":
        return (await within(
          PEER_CALL_MS,
          Promise.resolve(driverStub(env, effect.driverId).confirm(rideId, correlationId)),
          "confirm driver",
        )) as Outcome<Driver>;
      case "reserveDriver":
        return (await within(
          PEER_CALL_MS,
          Promise.resolve(driverStub(env, effect.driverId).reserve(effect.reservation, config.driverFreshnessS, correlationId)),
          "reserve driver",
        )) as Outcome<Driver>;
      case "addDues":
        return await within(
          PEER_CALL_MS,
          Promise.resolve(riderStub(env, effect.riderId).incurDues(effect.riderId, effect.rideId, effect.amount, correlationId)),
          "add dues",
        );
      case "pushToDriver":
        // Best effort, unawaited (so not ordered: the Driver DO drops a push older than one it sent, src/driver/push-order.ts);
        // a live client that missed something gets the current state when it reconnects.
        ctx.waitUntil(
          driverStub(env, effect.driverId)
            .rideChanged(effect.ride)
            .then(() => undefined, log("driver live push failed", { driverId: effect.driverId })),
        );
        return ok(null);
      case "markNoSupply":
        // Bounded as every call here: it runs after the deadline's commit, in the ride's queue (a cell that hangs held the ride's next commands).
        return ok(
          await within(PEER_CALL_MS, Promise.resolve(cellStub(env, cellOf(effect.pickup)).markNoSupply(effect.product, effect.until)), "mark no supply"),
        );
      case "findDrivers": {
        // The drivers listed now; a silent one still within its lease is refused by its own Driver DO.
        const now = Date.now();
        const answers = await Promise.all(effect.cells.map((cell) => askDispatch(`cell ${cell}`, () => cellStub(env, cell).search(effect.waiter, now))));
        return ok({
          entries: answers.flatMap((a) => a?.entries ?? []),
          failed: answers.includes(null),
          waitingIn: effect.cells.filter((_, i) => answers[i]?.waiting),
        });
      }
      case "waitInCells": {
        const now = Date.now();
        const answers = await Promise.all(
          effect.cells.map((cell) => askDispatch(`cell ${cell}`, () => cellStub(env, cell).wait(effect.waiter, now, effect.roundStart))),
        );
        // A cell of an older code answers no `relisted`: none then, as before.
        const relisted = answers.flatMap((a) => (a && "relisted" in a ? a.relisted : []));
        return ok({ listed: answers.flatMap((a) => a?.listed ?? []), relisted, failed: answers.includes(null) });
      }
      case "findSupply": {
        // A district that cannot be asked hides nothing: its cells are all searched, as before districts.
        const now = Date.now();
        const groups = byDistrict(effect.cells);
        const answers = await Promise.all(
          groups.map(([d, cells]) => askDispatch(`district ${d}`, () => districtStub(env, d).supply(cells, effect.waiter, now))),
        );
        return ok({
          listing: groups.flatMap(([, cells], i) => answers[i]?.listing ?? (answers[i] ? [] : cells)),
          waitingIn: groups.flatMap(([, cells], i) => (answers[i]?.waiting ? cells : [])),
        });
      }
      case "waitForSupply": {
        const now = Date.now();
        const groups = byDistrict(effect.cells);
        const answers = await Promise.all(groups.map(([d, cells]) => askDispatch(`district ${d}`, () => districtStub(env, d).wait(cells, effect.waiter, now))));
        return ok({ listing: answers.flatMap((a) => a?.listing ?? []), failed: answers.includes(null) });
      }
    }
  } catch (error) {
    // A reservation may have gone through unseen: undo it (release is idempotent) and move on.
    if (effect.type === "reserveDriver")
      ctx.waitUntil(
        driverStub(env, effect.driverId)
          .release(rideId, correlationId)
          .then(
            () => undefined,
            () => undefined,
          ),
      );
    if (effect.type === "reserveDriver") log("reservation failed", { rideId, driverId: effect.driverId })(error);
    return fail("unavailable", `could not ${effect.type}: ${String(error)}`, { retryAfterSeconds: 1 });
  }
}

const unwrapOr = <T, F>(outcome: Outcome<T>, fallback: F): T | F => (outcome.ok ? outcome.value : fallback);

/**
 * The dispatch round's peers for a ride: its cell searches, reservations and waiting,
 * each through `performRide` (bounded, never throwing: a failed cell counts as failed).
 *
 * @example
 * const round = await dispatchRound(record, config, new Date(), dispatchPeers(peers, (driverId) => store({ ...record, reserving: driverId ?? undefined })));
 */
export function dispatchPeers(p: RidePeers, reserving: DispatchPeers["reserving"]): DispatchPeers {
  const none = { entries: [], listed: [], relisted: [], listing: [], waitingIn: [], failed: true };
  return {
    // Should the effect itself fail, every cell is searched (and the ride waits in them), as before districts.
    supply: async (cells, waiter) => unwrapOr(await performRide(p, { type: "findSupply", cells, waiter }), { listing: cells, waitingIn: [] }),
    waitForSupply: async (cells, waiter) => unwrapOr(await performRide(p, { type: "waitForSupply", cells, waiter }), none),
    query: async (cells, waiter) => unwrapOr(await performRide(p, { type: "findDrivers", cells, waiter }), none),
    reserve: async (driverId, reservation) => {
      const outcome = await performRide(p, { type: "reserveDriver", driverId, reservation });
      // A refusal is the driver's answer; a failed call is not (performRide's own `unavailable`): the round searches again.
      return outcome.ok ? outcome.value : outcome.problem.code === "unavailable" ? "unavailable" : null;
    },
    reserving,
    release: async (driverId) => void (await performRide(p, { type: "releaseDriver", driverId })),
    wait: async (cells, waiter, roundStart) => unwrapOr(await performRide(p, { type: "waitInCells", cells, waiter, roundStart }), none),
  };
}
