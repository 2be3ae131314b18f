/**
 * The waiting rides a DispatchCell or a DispatchDistrict holds (decision 12), in the
 * object's SQLite: one row a ride, until its dispatch deadline, in line by when it
 * started waiting. Both objects keep the same table, so a district can hand its waiters
 * to a cell with their places in line.
 */
import type { Product } from "../domain/types";
import type { Waiter } from "../ride/dispatch";

/** How many waiting rides a newly listed driver is answered at a time (woken in order until one takes the driver; then the next ones, the cell's `nextWaiting`). */
export const WAKE_CANDIDATES = 5;

/** The table (created by the object's schema). */
export const WAITERS_SCHEMA = `CREATE TABLE IF NOT EXISTS waiters (
  ride_id TEXT PRIMARY KEY, product TEXT NOT NULL, lat REAL NOT NULL, lng REAL NOT NULL, radius_m REAL NOT NULL,
  until INTEGER NOT NULL, since INTEGER NOT NULL, registered_at INTEGER NOT NULL DEFAULT 0)`;

/**
 * The column a waiters table made before it lacks (tables keep their first shape), for
 * `addColumn(this.sql, ...WAITERS_REGISTERED_AT)`: its rows read as registered at 0, so a
 * `forget` of them acts as it always did.
 */
export const WAITERS_REGISTERED_AT = ["waiters", "registered_at", "INTEGER NOT NULL DEFAULT 0"] as const;

/** A waiting ride with its place in line (epoch ms: its request, or when it first registered). */
export type WaiterRow = Waiter & { since: number };

/**
 * Registers a ride as waiting, in line by `waiter.since` (or `now`, for a ride of before
 * that names no place), dropping rides whose deadline passed. A ride registered again
 * keeps the earlier of its two places in line and the later of its two deadlines: a
 * district's copy from before a driver backed out may be handed over after the ride
 * registered anew with its new deadline (taking the copy's, the cell stopped waking the ride
 * before its end). A ride kept past its deadline (a `REDISPATCH_TIMEOUT_S` shorter than
 * `DISPATCH_TIMEOUT_S`) answers a wake `not_waiting` and is forgotten. `registered_at` is this
 * object's own clock at the registration, not the caller's `now`: it is compared with the
 * times this object answers its waiters at (`forgetAnswered`), never with another
 * object's clock.
 *
 * @example
 * registerWaiter(this.sql, waiter, Date.now());
 */
export function registerWaiter(sql: SqlStorage, waiter: Waiter, now: number): void {
  sql.exec("DELETE FROM waiters WHERE until < ?", now);
  sql.exec(
    `INSERT INTO waiters (ride_id, product, lat, lng, radius_m, until, since, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(ride_id) DO UPDATE SET until = max(until, excluded.until), since = min(since, excluded.since), registered_at = excluded.registered_at`,
    waiter.rideId,
    waiter.product,
    waiter.pickup.lat,
    waiter.pickup.lng,
    waiter.radiusM,
    waiter.until,
    waiter.since ?? now,
    Date.now(),
  );
}

/**
 * Forgets rides that answered they no longer wait, but not one registered again after the
 * list it was woken from was answered (`answeredAt`, this object's clock): such a ride
 * answered `not_waiting` with an offer out, then the offer ended and it waits here again
 * (forgetting it would leave it waiting for its deadline while drivers are listed here).
 * A registration in the very millisecond of the answer counts as before it: rides a district
 * hands over are registered in the call that answers them, on the same clock reading, while a
 * ride's registering again comes after its wake, its offer and that offer's end, each a call
 * between objects later.
 * No `answeredAt` (a caller of before): forgets them whenever they registered.
 *
 * @example
 * forgetAnswered(this.sql, ["rd_1"], answeredAt);
 */
export function forgetAnswered(sql: SqlStorage, rideIds: string[], answeredAt?: number): void {
  for (const rideId of rideIds)
    if (answeredAt === undefined) sql.exec("DELETE FROM waiters WHERE ride_id = ?", rideId);
    else sql.exec("DELETE FROM waiters WHERE ride_id = ? AND registered_at <= ?", rideId, answeredAt);
}

/**
 * The rides waiting for one of `products` at `now`, oldest first.
 *
 * @example
 * waitersFor(this.sql, ["standard"], Date.now()).filter((w) => distanceMeters(driver, w.pickup) <= w.radiusM);
 */
export function waitersFor(sql: SqlStorage, products: Product[], now: number): WaiterRow[] {
  return sql
    .exec<{ ride_id: string; product: Product; lat: number; lng: number; radius_m: number; until: number; since: number }>(
      `SELECT ride_id, product, lat, lng, radius_m, until, since FROM waiters WHERE until >= ? AND product IN (${products.map(() => "?").join(", ")})
       ORDER BY since, ride_id`,
      now,
      ...products,
    )
    .toArray()
    .map((w) => ({ rideId: w.ride_id, product: w.product, pickup: { lat: w.lat, lng: w.lng }, radiusM: w.radius_m, until: w.until, since: w.since }));
}
