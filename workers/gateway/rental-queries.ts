/**
 * Read queries over the rental views: rentals (a rider's, or all for ops) newest first
 * with the opaque cursor of queries.ts, and vehicles (all for ops; available ones near a
 * point for riders: a bounding box in SQL ordered by an approximate distance before its
 * limit, the exact circle in code).
 */
import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { distanceMeters } from "../../src/domain/geo";
import type { Rental, RentalPaymentStatus, RentalStatus, RentalVehicle, VehicleStatus } from "../../src/domain/rental/types";
import type { LatLng } from "../../src/domain/types";
import { rentalStub } from "../../src/durable-objects/stubs";
import { rentals, rentalVehicles } from "../../src/views/schema";
import { withOwnerSecrets } from "./owner-secrets";
import { decodeCursor, encodeCursor, statusIs, type Page } from "./queries";

type Table = typeof rentals | typeof rentalVehicles;

/** Which rentals a list reads: a rider's (`riderId`) or everyone's, by status and payment. */
type RentalFilter = { riderId?: string; status?: RentalStatus; payment?: RentalPaymentStatus; limit: number; cursor?: string };

/** A page, newest first, of `table`'s snapshots matching `conditions`. */
async function pageOf<T>(d1: D1Database, table: Table, conditions: (SQL | undefined)[], limit: number, cursor?: string): Promise<Page<T>> {
  const after = decodeCursor(cursor);
  const where = [
    ...conditions,
    after ? or(lt(table.createdAt, after.createdAt), and(eq(table.createdAt, after.createdAt), lt(table.id, after.id))) : undefined,
  ];
  const rows = await drizzle(d1)
    .select({ snapshot: table.snapshot, createdAt: table.createdAt, id: table.id })
    .from(table)
    .where(and(...where))
    .orderBy(desc(table.createdAt), desc(table.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map((r) => JSON.parse(r.snapshot) as T), nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
}

/**
 * @example
 * await listRentals(env.VIEWS_DB, { riderId: "r1", limit: 20 });
 */
export function listRentals(d1: D1Database, filter: RentalFilter): Promise<Page<Rental>> {
  const conditions = [
    filter.riderId ? eq(rentals.riderId, filter.riderId) : undefined,
    filter.status ? statusIs(rentals.status, filter.status, !!filter.riderId) : undefined,
    // Read from the snapshot: an operator's occasional look (cancelled rentals still captured), not a hot path.
    filter.payment ? sql`json_extract(${rentals.snapshot}, '$.payment.status') = ${filter.payment}` : undefined,
  ];
  return pageOf<Rental>(d1, rentals, conditions, filter.limit, filter.cursor);
}

/**
 * A rider's rentals, newest first, each confirmed one with its unlock key as
 * `GET /v1/rentals/{id}` gives it, asked of the rental's object (the views hold no key:
 * owner-secrets.ts). A rental the views still read `requested` is listed without one.
 *
 * @example
 * await listOwnRentals(env, "r1", { limit: 20 });
 */
export async function listOwnRentals(env: Pick<Env, "VIEWS_DB" | "RENTAL">, riderId: string, filter: Omit<RentalFilter, "riderId">): Promise<Page<Rental>> {
  const page = await listRentals(env.VIEWS_DB, { ...filter, riderId });
  const rider = { id: riderId, role: "rider" } as const;
  const items = await withOwnerSecrets(
    page.items,
    (rental) => rental.status === "confirmed",
    async (rental) => {
      const seen = await rentalStub(env, rental.id).get(rider);
      return seen.ok && seen.value.unlockKey ? { unlockKey: seen.value.unlockKey } : null;
    },
  );
  return { ...page, items };
}

/**
 * @example
 * await listVehicles(env.VIEWS_DB, { status: "available", limit: 20 });
 */
export function listVehicles(d1: D1Database, filter: { status?: VehicleStatus; limit: number; cursor?: string }): Promise<Page<RentalVehicle>> {
  return pageOf<RentalVehicle>(d1, rentalVehicles, [filter.status ? eq(rentalVehicles.status, filter.status) : undefined], filter.limit, filter.cursor);
}

/**
 * The longitude ranges `dLng` either side of `lng` covers, split where they cross the ±180°
 * meridian (a point at 179.999° has neighbours at -179.999°); the whole circle when `dLng`
 * reaches round it (near a pole).
 *
 * @example
 * lngRanges(179.99, 0.02); // [[179.97, 180], [-180, -179.99]]
 */
export function lngRanges(lng: number, dLng: number): [number, number][] {
  if (dLng >= 180) return [[-180, 180]];
  const [from, to] = [lng - dLng, lng + dLng];
  if (from < -180)
    return [
      [from + 360, 180],
      [-180, to],
    ];
  if (to > 180)
    return [
      [from, 180],
      [-180, to - 360],
    ];
  return [[from, to]];
}

/**
 * Available vehicles within `radiusM` of `at`, nearest first (at most 100).
 *
 * @example
 * await vehiclesNear(env.VIEWS_DB, { lat: 37.52, lng: 126.92 }, 1000);
 */
export async function vehiclesNear(d1: D1Database, at: LatLng, radiusM: number): Promise<RentalVehicle[]> {
  const dLat = radiusM / 111_320;
  const cosLat = Math.max(0.01, Math.cos((at.lat * Math.PI) / 180));
  const dLng = radiusM / (111_320 * cosLat);
  // Nearest first before the limit: an approximate squared distance (degrees, longitude scaled, the short way round).
  const dLngOf = sql`min(abs(${rentalVehicles.lng} - ${at.lng}), 360 - abs(${rentalVehicles.lng} - ${at.lng}))`;
  const nearness = sql`(${rentalVehicles.lat} - ${at.lat}) * (${rentalVehicles.lat} - ${at.lat}) + ${dLngOf} * ${dLngOf} * ${cosLat * cosLat}`;
  const rows = await drizzle(d1)
    .select({ snapshot: rentalVehicles.snapshot })
    .from(rentalVehicles)
    .where(
      and(
        eq(rentalVehicles.status, "available"),
        gte(rentalVehicles.lat, at.lat - dLat),
        lte(rentalVehicles.lat, at.lat + dLat),
        or(...lngRanges(at.lng, dLng).map(([from, to]) => and(gte(rentalVehicles.lng, from), lte(rentalVehicles.lng, to)))),
      ),
    )
    .orderBy(nearness)
    .limit(500);
  return rows
    .map((r) => JSON.parse(r.snapshot) as RentalVehicle)
    .map((v) => ({ v, d: distanceMeters(at, v.location) }))
    .filter(({ d }) => d <= radiusM)
    .sort((a, b) => a.d - b.d)
    .slice(0, 100)
    .map(({ v }) => v);
}
