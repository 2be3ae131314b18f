/**
 * The views' repair sweep for rentals (run with the rides' sweep, on the same cron):
 * rental rows still live (requested, confirmed, or cancelled and not yet refunded: the
 * refund unanswered or declined) and vehicle rows rented, unchanged and unchecked for
 * `afterS`, are compared with their object and projected again (a rental with its vehicle, whose
 * `rented` may be the message that was lost). A rented vehicle whose
 * rental does not exist (its creation failed after the reserve) or has ended is released.
 * A row is marked checked, so one that rightly stands still for hours (a long rental)
 * waits its turn instead of being asked every run. A rental the views never heard of
 * (every message of it lost) has no row to fall behind: the rides' sweep finds it in the
 * ledger, and projects it with `rentalWrites`.
 */
import type { TimelineItem } from "../../src/durable-objects/aggregate";
import { rentalStub, rentalVehicleStub } from "../../src/durable-objects/stubs";
import type { Outcome } from "../../src/lib/problem";
import { applyWrites, refundOf, type ViewWrite } from "../../src/views/projection";
import { LAST_SEEN, LIVE_RENTAL, REFUND_DECLINED } from "../../src/views/schema";

/**
 * What each sweep reads: its table's live rows (literal SQL, matched to a partial index's text), by which index;
 * and which of them, once checked, rest `RESTING_MS` before the next check (`resting`).
 */
export const SWEPT = {
  // `rentals_in_play` indexes exactly LIVE_RENTAL: the live rentals, never the history of ended ones. INDEXED BY,
  // since SQLite would rather take rentals_by_status's equalities and sort every cancelled rental ever kept.
  // A rental whose refund was declined keeps its payment `captured` until an operator acts (days, maybe never):
  // checked every run, a few hundred of them would take every slot and hold back the rows really behind.
  rentals: { table: "rentals", live: LIVE_RENTAL, index: "rentals_in_play", resting: REFUND_DECLINED },
  // Rented vehicles, by rental_vehicles_by_place: as many as the fleet.
  vehicles: { table: "rental_vehicles", live: "status = 'rented'", index: "rental_vehicles_by_place", resting: "0" },
} as const;
type Swept = (typeof SWEPT)[keyof typeof SWEPT];

/**
 * How long a checked row that rightly stands still (`resting`: a declined refund) is left before its next check,
 * unless it changed since (an operator's retry, whose outcome's message may be lost, is checked as any change).
 */
export const RESTING_MS = 86_400_000;

/**
 * The ids of `swept`'s rows unchanged and unchecked since `before`, oldest look first.
 *
 * @example
 * const ids = await staleIds(env.VIEWS_DB, SWEPT.rentals, before, 25);
 */
export async function staleIds(d1: D1Database, swept: Swept, before: string, limit: number): Promise<string[]> {
  const rested = new Date(Date.now() - RESTING_MS).toISOString();
  const { results } = await d1.prepare(staleQuery(swept)).bind(before, limit, rested).all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * `staleIds`'s query (?1 before, ?2 the limit, ?3 a day ago): a resting row checked within the day
 * and unchanged since is passed over (read past on the index, a few rows).
 */
export const staleQuery = ({ table, live, index, resting }: Swept) =>
  `SELECT id FROM ${table} INDEXED BY ${index} WHERE ${live} AND ${LAST_SEEN} < ?1
     AND NOT (${resting} AND checked_at IS NOT NULL AND checked_at >= updated_at AND checked_at > ?3)
   ORDER BY ${LAST_SEEN} LIMIT ?2`;

const REPAIRER = { id: "views-repair", role: "ops" } as const;

/**
 * Finds stale rows of one table, asks each object, projects what it answers and marks the rows
 * checked: a row whose object failed too (named in `failed`), so it comes back after `afterS`
 * instead of holding the front of the line, and the rows behind it (and the vehicles' sweep
 * after the rentals') still heal.
 */
async function sweep(
  d1: D1Database,
  swept: Swept,
  before: string,
  limit: number,
  read: (id: string) => Promise<ViewWrite[] | null>,
  failed: string[],
): Promise<number> {
  const ids = await staleIds(d1, swept, before, limit);
  const outcomes = await Promise.allSettled(ids.map(read));
  outcomes.forEach((o, i) => {
    if (o.status === "rejected") failed.push(`${ids[i]}: ${String(o.reason)}`);
  });
  const found = outcomes.flatMap((o) => (o.status === "fulfilled" && o.value ? [o.value] : []));
  await applyWrites(d1, found.flat());
  if (ids.length > 0)
    await d1
      .prepare(`UPDATE ${swept.table} SET checked_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))`)
      .bind(new Date().toISOString(), JSON.stringify(ids))
      .run();
  return found.length;
}

/**
 * Frees a vehicle held by a rental that does not exist or has ended (released by the
 * rental id, so a vehicle reserved again meanwhile is left alone); one reserved less
 * than `afterS` ago is left to its rental's creation.
 */
async function releaseOrphan(env: Pick<Env, "RENTAL">, vehicle: ReturnType<typeof rentalVehicleStub>, vehicleId: string, before: string): Promise<void> {
  const holder = await vehicle.heldBy();
  // Reserved only just (the object's own time, not the view's): its rental may be committing now.
  if (!holder || ((await vehicle.get())?.updatedAt ?? "") >= before) return;
  const rental = await rentalStub(env, holder).get(REPAIRER);
  if (!rental.ok && rental.problem.code !== "not_found") return;
  if (!rental.ok) {
    // Never made, as far as a read outside its queue can tell: the Rental object decides in its queue, behind a
    // creation sent again under its key that may be committing now (its repeated reserve left the vehicle's time old).
    const released = await rentalStub(env, holder).releaseUnmade(holder, vehicleId);
    if (!released.ok) console.warn(JSON.stringify({ msg: "orphan vehicle release failed", rentalId: holder, error: released.problem.code }));
    return;
  }
  if (rental.value.status === "requested" || rental.value.status === "confirmed") return;
  // Ended, never live again. Where its rider left it, for a return whose release was lost (only a completed rental
  // was returned: no second call for the others); else where it was.
  const at = rental.value.status === "completed" ? await rentalStub(env, holder).returnedAt() : null;
  const released = await vehicle.release(holder, `repair:${holder}`, at ?? undefined);
  if (!released.ok) console.warn(JSON.stringify({ msg: "orphan vehicle release failed", rentalId: holder, error: released.problem.code }));
}

/**
 * The writes that bring a rental's row, and its vehicle's, up to their objects; null when
 * no Rental object knows the rental. The vehicle comes along because the messages that
 * lost the rental lost its `rented` too. So do a cancelled or declined rental's refund outcomes
 * (the open refund problems, `refundOf`), which its snapshot does not say: read from its events,
 * one more call, for a rental whose money was taken only (no other is refunded).
 *
 * @example
 * const writes = await rentalWrites(env, "rn_…"); // [{ kind: "rental", … }, { kind: "rentalVehicle", … }]
 */
export async function rentalWrites(env: Pick<Env, "RENTAL" | "RENTAL_VEHICLE">, rentalId: string): Promise<ViewWrite[] | null> {
  const stub = rentalStub(env, rentalId);
  const outcome = await stub.get(REPAIRER);
  if (!outcome.ok) return null;
  const rental = outcome.value;
  const refunds: ViewWrite[] = [];
  // Refunded, or still captured (a refund declined, or on its way): the only rentals a refund was asked for.
  if ((rental.status === "cancelled" || rental.status === "declined") && (rental.payment.status === "captured" || rental.payment.status === "refunded")) {
    const events = (await stub.timeline(REPAIRER)) as Outcome<TimelineItem[]>;
    if (events.ok) refunds.push(...events.value.flatMap((e) => refundOf(e, "rental", rental.id)));
  }
  return [{ kind: "rental", rental }, ...refunds, ...((await vehicleWrites(env, rental.vehicleId)) ?? [])];
}

/**
 * The write that brings a vehicle's row up to its object; null when no object knows it.
 *
 * @example
 * const writes = await vehicleWrites(env, "rv_…"); // [{ kind: "rentalVehicle", vehicle }]
 */
export async function vehicleWrites(env: Pick<Env, "RENTAL_VEHICLE">, vehicleId: string): Promise<ViewWrite[] | null> {
  const vehicle = await rentalVehicleStub(env, vehicleId).get();
  return vehicle ? [{ kind: "rentalVehicle", vehicle }] : null;
}

/**
 * Writes a vehicle's row from its object, now: a rental of it was refused `vehicle_unavailable`,
 * so the views may show it free where its `rented` was lost (dead-lettered); the sweep reads rented
 * rows only, so it would stay in every rider's search until a replay. Written `rented`, its row is
 * then the sweep's, which frees it should its rental not exist. Never throws (after the answer).
 *
 * @example
 * c.executionCtx.waitUntil(vehicleRowHealed(c.env, body.vehicleId));
 */
export async function vehicleRowHealed(env: Pick<Env, "VIEWS_DB" | "RENTAL_VEHICLE">, vehicleId: string): Promise<void> {
  try {
    await applyWrites(env.VIEWS_DB, (await vehicleWrites(env, vehicleId)) ?? []);
  } catch (error) {
    console.warn(JSON.stringify({ msg: "vehicle row not healed", vehicleId, error: String(error) }));
  }
}

/**
 * @example
 * const report = await repairRentalViews(env, { afterS: 120, maxRows: 25 });
 */
export async function repairRentalViews(
  env: Pick<Env, "VIEWS_DB" | "RENTAL" | "RENTAL_VEHICLE">,
  options: { afterS: number; maxRows: number },
): Promise<{ rentals: number; vehicles: number; failed: string[] }> {
  const failed: string[] = [];
  const before = new Date(Date.now() - options.afterS * 1000).toISOString();
  const repairedRentals = await sweep(
    env.VIEWS_DB,
    SWEPT.rentals,
    before,
    options.maxRows,
    // With its vehicle: a vehicle whose `rented` was lost shows available, in every rider's search, for the whole rental.
    (id) => rentalWrites(env, id),
    failed,
  );
  const repairedVehicles = await sweep(
    env.VIEWS_DB,
    SWEPT.vehicles,
    before,
    options.maxRows,
    async (id) => {
      const stub = rentalVehicleStub(env, id);
      await releaseOrphan(env, stub, id, before);
      const vehicle = await stub.get();
      return vehicle ? [{ kind: "rentalVehicle", vehicle }] : null;
    },
    failed,
  );
  return { rentals: repairedRentals, vehicles: repairedVehicles, failed };
}
