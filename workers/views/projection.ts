/**
 * Projects ride and driver events into the D1 views. Idempotent and order-free:
 * the timeline keeps each event once (by id), and a row takes a snapshot only if its
 * version is newer than the one it holds, so any delivery order converges.
 */
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import type { ViewsMessage } from "../../src/domain/events";
import { drivers, earnings, rideEvents, rides } from "../../src/views/schema";
import type { Settlement } from "../../src/domain/events";

/**
 * Rows some events add besides the snapshot: the time to the first assignment (for the
 * ops percentiles) and the split of a captured fare (the driver's earnings).
 */
function extraFor(db: ReturnType<typeof drizzle>, m: Extract<ViewsMessage, { kind: "ride.event" }>): BatchItem<"sqlite">[] {
  if (m.event.type === "DriverAssigned") {
    const ms = Date.parse(m.event.occurredAt) - Date.parse(m.ride.createdAt);
    return [
      db
        .update(rides)
        .set({ dispatchMs: sql`coalesce(${rides.dispatchMs}, ${ms})` })
        .where(sql`${rides.id} = ${m.ride.id}`),
    ];
  }
  const settlement = m.event.type === "PaymentCaptured" ? (m.event.data.settlement as Settlement | undefined) : undefined;
  if (settlement) {
    return [
      db
        .insert(earnings)
        .values({
          rideId: m.ride.id,
          driverId: settlement.driverId,
          fare: settlement.fare.amount,
          commission: settlement.commission.amount,
          earning: settlement.earning.amount,
          currency: settlement.fare.currency,
          createdAt: m.event.occurredAt,
        })
        .onConflictDoNothing(),
    ];
  }
  return [];
}

/**
 * Applies a batch of messages in one D1 batch (one round trip, all or nothing).
 *
 * @example
 * await project(env.VIEWS_DB, batch.messages.map((m) => m.body));
 */
export async function project(d1: D1Database, messages: ViewsMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const db = drizzle(d1);
  const statements = messages.flatMap((m): BatchItem<"sqlite">[] => {
    if (m.kind === "ride.event") {
      const r = m.ride;
      return [
        db
          .insert(rideEvents)
          .values({
            eventId: m.event.id,
            rideId: r.id,
            version: m.event.version,
            type: m.event.type,
            occurredAt: m.event.occurredAt,
            correlationId: m.event.correlationId,
            data: JSON.stringify(m.event.data),
          })
          .onConflictDoNothing(),
        db
          .insert(rides)
          .values({
            id: r.id,
            riderId: r.riderId,
            driverId: r.driver?.id ?? null,
            status: r.status,
            product: r.product,
            version: r.version,
            createdAt: r.createdAt,
            updatedAt: r.updatedAt,
            paymentStatus: r.payment.status,
            snapshot: JSON.stringify(r),
          })
          .onConflictDoUpdate({
            target: rides.id,
            set: {
              driverId: sql`excluded.driver_id`,
              status: sql`excluded.status`,
              version: sql`excluded.version`,
              updatedAt: sql`excluded.updated_at`,
              paymentStatus: sql`excluded.payment_status`,
              snapshot: sql`excluded.snapshot`,
            },
            setWhere: sql`excluded.version > ${rides.version}`,
          }),
        ...extraFor(db, m),
      ];
    }
    const d = m.driver;
    return [
      db
        .insert(drivers)
        .values({
          id: d.id,
          name: d.name,
          status: d.status,
          approval: d.approval,
          product: d.vehicle.product,
          version: d.version,
          updatedAt: d.updatedAt,
          snapshot: JSON.stringify(d),
        })
        .onConflictDoUpdate({
          target: drivers.id,
          set: {
            name: sql`excluded.name`,
            status: sql`excluded.status`,
            approval: sql`excluded.approval`,
            product: sql`excluded.product`,
            version: sql`excluded.version`,
            updatedAt: sql`excluded.updated_at`,
            snapshot: sql`excluded.snapshot`,
          },
          setWhere: sql`excluded.version > ${drivers.version}`,
        }),
    ];
  });
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}
