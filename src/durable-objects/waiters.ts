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
  until INTEGER NOT NULL, since INTEGER NOT NULL)`;

/** A waiting ride with its place in line (epoch ms it started waiting). */
export type WaiterRow = Waiter & { since: number };

/**
 * Registers a ride as waiting since `since` (epoch ms), dropping rides whose deadline
 * passed. A ride registered again keeps the earlier of its two places in line and the
 * new deadline.
 *
 * @example
 * registerWaiter(this.sql, waiter, Date.now());
 */
export function registerWaiter(sql: SqlStorage, waiter: Waiter, since: number, now = since): void {
  sql.exec("DELETE FROM waiters WHERE until < ?", now);
  sql.exec(
    `INSERT INTO waiters (ride_id, product, lat, lng, radius_m, until, since) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(ride_id) DO UPDATE SET until = excluded.until, since = min(since, excluded.since)`,
    waiter.rideId,
    waiter.product,
    waiter.pickup.lat,
    waiter.pickup.lng,
    waiter.radiusM,
    waiter.until,
    since,
  );
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
