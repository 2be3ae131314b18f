/**
 * The views' repair sweep for rentals (run with the rides' sweep, on the same cron):
 * rental rows still live (requested, confirmed, or cancelled and not yet refunded: the
 * refund unanswered or declined) and vehicle rows rented, unchanged and unchecked for
 * `afterS`, are compared with their object and projected again. A rented vehicle whose
 * rental does not exist (its creation failed after the reserve) or has ended is released.
 * A row is marked checked, so one that rightly stands still for hours (a long rental)
 * waits its turn instead of being asked every run. A rental the views never heard of
 * (every message of it lost) has no row to fall behind: the rides' sweep finds it in the
 * ledger, and projects it with `rentalWrites`.
 */
import { and, asc, inArray, lt, or, sql, eq, type AnyColumn } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { rentalStub, rentalVehicleStub } from "../../src/durable-objects/stubs";
import { applyWrites, type ViewWrite } from "../../src/views/projection";
import { rentals, rentalVehicles } from "../../src/views/schema";

const lastSeen = (updatedAt: AnyColumn, checkedAt: AnyColumn) => sql<string>`max(${updatedAt}, coalesce(${checkedAt}, ''))`;
const REPAIRER = { id: "views-repair", role: "ops" } as const;

/**
 * Finds stale rows of one table, asks each object, projects what it answers and marks the rows
 * checked: a row whose object failed too (named in `failed`), so it comes back after `afterS`
 * instead of holding the front of the line, and the rows behind it (and the vehicles' sweep
 * after the rentals') still heal.
 */
async function sweep(
  d1: D1Database,
  table: typeof rentals | typeof rentalVehicles,
  live: ReturnType<typeof or>,
  before: string,
  limit: number,
  read: (id: string) => Promise<ViewWrite | null>,
  failed: string[],
): Promise<number> {
  const db = drizzle(d1);
  const seen = lastSeen(table.updatedAt, table.checkedAt);
  const rows = await db
    .select({ id: table.id })
    .from(table)
    .where(and(live, lt(seen, before)))
    .orderBy(asc(seen))
    .limit(limit);
  const ids = rows.map((r) => r.id);
  const outcomes = await Promise.allSettled(ids.map(read));
  outcomes.forEach((o, i) => {
    if (o.status === "rejected") failed.push(`${ids[i]}: ${String(o.reason)}`);
  });
  const writes = outcomes.flatMap((o) => (o.status === "fulfilled" && o.value ? [o.value] : []));
  await applyWrites(d1, writes);
  if (ids.length > 0) await db.update(table).set({ checkedAt: new Date().toISOString() }).where(inArray(table.id, ids));
  return writes.length;
}

/**
 * Frees a vehicle held by a rental that does not exist or has ended (released by the
 * rental id, so a vehicle reserved again meanwhile is left alone); one reserved less
 * than `afterS` ago is left to its rental's creation.
 */
async function releaseOrphan(env: Pick<Env, "RENTAL">, vehicle: ReturnType<typeof rentalVehicleStub>, before: string): Promise<void> {
  const holder = await vehicle.heldBy();
  // Reserved only just (the object's own time, not the view's): its rental may be committing now.
  if (!holder || ((await vehicle.get())?.updatedAt ?? "") >= before) return;
  const rental = await rentalStub(env, holder).get(REPAIRER);
  if (!rental.ok && rental.problem.code !== "not_found") return;
  if (rental.ok && (rental.value.status === "requested" || rental.value.status === "confirmed")) return;
  // Where its rider left it, for a return whose release was lost (only a completed rental was returned:
  // no second call for the others); else where it was.
  const at = rental.ok && rental.value.status === "completed" ? await rentalStub(env, holder).returnedAt() : null;
  const released = await vehicle.release(holder, `repair:${holder}`, at ?? undefined);
  if (!released.ok) console.warn(JSON.stringify({ msg: "orphan vehicle release failed", rentalId: holder, error: released.problem.code }));
}

/**
 * The writes that bring a rental's row, and its vehicle's, up to their objects; null when
 * no Rental object knows the rental. The vehicle comes along because the messages that
 * lost the rental lost its `rented` too.
 *
 * @example
 * const writes = await rentalWrites(env, "rn_…"); // [{ kind: "rental", … }, { kind: "rentalVehicle", … }]
 */
export async function rentalWrites(env: Pick<Env, "RENTAL" | "RENTAL_VEHICLE">, rentalId: string): Promise<ViewWrite[] | null> {
  const outcome = await rentalStub(env, rentalId).get(REPAIRER);
  if (!outcome.ok) return null;
  return [{ kind: "rental", rental: outcome.value }, ...((await vehicleWrites(env, outcome.value.vehicleId)) ?? [])];
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
 * @example
 * const report = await repairRentalViews(env, { afterS: 120, maxRows: 25 });
 */
export async function repairRentalViews(
  env: Pick<Env, "VIEWS_DB" | "RENTAL" | "RENTAL_VEHICLE">,
  options: { afterS: number; maxRows: number },
): Promise<{ rentals: number; vehicles: number; failed: string[] }> {
  const failed: string[] = [];
  const before = new Date(Date.now() - options.afterS * 1000).toISOString();
  const liveRental = or(
    inArray(rentals.status, ["requested", "confirmed"]),
    // Cancelled, or declined at its deadline, with money still in play: a hold, a charge to refund, an answer awaited (not
    // voided, declined or refunded: over).
    and(
      inArray(rentals.status, ["cancelled", "declined"]),
      sql`json_extract(${rentals.snapshot}, '$.payment.status') IN ('pending', 'authorized', 'captured')`,
    ),
  );
  const repairedRentals = await sweep(
    env.VIEWS_DB,
    rentals,
    liveRental,
    before,
    options.maxRows,
    async (id) => {
      const outcome = await rentalStub(env, id).get(REPAIRER);
      return outcome.ok ? { kind: "rental", rental: outcome.value } : null;
    },
    failed,
  );
  const repairedVehicles = await sweep(
    env.VIEWS_DB,
    rentalVehicles,
    or(eq(rentalVehicles.status, "rented")),
    before,
    options.maxRows,
    async (id) => {
      const stub = rentalVehicleStub(env, id);
      await releaseOrphan(env, stub, before);
      const vehicle = await stub.get();
      return vehicle ? { kind: "rentalVehicle", vehicle } : null;
    },
    failed,
  );
  return { rentals: repairedRentals, vehicles: repairedVehicles, failed };
}
