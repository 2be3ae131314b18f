/**
 * DispatchCell: one per geohash cell (precision 5). Knows the available drivers
 * listed in its cell, for dispatch searches. A driver's entry is written when the
 * driver enters the cell, becomes available, or renews it (every `CELL_REFRESH_S`),
 * not on every location report: each entry holds a lease (`listed_until`) and lapses
 * if the driver stops renewing it. It may lag behind the Driver DOs (a position up to
 * a refresh old, a driver gone silent within the lease); a reservation through the
 * Driver DO decides.
 *
 * It also holds the **waiting demand** near it: a ride that found nobody registers here
 * (`wait`) instead of searching again every few seconds, and a driver newly listed here
 * (became available, or moved in) is answered the oldest rides waiting within their
 * radius (`upsert`), for the Driver DO to wake (decision 12: dispatch waits instead of
 * polling). A waiter lapses at its ride's dispatch deadline; a woken ride that no longer
 * waits is forgotten (`forget`).
 */
import { distanceMeters } from "../domain/geo";
import type { LatLng, Product } from "../domain/types";
import type { Waiter } from "../ride/dispatch";
import { addColumn, StoredObject } from "./stored-object";

export interface CellEntry {
  driverId: string;
  lat: number;
  lng: number;
  product: Product;
  /** Every product the driver's vehicle serves (default `[product]`): what dispatch matches on. */
  products?: Product[];
  /** Epoch ms of the location report. */
  reportedAt: number;
  /** Epoch ms until which the entry is listed (the Driver DO renews it before then while the driver reports). */
  listedUntil: number;
}

/** How many waiting rides a newly listed driver is answered (woken in order until one takes the driver). */
export const WAKE_CANDIDATES = 3;

/** How long entries written before leases existed stay listed after their report (the freshness limit of the time). */
const LEGACY_LEASE_MS = 30_000;

export class DispatchCellDurableObject extends StoredObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, [
      `CREATE TABLE IF NOT EXISTS drivers (
      driver_id TEXT PRIMARY KEY, lat REAL NOT NULL, lng REAL NOT NULL, product TEXT NOT NULL, reported_at INTEGER NOT NULL)`,
      "CREATE TABLE IF NOT EXISTS supply (product TEXT PRIMARY KEY, no_supply_until INTEGER NOT NULL)",
      // One row per product a listed driver serves (drivers listed before products existed match on drivers.product).
      "CREATE TABLE IF NOT EXISTS driver_products (driver_id TEXT NOT NULL, product TEXT NOT NULL, PRIMARY KEY (driver_id, product))",
      `CREATE TABLE IF NOT EXISTS waiters (
      ride_id TEXT PRIMARY KEY, product TEXT NOT NULL, lat REAL NOT NULL, lng REAL NOT NULL, radius_m REAL NOT NULL,
      until INTEGER NOT NULL, since INTEGER NOT NULL)`,
    ]);
    // Cells created before leases: their entries keep the old freshness window, then lapse unless renewed.
    if (addColumn(this.sql, "drivers", "listed_until", "INTEGER NOT NULL DEFAULT 0"))
      this.sql.exec("UPDATE drivers SET listed_until = reported_at + ?", LEGACY_LEASE_MS);
    // How many times each entry was written since it was listed here (what the lease saves is visible).
    addColumn(this.sql, "drivers", "writes", "INTEGER NOT NULL DEFAULT 0");
  }

  /**
   * Dispatch just failed to find anyone here: turn new requests away until `until`
   * (epoch ms) instead of letting them wait out the deadline too.
   */
  markNoSupply(product: Product, until: number): void {
    this.sql.exec(
      "INSERT INTO supply (product, no_supply_until) VALUES (?, ?) ON CONFLICT(product) DO UPDATE SET no_supply_until = max(no_supply_until, excluded.no_supply_until)",
      product,
      until,
    );
  }

  /** Until when (epoch ms) this cell turns requests for `product` away, or null when it does not. */
  noSupplyUntil(product: Product, now = Date.now()): number | null {
    const row = this.sql.exec<{ no_supply_until: number }>("SELECT no_supply_until FROM supply WHERE product = ?", product).toArray()[0];
    return row && row.no_supply_until > now ? row.no_supply_until : null;
  }

  /**
   * Lists (or moves, or renews) an available driver. A driver appearing here ends the
   * no-supply window of every product they serve. Entries whose lease ran out go.
   * `relisted`: the driver just became available or moved into this cell (not a renewal);
   * then the answer names the rides waiting here that the driver could serve, oldest
   * first, for the Driver DO to wake.
   */
  upsert(entry: CellEntry, relisted = false): { waiting: string[] } {
    const products = [...new Set([entry.product, ...(entry.products ?? [])])];
    for (const product of products) this.sql.exec("DELETE FROM supply WHERE product = ?", product);
    this.dropLapsed(Date.now());
    const listed = this.sql.exec<{ product: string }>("SELECT product FROM driver_products WHERE driver_id = ? ORDER BY product", entry.driverId).toArray();
    if (listed.map((r) => r.product).join() !== [...products].sort().join()) {
      this.sql.exec("DELETE FROM driver_products WHERE driver_id = ?", entry.driverId);
      for (const product of products) this.sql.exec("INSERT INTO driver_products (driver_id, product) VALUES (?, ?)", entry.driverId, product);
    }
    this.sql.exec(
      `INSERT INTO drivers (driver_id, lat, lng, product, reported_at, listed_until, writes) VALUES (?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT(driver_id) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, product = excluded.product, reported_at = excluded.reported_at,
         listed_until = excluded.listed_until, writes = drivers.writes + 1
       WHERE excluded.reported_at >= drivers.reported_at`,
      entry.driverId,
      entry.lat,
      entry.lng,
      entry.product,
      entry.reportedAt,
      entry.listedUntil,
    );
    return { waiting: relisted ? this.waitingFor(entry, products, Date.now()) : [] };
  }

  /**
   * Registers a ride as waiting here (again: its first registration keeps its place in
   * line) and answers the drivers listed here for it now. A driver listed between the
   * ride's search and this registration is in that answer, so the ride never misses one.
   *
   * @example
   * const { listed } = await cellStub(env, cell).wait({ rideId, product, pickup, radiusM: 5000, until: deadline }, Date.now());
   */
  wait(waiter: Waiter, now: number): { listed: string[] } {
    this.register(waiter, now);
    return { listed: this.nearby(waiter.pickup, waiter.radiusM, waiter.product, now).map((e) => e.driverId) };
  }

  /**
   * A dispatch search that waits where it finds nobody: the drivers listed here for the
   * ride, and when there are none, the ride registered as waiting here in the same call
   * (one call a cell instead of a search and then a registration; no driver can be listed
   * between the two, since a cell runs one call at a time). A cell with drivers does not
   * register the ride: its round goes on with them, and waits there later only if none
   * of them could be had.
   *
   * @example
   * const { entries, waiting } = await cellStub(env, cell).search({ rideId, product, pickup, radiusM: 5000, until: deadline }, Date.now());
   */
  search(waiter: Waiter, now: number): { entries: CellEntry[]; waiting: boolean } {
    const entries = this.nearby(waiter.pickup, waiter.radiusM, waiter.product, now);
    if (entries.length > 0) return { entries, waiting: false };
    this.register(waiter, now);
    return { entries, waiting: true };
  }

  private register(waiter: Waiter, now: number): void {
    this.sql.exec("DELETE FROM waiters WHERE until < ?", now);
    this.sql.exec(
      `INSERT INTO waiters (ride_id, product, lat, lng, radius_m, until, since) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(ride_id) DO UPDATE SET until = excluded.until`,
      waiter.rideId,
      waiter.product,
      waiter.pickup.lat,
      waiter.pickup.lng,
      waiter.radiusM,
      waiter.until,
      now,
    );
  }

  /** Forgets rides that no longer wait (woken and served elsewhere, cancelled). */
  forget(rideIds: string[]): void {
    for (const rideId of rideIds) this.sql.exec("DELETE FROM waiters WHERE ride_id = ?", rideId);
  }

  /** The rides waiting here that `entry`'s driver could serve, oldest first. */
  private waitingFor(entry: CellEntry, products: Product[], now: number): string[] {
    return this.sql
      .exec<{ ride_id: string; lat: number; lng: number; radius_m: number }>(
        `SELECT ride_id, lat, lng, radius_m FROM waiters WHERE until >= ? AND product IN (${products.map(() => "?").join(", ")}) ORDER BY since, ride_id`,
        now,
        ...products,
      )
      .toArray()
      .filter((w) => distanceMeters(entry, w) <= w.radius_m)
      .slice(0, WAKE_CANDIDATES)
      .map((w) => w.ride_id);
  }

  remove(driverId: string): void {
    this.sql.exec("DELETE FROM drivers WHERE driver_id = ?", driverId);
    this.sql.exec("DELETE FROM driver_products WHERE driver_id = ?", driverId);
  }

  /**
   * Drivers whose vehicle serves `product`, within `radiusM` of `center`, listed at
   * `now` (epoch ms). Whether each is fresh enough is the Driver DO's to decide.
   */
  nearby(center: LatLng, radiusM: number, product: Product, now: number): (CellEntry & { distanceMeters: number })[] {
    return this.sql
      .exec<{ driver_id: string; lat: number; lng: number; product: Product; reported_at: number; listed_until: number }>(
        `SELECT driver_id, lat, lng, product, reported_at, listed_until FROM drivers d WHERE listed_until >= ? AND (
           EXISTS (SELECT 1 FROM driver_products p WHERE p.driver_id = d.driver_id AND p.product = ?)
           OR (product = ? AND NOT EXISTS (SELECT 1 FROM driver_products p WHERE p.driver_id = d.driver_id)))`,
        now,
        product,
        product,
      )
      .toArray()
      .map((r) => ({
        driverId: r.driver_id,
        lat: r.lat,
        lng: r.lng,
        product: r.product,
        reportedAt: r.reported_at,
        listedUntil: r.listed_until,
        distanceMeters: distanceMeters(center, r),
      }))
      .filter((e) => e.distanceMeters <= radiusM);
  }

  /** Forgets the entries whose lease ran out (drivers who went silent and never came back here). */
  private dropLapsed(now: number): void {
    this.sql.exec("DELETE FROM driver_products WHERE driver_id IN (SELECT driver_id FROM drivers WHERE listed_until < ?)", now);
    this.sql.exec("DELETE FROM drivers WHERE listed_until < ?", now);
  }
}
