/**
 * The projection of ride, driver and rider events into the D1 views. Idempotent and
 * order-free: an earnings row is kept once (by id), and a row takes a snapshot only if its
 * version is newer than the one it holds, so
 * any delivery order converges, and so does any replay (dead letters, repair, rebuild).
 *
 * One module for every writer of the views: the views worker (the queue), and the
 * gateway (dead-letter replay, the repair sweep, the rebuild), so that they can never
 * project the same event two ways. `writesOf` is pure (what a message means for the
 * views); `applyWrites` turns writes into one D1 batch.
 */
import type { DomainEvent, Driver, RideEventMessage, RiderAccount, Settlement, ViewsMessage } from "../domain/events";
import type { Money, Ride } from "../domain/types";
import type { Rental, RentalVehicle } from "../domain/rental/types";
import { applyWrites, applyWritesAskingWatched } from "./statements";
import type { EarningRow } from "../payments/settlement-columns";

export { applyWrites, insertEarnings } from "./statements";

/**
 * One row of the driver's earnings: a captured or settled fare (id = the ride id) or a
 * refund (negative amounts; id = `refundEarningId`). The ids are the payment ledger's
 * (its settlements and settlement_adjustments), so the repair sweep's copy from the
 * ledger and the projection of the events never add the same row twice.
 */
export type { EarningRow };

/** What one message changes in the views. */
export type ViewWrite =
  | { kind: "ride"; event: DomainEvent; ride: Ride; dispatchMs: number | null; handoverSealed?: string }
  | { kind: "driver"; driver: Driver }
  | { kind: "rider"; rider: RiderAccount }
  | { kind: "earning"; row: EarningRow }
  | { kind: "refund"; of: "ride" | "rental"; id: string; version: number; declined: boolean }
  | { kind: "rental"; rental: Rental }
  | { kind: "rentalVehicle"; vehicle: RentalVehicle };

/** A timeline item as the Ride DO answers it (`RideDurableObject.timeline`). */
export interface TimelineEntry {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  correlationId: string;
  data: Record<string, unknown>;
}

/**
 * The earnings id of a refund: its payment step's idempotency key, which is the id the
 * ledger gives the refund's adjustment (`PaymentRefunded.data.key` is the refund's own key).
 *
 * @example
 * refundEarningId("rd_1", "r-42"); // "rd_1:refund:r-42"
 */
export const refundEarningId = (rideId: string, key: string): string => `${rideId}:refund:${key}`;

const isMoney = (v: unknown): v is Money => typeof v === "object" && v !== null && typeof (v as Money).amount === "number";
const isSettlement = (v: unknown): v is Settlement =>
  typeof v === "object" && v !== null && typeof (v as Settlement).driverId === "string" && isMoney((v as Settlement).fare);

/**
 * The earnings row an event adds, if any: a capture's or a settlement's split (keyed by
 * the ride: one per ride), or a refund's negative split (keyed by the refund's step).
 *
 * @example
 * earningOf(event, ride.id); // { id: "rd_…", rideId: "rd_…", driverId: "d1", fare: 12800, commission: 2560, earning: 10240, … }
 */
export function earningOf(event: DomainEvent, rideId: string): EarningRow | null {
  const row = (id: string, s: Settlement): EarningRow => ({
    id,
    rideId,
    driverId: s.driverId,
    fare: s.fare.amount,
    commission: s.commission.amount,
    earning: s.earning.amount,
    currency: s.fare.currency,
    createdAt: event.occurredAt,
  });
  const data = event.data;
  if ((event.type === "PaymentCaptured" || event.type === "DriverSettled") && isSettlement(data.settlement)) return row(rideId, data.settlement);
  if (event.type === "PaymentRefunded" && isSettlement(data.adjustment) && typeof data.key === "string") {
    return row(refundEarningId(rideId, data.key), data.adjustment);
  }
  return null;
}

/**
 * A refund's outcome as the views keep it (the operators' open refund problems, src/views/stats.ts):
 * declined, or made. A ride's or rental's snapshot does not say a refund was declined (its payment
 * stays `captured`), so the event does; by version, so any order (and a replay of the timeline) converges.
 * A refund made settles the declines before it only when its event says none is left (`declinedLeft`).
 *
 * @example
 * refundOf({ type: "RefundDeclined", version: 9, ... }, "ride", "rd_1"); // [{ kind: "refund", of: "ride", id: "rd_1", version: 9, declined: true }]
 */
export function refundOf(event: Pick<DomainEvent, "type" | "version" | "data">, of: "ride" | "rental", id: string): ViewWrite[] {
  if (event.type !== "RefundDeclined" && event.type !== "PaymentRefunded") return [];
  // A refund made that leaves a decline open (a smaller one, or one asked before it) settles nothing.
  if (event.type === "PaymentRefunded" && event.data.declinedLeft) return [];
  return [{ kind: "refund", of, id, version: event.version, declined: event.type === "RefundDeclined" }];
}

/**
 * What a message means for the views. Throws on a message it cannot read (an unknown
 * kind, a missing snapshot): that message is poison, and ends in the dead letters.
 *
 * @example
 * const writes = writesOf({ kind: "ride.event", event, ride });
 */
export function writesOf(message: ViewsMessage): ViewWrite[] {
  switch (message.kind) {
    case "ride.event": {
      const { event, ride } = message;
      if (!ride?.id || !event?.id) throw new Error("ride.event without a ride or an event");
      const dispatchMs = event.type === "DriverAssigned" ? Date.parse(event.occurredAt) - Date.parse(ride.createdAt) : null;
      const earning = earningOf(event, ride.id);
      return [{ kind: "ride", event, ride, dispatchMs }, ...(earning ? [{ kind: "earning" as const, row: earning }] : []), ...refundOf(event, "ride", ride.id)];
    }
    case "ride.events": {
      const { events, ride, handoverSealed } = message;
      if (!ride?.id || !Array.isArray(events) || events.length === 0) throw new Error("ride.events without a ride or its events");
      const sealed = typeof handoverSealed === "string" ? { handoverSealed } : {};
      return events.flatMap((event) => writesOf({ kind: "ride.event", event, ride }).map((w) => (w.kind === "ride" ? { ...w, ...sealed } : w)));
    }
    case "driver.event":
      if (!message.driver?.id) throw new Error("driver.event without a driver");
      return [{ kind: "driver", driver: message.driver }];
    case "rider.event":
      if (!message.rider?.id) throw new Error("rider.event without a rider");
      return [{ kind: "rider", rider: message.rider }];
    case "rental.event":
      if (!message.rental?.id) throw new Error("rental.event without a rental");
      return [{ kind: "rental", rental: message.rental }, ...(message.event ? refundOf(message.event, "rental", message.rental.id) : [])];
    case "rental-vehicle.event":
      if (!message.vehicle?.id) throw new Error("rental-vehicle.event without a vehicle");
      return [{ kind: "rentalVehicle", vehicle: message.vehicle }];
    default:
      throw new Error(`unknown views message kind: ${String((message as { kind?: unknown }).kind)}`);
  }
}

/**
 * A ride's whole timeline as queue messages, each with the current snapshot: what the
 * repair sweep and the rebuild project (missing events are inserted, the snapshot wins
 * by version).
 *
 * @example
 * await project(db, rideMessages(ride, timeline));
 */
export function rideMessages(ride: Ride, timeline: readonly TimelineEntry[]): RideEventMessage[] {
  return timeline.map((item) => ({
    kind: "ride.event",
    ride,
    event: { ...item, rideId: ride.id, causationId: null },
  }));
}

/**
 * Projects a batch of messages in one D1 batch: all of them, or none (then it throws).
 *
 * @example
 * await project(env.VIEWS_DB, batch.messages.map((m) => m.body));
 */
export async function project(d1: D1Database, messages: readonly ViewsMessage[]): Promise<void> {
  await applyWrites(d1, messages.flatMap(writesOf));
}

/**
 * Projects as `project` does, and answers whether a console watches the live map (read in the
 * same transaction: src/views/ops-watch.ts). The views worker's path; healing tells the feed anyway.
 *
 * @example
 * if (await projectAskingWatched(env.VIEWS_DB, bodies)) await publishToOps(env, bodies);
 */
export function projectAskingWatched(d1: D1Database, messages: readonly ViewsMessage[]): Promise<boolean> {
  return applyWritesAskingWatched(d1, messages.flatMap(writesOf));
}
