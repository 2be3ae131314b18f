/**
 * Event envelopes and the messages that travel on the queues. Every consumer is
 * idempotent by `event.id` and every projection applies an event only if its
 * `version` is newer than what it holds (at-least-once delivery, any order).
 */
import type { Locale, LatLng, Money, Product, Ride, Vehicle } from "./types";
import type { Rental, RentalVehicle } from "./rental/types";

export interface DomainEvent {
  id: string;
  type: string;
  rideId?: string;
  driverId?: string;
  /** The aggregate's version after the change that made this event (a ride's events of one change share it). */
  version: number;
  occurredAt: string;
  /** The x-request-id of the request that started it all. */
  correlationId: string;
  /** The id of the request or event that directly caused this one. */
  causationId: string | null;
  data: Record<string, unknown>;
}

export type DriverStatus = "offline" | "available" | "offered" | "on_trip";
export type DriverApproval = "pending" | "approved" | "rejected";

/** The Driver JSON of the contract. */
export interface Driver {
  id: string;
  name: string;
  vehicle: Vehicle;
  approval: DriverApproval;
  /** Why the operator decided as they did (or why the driver waits for a decision again). */
  approvalReason?: string | null;
  status: DriverStatus;
  location: LatLng | null;
  locationAt: string | null;
  currentRideId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const QUEUES = ["payments", "notifications", "ride-events", "rental-keys"] as const;
export type QueueName = (typeof QUEUES)[number];

export interface RideEventMessage {
  kind: "ride.event";
  event: DomainEvent;
  ride: Ride;
}

/**
 * Every event of one ride commit, with the ride as it is after it: one message per commit
 * instead of one per event (the views worker fans it out into timeline rows).
 */
export interface RideEventsMessage {
  kind: "ride.events";
  events: DomainEvent[];
  ride: Ride;
  /** A parcel's handover code sealed for this ride (CONTACT_KEY): the views keep it beside the row, never in the snapshot, for the sender's list to open. */
  handoverSealed?: string;
}

export interface DriverEventMessage {
  kind: "driver.event";
  event: DomainEvent;
  driver: Driver;
}

/** What a rider owes: fares of rides whose payment failed, until paid (GET /v1/me/dues). */
export interface RiderAccount {
  id: string;
  dues: Money;
  items: { rideId: string; amount: Money; createdAt: string }[];
  version: number;
  updatedAt: string;
}

export interface RiderEventMessage {
  kind: "rider.event";
  event: DomainEvent;
  rider: RiderAccount;
}

/** A change of a driver to tell the driver about, no ride involved: approved, rejected, taken offline for silence (`toldOf`). */
export interface DriverNotificationMessage {
  kind: "driver.notification";
  event: DomainEvent;
  driver: Driver;
}

/**
 * A payout answered for good (paid, or refused by the provider), for its driver: sent by the
 * gateway from the ledger's untold payouts (workers/gateway/payout-notices.ts), at least once.
 * The event's id is the payout's, so every copy is one delivery in the notification log.
 */
export interface PayoutNotificationMessage {
  kind: "payout.notification";
  event: DomainEvent;
  /** `onOurSide`: refused for a reason of the platform's own (its balance short), not the driver's account. */
  payout: { id: string; driverId: string; amount: Money; cutoff: string; status: "succeeded" | "failed"; answeredAt: string; onOurSide?: true };
}

/** A rental's change, with the rental as ops may see it (never its key). */
export interface RentalEventMessage {
  kind: "rental.event";
  event: DomainEvent;
  rental: Rental;
}

export interface RentalVehicleEventMessage {
  kind: "rental-vehicle.event";
  event: DomainEvent;
  vehicle: RentalVehicle;
}

export type ViewsMessage = RideEventMessage | RideEventsMessage | DriverEventMessage | RiderEventMessage | RentalEventMessage | RentalVehicleEventMessage;

/** A rider-facing change to tell the rider about. */
export interface NotificationMessage {
  kind: "ride.notification";
  event: DomainEvent;
  ride: Ride;
  locale: Locale;
}

/** A rental change to tell its rider about (the rental without its key). */
export interface RentalNotificationMessage {
  kind: "rental.notification";
  event: DomainEvent;
  rental: Rental;
  locale: Locale;
}

/** A request to the key-issuing service for a confirmed rental's unlock key (queue rental-keys). */
export interface RentalKeyMessage {
  kind: "rental.key";
  rentalId: string;
  correlationId: string;
}

/**
 * A saga step. `refund` gives back part or all of a capture; `settle` calls no provider:
 * it records the driver's share of a fare the rider did not pay (the platform carries it).
 */
export type PaymentAction = "authorize" | "capture" | "void" | "refund" | "settle";

/** A saga step for the payment worker. Its idempotency key is ride id + step (+ the refund's key). */
export interface PaymentCommandMessage {
  kind: "payment.command";
  action: PaymentAction;
  rideId: string;
  amount: Money;
  paymentMethod: string;
  /** The ride's product (a rental has none). */
  product?: Product;
  /** The ride's driver, for the settlement of a capture. */
  driverId: string | null;
  idempotencyKey: string;
  correlationId: string;
  causationId: string;
}

/** What the payment worker reports back to the Ride DO. */
export interface PaymentResult {
  rideId: string;
  action: PaymentAction;
  outcome: "succeeded" | "declined";
  idempotencyKey: string;
  providerRef: string | null;
  detail: string | null;
  /** For a successful capture or settle: how the fare splits between driver and platform. */
  settlement?: Settlement | null;
  /** For a successful refund: the amount given back, split (negative amounts: what the driver and platform give back). */
  adjustment?: Settlement | null;
  /** The amount the operation was for (a refund's amount). */
  amount?: Money;
  /**
   * The correlation id of the step's first command, kept with the step in the ledger (the request
   * whose change asked for it, else the ride's): the events the result makes carry it, whoever sent
   * the step again. Absent from a worker before it: the ride's own then.
   */
  correlationId?: string;
  /**
   * The ledger holds nothing of the ride (its window let the rows go to the Ride DO): nothing
   * was recorded or paid, and the gateway brings the rows back instead of applying this.
   */
  letGo?: true;
}

export interface Settlement {
  driverId: string;
  fare: Money;
  commission: Money;
  earning: Money;
}

/** Events someone is told about: rider-facing ones, and the driver's offer, cancellation and settlement. */
export const NOTIFIED_EVENTS = new Set([
  "DriverAssigned",
  "DriverUnassigned",
  "DriverArrived",
  "TripStarted",
  "RideCompleted",
  "RideCancelled",
  "DriverOffered",
  "PaymentCaptured",
  "PaymentRefunded",
  "DriverSettled",
]);

/**
 * Whether someone is told of `event`: a type of NOTIFIED_EVENTS, or a no-show fee dropped (a
 * `PaymentFailed` with `fee: "dropped"`, its capture refused or its hold declined: the rider was
 * told it would be charged). A capture
 * refused after drop-off is told with the ride's completion instead.
 *
 * @example
 * isNotified({ type: "PaymentFailed", data: { reason: "card_declined", fee: "dropped" } }); // true
 */
export function isNotified(event: Pick<DomainEvent, "type" | "data">): boolean {
  return NOTIFIED_EVENTS.has(event.type) || (event.type === "PaymentFailed" && event.data.fee === "dropped");
}
