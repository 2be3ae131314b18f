/**
 * Read queries over the D1 views (drizzle). Lists are newest first with an opaque
 * cursor (created_at + id of the last item), so pages are stable while rides arrive.
 */
import { and, asc, desc, eq, gt, lt, or, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Driver } from "../../src/domain/events";
import type { Ride, RideStatus } from "../../src/domain/types";
import { AppError } from "../../src/lib/problem";
import { deliveryId } from "../../src/notifications/delivery-id";
import { notificationDeliveries } from "../../src/notifications/schema";
import { drivers, earnings, rides } from "../../src/views/schema";

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

/**
 * Rides from the view, filtered by rider, driver and status.
 *
 * @example
 * await listRides(env.VIEWS_DB, { riderId: "r1", limit: 20 });
 */
export async function listRides(
  db: D1Database,
  filter: { riderId?: string; driverId?: string; status?: RideStatus; limit: number; cursor?: string },
): Promise<Page<Ride>> {
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
 * A driver's earnings rows (captured and settled fares, refunds as negative rows), newest
 * first, with the total earned (refunds subtracted). Rows are keyed by their own id (a
 * ride can have a capture and refunds), which is what the cursor carries.
 */
export async function listEarnings(db: D1Database, driverId: string, limit: number, cursor?: string) {
  const after = decodeCursor(cursor);
  const d = drizzle(db);
  const rows = await d
    .select()
    .from(earnings)
    .where(
      and(
        eq(earnings.driverId, driverId),
        after ? or(lt(earnings.createdAt, after.createdAt), and(eq(earnings.createdAt, after.createdAt), lt(earnings.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(earnings.createdAt), desc(earnings.id))
    .limit(limit + 1);
  const [sum] = await d
    .select({ total: sql<number>`coalesce(sum(${earnings.earning}), 0)` })
    .from(earnings)
    .where(eq(earnings.driverId, driverId));
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const krw = (amount: number) => ({ amount, currency: "KRW" as const });
  return {
    items: page.map((r) => ({ rideId: r.rideId, fare: krw(r.fare), commission: krw(r.commission), earning: krw(r.earning), createdAt: r.createdAt })),
    total: krw(sum?.total ?? 0),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
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
