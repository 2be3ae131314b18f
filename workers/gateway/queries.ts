/**
 * Read queries over the D1 views (drizzle). Lists are newest first with an opaque
 * cursor (created_at + id of the last item), so pages are stable while rides arrive.
 */
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Driver } from "../../src/domain/events";
import type { Ride, RideStatus } from "../../src/domain/types";
import { AppError } from "../../src/lib/problem";
import { drivers, rides } from "../../src/views/schema";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function decodeCursor(cursor: string | undefined): { createdAt: string; id: string } | null {
  if (!cursor) return null;
  try {
    const [createdAt, id] = JSON.parse(atob(cursor)) as [unknown, unknown];
    if (typeof createdAt === "string" && typeof id === "string") return { createdAt, id };
  } catch {
    // fall through
  }
  throw new AppError("invalid_request", "cursor: not a cursor this API gave out");
}

const encodeCursor = (createdAt: string, id: string) => btoa(JSON.stringify([createdAt, id]));

/**
 * Rides from the view, filtered by rider, driver and status.
 *
 * @example
 * await listRides(env.VIEWS_DB, { riderId: "r1", limit: 20 });
 */
export async function listRides(db: D1Database, filter: { riderId?: string; driverId?: string; status?: RideStatus; limit: number; cursor?: string }): Promise<Page<Ride>> {
  const after = decodeCursor(filter.cursor);
  const conditions: (SQL | undefined)[] = [
    filter.riderId ? eq(rides.riderId, filter.riderId) : undefined,
    filter.driverId ? eq(rides.driverId, filter.driverId) : undefined,
    filter.status ? eq(rides.status, filter.status) : undefined,
    after ? or(lt(rides.createdAt, after.createdAt), and(eq(rides.createdAt, after.createdAt), lt(rides.id, after.id))) : undefined,
  ];
  const rows = await drizzle(db)
    .select({ snapshot: rides.snapshot, createdAt: rides.createdAt, id: rides.id })
    .from(rides)
    .where(and(...conditions))
    .orderBy(desc(rides.createdAt), desc(rides.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => JSON.parse(r.snapshot) as Ride),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/** Drivers from the view. */
export async function listDrivers(db: D1Database, filter: { status?: string; approval?: string; limit: number }): Promise<Page<Driver>> {
  const rows = await drizzle(db)
    .select({ snapshot: drivers.snapshot })
    .from(drivers)
    .where(and(filter.status ? eq(drivers.status, filter.status) : undefined, filter.approval ? eq(drivers.approval, filter.approval) : undefined))
    .orderBy(desc(drivers.updatedAt))
    .limit(filter.limit);
  return { items: rows.map((r) => JSON.parse(r.snapshot) as Driver), nextCursor: null };
}
