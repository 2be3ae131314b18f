/**
 * DispatchCell: one per geohash cell (precision 5). Knows the available drivers
 * whose last location is in its cell, for dispatch searches. It may lag behind the
 * Driver DOs; a reservation through the Driver DO decides.
 */
import { DurableObject } from "cloudflare:workers";
import { distanceMeters } from "../domain/geo";
import type { LatLng, Product } from "../domain/types";

export interface CellEntry {
  driverId: string;
  lat: number;
  lng: number;
  product: Product;
  /** Epoch ms of the location report. */
  reportedAt: number;
}

export class DispatchCellDurableObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS drivers (
      driver_id TEXT PRIMARY KEY, lat REAL NOT NULL, lng REAL NOT NULL, product TEXT NOT NULL, reported_at INTEGER NOT NULL)`);
  }

  upsert(entry: CellEntry): void {
    this.sql.exec(
      `INSERT INTO drivers (driver_id, lat, lng, product, reported_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(driver_id) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, product = excluded.product, reported_at = excluded.reported_at
       WHERE excluded.reported_at >= drivers.reported_at`,
      entry.driverId, entry.lat, entry.lng, entry.product, entry.reportedAt,
    );
  }

  remove(driverId: string): void {
    this.sql.exec("DELETE FROM drivers WHERE driver_id = ?", driverId);
  }

  /** Drivers of `product` within `radiusM` of `center` who reported since `freshSince`. */
  nearby(center: LatLng, radiusM: number, product: Product, freshSince: number): (CellEntry & { distanceMeters: number })[] {
    return this.sql
      .exec<{ driver_id: string; lat: number; lng: number; product: Product; reported_at: number }>(
        "SELECT driver_id, lat, lng, product, reported_at FROM drivers WHERE product = ? AND reported_at >= ?",
        product,
        freshSince,
      )
      .toArray()
      .map((r) => ({ driverId: r.driver_id, lat: r.lat, lng: r.lng, product: r.product, reportedAt: r.reported_at, distanceMeters: distanceMeters(center, r) }))
      .filter((e) => e.distanceMeters <= radiusM);
  }
}
