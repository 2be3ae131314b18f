/**
 * The ride state machine: one allowed-transitions table and one pure `decide`
 * function. The Ride Durable Object is the only caller; it applies the result
 * (new record + events) in one storage transaction, so a refused command never
 * leaves a trace and an allowed one never lacks its events.
 */
import type { Settlement } from "./events";
import type { Cancellation, CancelledBy, LatLng, Money, Ride, RideDriver, RideStatus } from "./types";

/** A ride plus the saga's private bookkeeping, as the Ride DO stores it. */
export interface RideRecord {
  ride: Ride;
  /** Payment-method token (never a card number). */
  paymentMethod: string;
  /** Amount the hold is placed for: the quote plus the fare margin. */
  holdAmount: Money;
  /** The live offer, while dispatching in offer mode. */
  offer: { driverId: string; expiresAt: string } | null;
  /** Drivers who declined, let an offer expire or backed out: not asked again. */
  excludedDriverIds: string[];
  correlationId: string;
  /** When dispatch gives up with `no_driver_available`. */
  dispatchDeadlineAt: string;
  /** Capture attempts so far; an operator's retry after a refused capture starts the next. */
  captureAttempt?: number;
}

export type RideCommand =
  | { type: "startDispatch" }
  | { type: "offerDriver"; driverId: string; expiresAt: string }
  | { type: "declineOffer"; driverId: string }
  | { type: "expireOffer"; driverId: string }
  /** The offer is taken back from its driver (an operator rejected them): dispatch moves on. */
  | { type: "withdrawOffer"; driverId: string; reason: string }
  | { type: "assignDriver"; driver: RideDriver; etaSeconds: number }
  | { type: "backOut"; driverId: string }
  | { type: "updateEta"; driverId: string; location: LatLng; etaSeconds: number }
  | { type: "arrive"; driverId: string }
  | { type: "start"; driverId: string }
  | { type: "complete"; driverId: string; distanceMeters: number; durationSeconds: number; fare: Money }
  | { type: "cancel"; by: CancelledBy; reason: string }
  | { type: "dispatchTimeout" }
  | { type: "paymentAuthorized" }
  | { type: "paymentDeclined" }
  | { type: "paymentCaptured"; settlement?: Settlement | null }
  | { type: "retryCapture" }
  | { type: "paymentCaptureFailed"; reason: string }
  | { type: "paymentVoided" };

export type RideCommandType = RideCommand["type"];

export type RideEventType =
  | "RideRequested"
  | "DispatchStarted"
  | "DriverOffered"
  | "OfferDeclined"
  | "OfferExpired"
  | "OfferWithdrawn"
  | "DriverAssigned"
  | "DriverUnassigned"
  | "EtaUpdated"
  | "DriverArrived"
  | "TripStarted"
  | "TripEnded"
  | "PaymentAuthorized"
  | "PaymentDeclined"
  | "PaymentCaptured"
  | "PaymentFailed"
  | "PaymentRetryRequested"
  | "PaymentVoided"
  | "RideCompleted"
  | "RideCancelled"
  | "DriverReleased";

/** An event before the store gives it an id, version and time. */
export interface EventDraft {
  type: RideEventType;
  data: Record<string, unknown>;
}

const BEFORE_BOARDING: RideStatus[] = ["requested", "dispatching", "driver_assigned", "driver_arrived"];
const LIVE: RideStatus[] = [...BEFORE_BOARDING, "in_progress", "payment_pending"];

/**
 * The allowed-transitions table: for each command, the states it may be applied in
 * and the state it leads to (`"same"` keeps the status and changes only details).
 * Everything not listed is refused with `invalid_transition`.
 */
export const TRANSITIONS: Record<RideCommandType, { from: readonly RideStatus[]; to: RideStatus | "same" }> = {
  startDispatch: { from: ["requested"], to: "dispatching" },
  offerDriver: { from: ["dispatching"], to: "same" },
  declineOffer: { from: ["dispatching"], to: "same" },
  expireOffer: { from: ["dispatching"], to: "same" },
  withdrawOffer: { from: ["dispatching"], to: "same" },
  assignDriver: { from: ["dispatching"], to: "driver_assigned" },
  backOut: { from: ["driver_assigned"], to: "dispatching" },
  updateEta: { from: ["driver_assigned"], to: "same" },
  arrive: { from: ["driver_assigned"], to: "driver_arrived" },
  start: { from: ["driver_arrived"], to: "in_progress" },
  complete: { from: ["in_progress"], to: "payment_pending" },
  cancel: { from: BEFORE_BOARDING, to: "cancelled" },
  dispatchTimeout: { from: ["requested", "dispatching"], to: "cancelled" },
  paymentAuthorized: { from: [...LIVE, "cancelled"], to: "same" },
  // A hold declined before boarding cancels the ride; once riding, the trip goes on
  // and the capture decides (see `decide`).
  paymentDeclined: { from: LIVE, to: "same" },
  paymentCaptured: { from: ["payment_pending"], to: "completed" },
  paymentCaptureFailed: { from: ["payment_pending"], to: "same" },
  retryCapture: { from: ["payment_pending"], to: "same" },
  paymentVoided: { from: ["cancelled"], to: "same" },
};

export type Decision =
  | { kind: "applied"; record: RideRecord; events: EventDraft[] }
  /** A repeat of something already applied (duplicate message, second cancel): no change. */
  | { kind: "unchanged"; record: RideRecord }
  | { kind: "refused"; code: "invalid_transition" | "forbidden" | "offer_not_available"; detail: string };

/**
 * Decides what `command` does to `record` at time `now`. Pure: no I/O, no clock.
 *
 * @example
 * const d = decide(record, { type: "arrive", driverId: "d1" }, new Date());
 * if (d.kind === "applied") store.commit(d.record, d.events);
 */
export function decide(record: RideRecord, command: RideCommand, now: Date): Decision {
  const status = record.ride.status;
  const repeat = idempotentRepeat(record, command);
  if (repeat) return { kind: "unchanged", record };

  const rule = TRANSITIONS[command.type];
  if (!rule.from.includes(status)) {
    return {
      kind: "refused",
      code: command.type === "assignDriver" ? "offer_not_available" : "invalid_transition",
      detail: `cannot ${command.type} a ride that is ${status}`,
    };
  }
  const guard = checkGuard(record, command, now);
  if (guard) return guard;

  const next = structuredClone(record);
  const ride = next.ride;
  if (rule.to !== "same") ride.status = rule.to;
  const events = applyDetails(next, command);
  // One version per event: the timeline's versions are unique and gap-free.
  ride.version += events.length;
  ride.updatedAt = now.toISOString();
  return { kind: "applied", record: next, events };
}

/**
 * Decides several commands in a row, as one change: all of them are applied (in
 * order) or none. Repeats in the chain are skipped. The dispatcher uses it to start
 * dispatching and assign or offer in one commit.
 *
 * @example
 * decideAll(record, [{ type: "startDispatch" }, { type: "assignDriver", driver, etaSeconds }], now);
 */
export function decideAll(record: RideRecord, commands: RideCommand[], now: Date): Decision {
  let current = record;
  const events: EventDraft[] = [];
  for (const command of commands) {
    const decision = decide(current, command, now);
    if (decision.kind === "refused") return decision;
    if (decision.kind === "applied") {
      current = decision.record;
      events.push(...decision.events);
    }
  }
  return events.length === 0 ? { kind: "unchanged", record } : { kind: "applied", record: current, events };
}

/** Commands that arrive twice (at-least-once delivery, a double tap) change nothing the second time. */
function idempotentRepeat(record: RideRecord, command: RideCommand): boolean {
  const { status, payment } = record.ride;
  switch (command.type) {
    case "cancel":
    case "dispatchTimeout":
      return status === "cancelled";
    case "paymentAuthorized":
      return payment.status !== "pending";
    case "paymentDeclined":
      return payment.status === "declined" || status === "cancelled" || status === "completed";
    case "paymentCaptured":
      return status === "completed" && payment.status === "captured";
    case "paymentCaptureFailed":
      return status === "payment_pending" && payment.status === "failed";
    case "paymentVoided":
      return payment.status === "voided";
    default:
      return false;
  }
}

function checkGuard(record: RideRecord, command: RideCommand, now: Date): Decision | null {
  const refuse = (code: "forbidden" | "offer_not_available" | "invalid_transition", detail: string): Decision => ({
    kind: "refused",
    code,
    detail,
  });
  switch (command.type) {
    case "offerDriver":
      if (record.offer) return refuse("invalid_transition", "an offer is already out");
      return null;
    case "declineOffer":
    case "expireOffer":
    case "withdrawOffer":
      if (record.offer?.driverId !== command.driverId) return refuse("offer_not_available", "no offer to this driver");
      return null;
    case "assignDriver":
      // In offer mode the driver must hold the live, unexpired offer; in auto mode there is none.
      if (record.offer && record.offer.driverId !== command.driver.id) {
        return refuse("offer_not_available", "the ride was offered to another driver");
      }
      if (record.offer && Date.parse(record.offer.expiresAt) <= now.getTime()) {
        return refuse("offer_not_available", "the offer has expired");
      }
      if (record.excludedDriverIds.includes(command.driver.id)) {
        return refuse("offer_not_available", "this driver already turned the ride down");
      }
      return null;
    case "backOut":
    case "updateEta":
    case "arrive":
    case "start":
    case "complete":
      if (record.ride.driver?.id !== command.driverId) return refuse("forbidden", "not this ride's driver");
      return null;
    case "paymentCaptured":
    case "paymentCaptureFailed":
      if (record.ride.payment.status !== "authorized" && record.ride.payment.status !== "failed") {
        return refuse("invalid_transition", `no hold to capture (payment ${record.ride.payment.status})`);
      }
      return null;
    case "retryCapture":
      if (record.ride.payment.status !== "failed") return refuse("invalid_transition", `nothing to retry (payment ${record.ride.payment.status})`);
      return null;
    case "paymentVoided":
      if (record.ride.payment.status !== "authorized") {
        return refuse("invalid_transition", `no hold to void (payment ${record.ride.payment.status})`);
      }
      return null;
    default:
      return null;
  }
}

function cancel(next: RideRecord, cancellation: Cancellation, events: EventDraft[]): void {
  const ride = next.ride;
  if (ride.driver) events.push({ type: "DriverReleased", data: { driverId: ride.driver.id } });
  else if (next.offer) events.push({ type: "DriverReleased", data: { driverId: next.offer.driverId } });
  next.offer = null;
  ride.status = "cancelled";
  ride.cancellation = cancellation;
  ride.etaSeconds = null;
  events.push({ type: "RideCancelled", data: { ...cancellation } });
}

function applyDetails(next: RideRecord, command: RideCommand): EventDraft[] {
  const ride = next.ride;
  const events: EventDraft[] = [];
  switch (command.type) {
    case "startDispatch":
      events.push({ type: "DispatchStarted", data: {} });
      break;
    case "offerDriver":
      next.offer = { driverId: command.driverId, expiresAt: command.expiresAt };
      events.push({ type: "DriverOffered", data: { driverId: command.driverId, expiresAt: command.expiresAt } });
      break;
    case "declineOffer":
    case "expireOffer":
      next.offer = null;
      next.excludedDriverIds.push(command.driverId);
      events.push({
        type: command.type === "declineOffer" ? "OfferDeclined" : "OfferExpired",
        data: { driverId: command.driverId },
      });
      break;
    case "withdrawOffer":
      next.offer = null;
      next.excludedDriverIds.push(command.driverId);
      events.push({ type: "OfferWithdrawn", data: { driverId: command.driverId, reason: command.reason } });
      break;
    case "assignDriver":
      next.offer = null;
      ride.driver = command.driver;
      ride.etaSeconds = command.etaSeconds;
      events.push({
        type: "DriverAssigned",
        data: { driver: command.driver, vehicle: command.driver.vehicle, etaSeconds: command.etaSeconds },
      });
      break;
    case "backOut":
      next.excludedDriverIds.push(command.driverId);
      ride.driver = null;
      ride.etaSeconds = null;
      events.push({ type: "DriverUnassigned", data: { driverId: command.driverId } });
      events.push({ type: "DriverReleased", data: { driverId: command.driverId } });
      break;
    case "updateEta":
      if (ride.driver) ride.driver = { ...ride.driver, location: command.location };
      ride.etaSeconds = command.etaSeconds;
      events.push({ type: "EtaUpdated", data: { etaSeconds: command.etaSeconds, location: command.location } });
      break;
    case "arrive":
      ride.etaSeconds = 0;
      events.push({ type: "DriverArrived", data: {} });
      break;
    case "start":
      ride.etaSeconds = null;
      events.push({ type: "TripStarted", data: {} });
      break;
    case "complete":
      ride.fare = command.fare;
      ride.distanceMeters = command.distanceMeters;
      ride.durationSeconds = command.durationSeconds;
      events.push({
        type: "TripEnded",
        data: { distanceMeters: command.distanceMeters, durationSeconds: command.durationSeconds, fare: command.fare },
      });
      events.push({ type: "DriverReleased", data: { driverId: command.driverId } });
      break;
    case "cancel":
      cancel(next, { by: command.by, reason: command.reason }, events);
      break;
    case "dispatchTimeout":
      cancel(next, { by: "system", reason: "no_driver_available" }, events);
      break;
    case "paymentAuthorized":
      ride.payment = { status: "authorized" };
      events.push({ type: "PaymentAuthorized", data: { amount: next.holdAmount } });
      break;
    case "paymentDeclined":
      ride.payment = { status: "declined" };
      events.push({ type: "PaymentDeclined", data: {} });
      if (BEFORE_BOARDING.includes(ride.status)) cancel(next, { by: "system", reason: "payment_declined" }, events);
      break;
    case "paymentCaptured":
      ride.payment = { status: "captured" };
      events.push({ type: "PaymentCaptured", data: { amount: ride.fare, ...(command.settlement ? { settlement: command.settlement } : {}) } });
      events.push({ type: "RideCompleted", data: { fare: ride.fare } });
      break;
    case "paymentCaptureFailed":
      ride.payment = { status: "failed" };
      events.push({ type: "PaymentFailed", data: { reason: command.reason } });
      break;
    case "retryCapture":
      // The hold is still there; the next capture goes out under a new idempotency key.
      ride.payment = { status: "authorized" };
      next.captureAttempt = (next.captureAttempt ?? 1) + 1;
      events.push({ type: "PaymentRetryRequested", data: { attempt: next.captureAttempt } });
      break;
    case "paymentVoided":
      ride.payment = { status: "voided" };
      events.push({ type: "PaymentVoided", data: { amount: next.holdAmount } });
      break;
  }
  return events;
}

/**
 * The payment step a ride is waiting for, whatever happened before: what the payment
 * watchdog sends again when no result came back in time.
 */
export function outstandingPaymentAction(record: RideRecord): PaymentAction {
  const { status, payment } = record.ride;
  if (payment.status === "pending" && status !== "cancelled" && status !== "completed") return "authorize";
  if (payment.status === "authorized" && status === "payment_pending") return "capture";
  if (payment.status === "authorized" && status === "cancelled") return "void";
  return null;
}

/**
 * True once nothing can change the ride any more: completed, or cancelled with no hold
 * pending or standing. A cancelled ride whose hold may still arrive (payment `pending`)
 * or is still to be voided (`authorized`) is not settled: its payment will change.
 *
 * @example
 * if (isSettled(record.ride)) closeAll(ctx, "ride ended"); // no further change will be pushed
 */
export function isSettled(ride: Pick<Ride, "status" | "payment">): boolean {
  if (ride.status === "completed") return true;
  return ride.status === "cancelled" && ride.payment.status !== "pending" && ride.payment.status !== "authorized";
}

/** What the saga must ask of the payment worker after a change (derived, never stored). */
export type PaymentAction = "authorize" | "capture" | "void" | null;

/**
 * The payment step a ride needs after a transition from `before` to `after`.
 * Derived from state so that it cannot drift: a hold that arrives after a cancel is
 * voided, a hold that arrives after drop-off is captured.
 */
export function paymentActionAfter(before: RideRecord | null, after: RideRecord): PaymentAction {
  const was = before?.ride;
  const now = after.ride;
  if (!was) return "authorize";
  const needsCapture = (r: Ride) => r.status === "payment_pending" && r.payment.status === "authorized";
  const needsVoid = (r: Ride) => r.status === "cancelled" && r.payment.status === "authorized";
  if (needsCapture(now) && !needsCapture(was)) return "capture";
  if (needsVoid(now) && !needsVoid(was)) return "void";
  return null;
}
