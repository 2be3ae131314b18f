/**
 * Pure helpers around a ride record: creating it, who may see it, which timers it
 * needs and which messages a change sends. The Ride DO only wires these to storage.
 */
import type { RideRecord, EventDraft } from "../domain/ride-machine";
import { paymentActionAfter } from "../domain/ride-machine";
import type { DomainEvent, NotificationMessage, PaymentCommandMessage, QueueName, RideEventMessage } from "../domain/events";
import { NOTIFIED_EVENTS } from "../domain/events";
import { holdAmount } from "../domain/fare";
import type { Actor, Locale, Money, Place, Product } from "../domain/types";

/**
 * The one answer (409 offer_not_available) to a driver who accepts or declines a ride
 * that is not offered (or, for a decline, assigned) to them: the same whether the ride
 * exists or not, so that ride ids cannot be probed.
 */
export const NOT_OFFERED_TO_YOU = "this ride is not offered to you";

export interface CreateRideInput {
  rideId: string;
  riderId: string;
  product: Product;
  pickup: Place;
  dropoff: Place;
  paymentMethod: string;
  quote: Money;
  distanceMeters: number;
  durationSeconds: number;
  locale: Locale;
  correlationId: string;
  /** Hash of the request body, to tell a retry from a reuse of the key for another ride. */
  requestHash: string;
}

/** A new ride record in `requested`, version 1. */
export function newRideRecord(input: CreateRideInput, now: Date, dispatchTimeoutS: number): RideRecord {
  const at = now.toISOString();
  return {
    ride: {
      id: input.rideId,
      status: "requested",
      version: 1,
      riderId: input.riderId,
      product: input.product,
      pickup: input.pickup,
      dropoff: input.dropoff,
      quote: input.quote,
      driver: null,
      etaSeconds: null,
      fare: null,
      payment: { status: "pending" },
      cancellation: null,
      distanceMeters: input.distanceMeters,
      durationSeconds: input.durationSeconds,
      locale: input.locale,
      createdAt: at,
      updatedAt: at,
    },
    paymentMethod: input.paymentMethod,
    holdAmount: holdAmount(input.quote),
    offer: null,
    excludedDriverIds: [],
    correlationId: input.correlationId,
    dispatchDeadlineAt: new Date(now.getTime() + dispatchTimeoutS * 1000).toISOString(),
  };
}

/** May `actor` see this ride? Its rider, its driver, the driver it is offered to, and ops. */
export function canView(record: RideRecord, actor: Actor): boolean {
  if (actor.role === "ops") return true;
  if (actor.role === "rider") return record.ride.riderId === actor.id;
  return record.ride.driver?.id === actor.id || record.offer?.driverId === actor.id;
}

/** The dispatch timers a ride needs in its state (name → due time). */
export function timersFor(record: RideRecord): Map<string, number> {
  const timers = new Map<string, number>();
  const status = record.ride.status;
  if (status === "requested" || status === "dispatching") {
    timers.set("deadline", Date.parse(record.dispatchDeadlineAt));
    if (record.offer) timers.set("offer", Date.parse(record.offer.expiresAt));
  }
  return timers;
}

export interface OutboundMessage {
  queue: QueueName;
  body: RideEventMessage | NotificationMessage | PaymentCommandMessage;
}

/**
 * The messages a committed change sends: every event to the views, rider-facing
 * ones to notifications, and the payment step the saga now needs.
 */
export function messagesFor(before: RideRecord | null, after: RideRecord, events: DomainEvent[]): OutboundMessage[] {
  const out: OutboundMessage[] = [];
  for (const event of events) {
    out.push({ queue: "ride-events", body: { kind: "ride.event", event, ride: after.ride } });
    if (NOTIFIED_EVENTS.has(event.type)) {
      out.push({ queue: "notifications", body: { kind: "ride.notification", event, ride: after.ride, locale: after.ride.locale } });
    }
  }
  const action = paymentActionAfter(before, after);
  const last = events[events.length - 1];
  if (action && last) out.push({ queue: "payments", body: paymentCommand(after, action, last.id) });
  return out;
}

/**
 * The command for one payment step. Its idempotency key is ride id + step (and the
 * attempt, for an operator's retry of a refused capture), so sending it again, as the
 * watchdog does, can never charge twice.
 */
export function paymentCommand(record: RideRecord, action: "authorize" | "capture" | "void", causationId: string): PaymentCommandMessage {
  const ride = record.ride;
  const attempt = record.captureAttempt ?? 1;
  return {
    kind: "payment.command",
    action,
    rideId: ride.id,
    amount: action === "capture" ? (ride.fare ?? ride.quote) : record.holdAmount,
    paymentMethod: record.paymentMethod,
    product: ride.product,
    driverId: ride.driver?.id ?? null,
    idempotencyKey: action === "capture" && attempt > 1 ? `${ride.id}:capture:${attempt}` : `${ride.id}:${action}`,
    correlationId: record.correlationId,
    causationId,
  };
}

/** Gives drafts their ids, versions and time: versions run on from the record's before the change. */
export function stampEvents(drafts: EventDraft[], rideId: string, firstVersion: number, now: Date, correlationId: string, causationId: string | null, newId: () => string): DomainEvent[] {
  return drafts.map((d, i) => ({
    id: newId(),
    type: d.type,
    rideId,
    version: firstVersion + i,
    occurredAt: now.toISOString(),
    correlationId,
    causationId,
    data: d.data,
  }));
}

/**
 * Whether a driver's new position is worth a new ride version: the ETA moved by at
 * least `minEtaDeltaS`, or the driver moved at least `minMoveM`. Location reports
 * come every few seconds; committing each would flood the timeline and the views.
 */
export function etaWorthUpdating(record: RideRecord, etaSeconds: number, movedMeters: number, minEtaDeltaS = 15, minMoveM = 100): boolean {
  const current = record.ride.etaSeconds;
  if (current === null || record.ride.driver?.location == null) return true;
  return Math.abs(current - etaSeconds) >= minEtaDeltaS || movedMeters >= minMoveM;
}
