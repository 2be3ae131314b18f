/**
 * Read queries over the D1 views (drizzle). Lists are newest first with an opaque
 * cursor (created_at + id of the last item), so pages are stable while rides arrive.
 */
import { and, asc, desc, eq, gt, lt, or, sql, type AnyColumn } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import type { Driver } from "../../src/domain/events";
import type { Ride, RideStatus } from "../../src/domain/types";
import { AppError } from "../../src/lib/problem";
import { deliveryId } from "../../src/notifications/delivery-id";
import { notificationDeliveries, UNSENT_DELIVERY } from "../../src/notifications/schema";
import { drivers, rides } from "../../src/views/schema";

type DeliveryStatus = (typeof notificationDeliveries.$inferSelect)["status"];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The answer to a cursor this API did not give out: bad input, never a 500. */
const notOurCursor = () => new AppError("invalid_request", "cursor: not a cursor this API gave out");

export function decodeCursor(cursor: string | undefined): { createdAt: string; id: string } | null {
  if (!cursor) return null;
  try {
    const [createdAt, id] = JSON.parse(atob(cursor)) as [unknown, unknown];
    if (typeof createdAt === "string" && typeof id === "string") return { createdAt, id };
  } catch {
    // fall through
  }
  throw notOurCursor();
}

export const encodeCursor = (createdAt: string, id: string) => btoa(JSON.stringify([createdAt, id]));

/** Which rides a list wants: of a rider, of a driver, of a status, after a cursor. */
export interface RideFilter {
  riderId?: string;
  driverId?: string;
  status?: RideStatus;
  limit: number;
  cursor?: string;
}

/**
 * A status filter. Beside an owner's filter it is written `+status` so that SQLite walks the
 * owner's index (their own rows) and not the status index, which would walk every row of that
 * status kept, the planner having no statistics to tell the two apart.
 */
export const statusIs = (column: AnyColumn, status: string, owned: boolean) => (owned ? sql`+${column} = ${status}` : eq(column, status));

/** Rows newer first strictly after a cursor's key, over a table's `createdAt` and `id`. */
export const afterKey = (createdAt: AnyColumn, id: AnyColumn, after: { createdAt: string; id: string } | null) =>
  after ? or(lt(createdAt, after.createdAt), and(eq(createdAt, after.createdAt), lt(id, after.id))) : undefined;

/**
 * The query of a rides page: `limit + 1` rows after the cursor, newest first, with their
 * version (a query, not its rows, so that a caller can batch it with another).
 *
 * @example
 * const rows = await ridesAfter(drizzle(env.VIEWS_DB), { riderId: "r1", limit: 20 });
 */
export function ridesAfter(d: DrizzleD1Database, filter: RideFilter, after = decodeCursor(filter.cursor)) {
  // Only a sender's list opens a parcel's sealed handover code (./own-lists.ts); a driver's and the operators' never read it.
  const handoverSealed = filter.riderId ? rides.handoverSealed : sql<string | null>`NULL`;
  return d
    .select({ snapshot: rides.snapshot, createdAt: rides.createdAt, id: rides.id, version: rides.version, handoverSealed })
    .from(rides)
    .where(
      and(
        filter.riderId ? eq(rides.riderId, filter.riderId) : undefined,
        filter.driverId ? eq(rides.driverId, filter.driverId) : undefined,
        filter.status ? statusIs(rides.status, filter.status, !!(filter.riderId ?? filter.driverId)) : undefined,
        afterKey(rides.createdAt, rides.id, after),
      ),
    )
    .orderBy(desc(rides.createdAt), desc(rides.id))
    .limit(filter.limit + 1);
}

/**
 * Rides from the view, filtered by rider, driver and status: the operators' list, which covers
 * the views' window (a rider's and a driver's own lists go past it: ./own-lists.ts).
 *
 * @example
 * await listRides(env.VIEWS_DB, { status: "completed", limit: 20 });
 */
export async function listRides(db: D1Database, filter: RideFilter): Promise<Page<Ride>> {
  const rows = await ridesAfter(drizzle(db), filter);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => JSON.parse(r.snapshot) as Ride),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/**
 * Drivers from the view, filtered by status and approval, in id order: a driver's row
 * changes often (status, location), its id never, so pages neither skip nor repeat.
 *
 * @example
 * await listDrivers(env.VIEWS_DB, { approval: "pending", limit: 20 });
 */
export async function listDrivers(db: D1Database, filter: { status?: string; approval?: string; limit: number; cursor?: string }): Promise<Page<Driver>> {
  const after = decodeCursor(filter.cursor);
  const rows = await drizzle(db)
    .select({ snapshot: drivers.snapshot, id: drivers.id })
    .from(drivers)
    .where(
      and(
        filter.status ? eq(drivers.status, filter.status) : undefined,
        filter.approval ? eq(drivers.approval, filter.approval) : undefined,
        after ? gt(drivers.id, after.id) : undefined,
      ),
    )
    .orderBy(asc(drivers.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return { items: page.map((r) => JSON.parse(r.snapshot) as Driver), nextCursor: rows.length > filter.limit && last ? encodeCursor("", last.id) : null };
}

/**
 * The notification delivery log, newest first: in the order deliveries were first recorded
 * (`seq`), the cursor the last one's `seq`.
 */
export async function listDeliveries(db: D1Database, filter: { rideId?: string; recipient?: string; status?: DeliveryStatus; limit: number; cursor?: string }) {
  const after = decodeCursor(filter.cursor);
  const afterSeq = after ? Number(after.id) : null;
  if (afterSeq !== null && !Number.isSafeInteger(afterSeq)) throw notOurCursor();
  const rows = await drizzle(db)
    .select()
    .from(notificationDeliveries)
    .where(
      and(
        filter.rideId ? eq(notificationDeliveries.rideId, filter.rideId) : undefined,
        filter.recipient ? eq(notificationDeliveries.recipient, filter.recipient) : undefined,
        filter.status ? eq(notificationDeliveries.status, filter.status) : undefined,
        // Failed or retrying, of no one ride: by `deliveries_unsent` (its own text, literal), not a walk of the whole log for a
        // few. A ride's: by the ride's index, its few rows (the literal would turn the planner to every unsent delivery).
        filter.status && filter.status !== "sent" && !filter.rideId ? sql.raw(UNSENT_DELIVERY) : undefined,
        afterSeq !== null ? lt(notificationDeliveries.seq, afterSeq) : undefined,
      ),
    )
    .orderBy(desc(notificationDeliveries.seq))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: deliveryId(r),
      rideId: r.rideId,
      event: r.event,
      channel: r.channel,
      recipient: r.recipient,
      status: r.status,
      attempts: r.attempts,
      lastError: r.lastError,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
    nextCursor: rows.length > filter.limit && last ? encodeCursor("", String(last.seq)) : null,
  };
}
