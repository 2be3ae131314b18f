/**
 * The SQL of the rental projections: a rental's and a vehicle's snapshot rows, each
 * taken only when its version is newer than the one held (any order converges).
 */
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Rental, RentalVehicle } from "../domain/rental/types";
import { rentals, rentalVehicles } from "./schema";

/**
 * The upsert of a rental's row (without its key), taken only when its version is newer.
 *
 * @example
 * await db.batch([rentalStatement(db, rental)]);
 */
export function rentalStatement(db: DrizzleD1Database, r: Rental): BatchItem<"sqlite"> {
  // The key never reaches the views, whatever the caller passed.
  const snapshot = JSON.stringify({ ...r, unlockKey: null });
  return db
    .insert(rentals)
    .values({
      id: r.id,
      riderId: r.riderId,
      vehicleId: r.vehicleId,
      status: r.status,
      version: r.version,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      snapshot,
    })
    .onConflictDoUpdate({
      target: rentals.id,
      set: { status: sql`excluded.status`, version: sql`excluded.version`, updatedAt: sql`excluded.updated_at`, snapshot: sql`excluded.snapshot` },
      setWhere: sql`excluded.version > ${rentals.version}`,
    });
}

/**
 * The upsert of a vehicle's row, taken only when its version is newer.
 *
 * @example
 * await db.batch([vehicleStatement(db, vehicle)]);
 */
export function vehicleStatement(db: DrizzleD1Database, v: RentalVehicle): BatchItem<"sqlite"> {
  return db
    .insert(rentalVehicles)
    .values({
      id: v.id,
      kind: v.kind,
      status: v.status,
      lat: v.location.lat,
      lng: v.location.lng,
      version: v.version,
      createdAt: v.createdAt,
      updatedAt: v.updatedAt,
      snapshot: JSON.stringify(v),
    })
    .onConflictDoUpdate({
      target: rentalVehicles.id,
      set: {
        status: sql`excluded.status`,
        lat: sql`excluded.lat`,
        lng: sql`excluded.lng`,
        version: sql`excluded.version`,
        updatedAt: sql`excluded.updated_at`,
        snapshot: sql`excluded.snapshot`,
      },
      setWhere: sql`excluded.version > ${rentalVehicles.version}`,
    });
}
