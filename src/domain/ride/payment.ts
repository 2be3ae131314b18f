/**
 * The payment step of the saga, derived from the ride's state (never remembered), in
 * one place: `outstandingPaymentAction` says which step a ride waits for; a change
 * needs a step exactly when it makes a new one outstanding. So a hold that arrives
 * after a cancel is voided, and one that arrives after drop-off is captured.
 */
import type { PaymentCommandMessage } from "../events";
import type { Ride } from "../types";
import type { PaymentAction, RideRecord } from "./types";

/**
 * The payment step a ride is waiting for, whatever happened before: what a change
 * sends and what the payment watchdog sends again when no result came back in time.
 *
 * @example
 * outstandingPaymentAction(cancelledWithHold); // "void"
 */
export function outstandingPaymentAction(record: RideRecord): PaymentAction {
  const { status, payment } = record.ride;
  if (payment.status === "pending" && status !== "cancelled" && status !== "completed") return "authorize";
  if (payment.status === "authorized" && status === "payment_pending") return "capture";
  if (payment.status === "authorized" && status === "cancelled") return "void";
  return null;
}

/**
 * The payment step a change from `before` (null: a new ride) to `after` sends: the
 * outstanding step, when the change made it outstanding.
 *
 * @example
 * paymentActionAfter(null, newRide); // "authorize"
 */
export function paymentActionAfter(before: RideRecord | null, after: RideRecord): PaymentAction {
  const action = outstandingPaymentAction(after);
  return before && outstandingPaymentAction(before) === action ? null : action;
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

/**
 * The command for one payment step. Its idempotency key is ride id + step (and the
 * attempt, for an operator's retry of a refused capture), so sending it again, as the
 * watchdog does, can never charge twice.
 *
 * @example
 * paymentCommand(record, "capture", event.id).idempotencyKey; // "rd_…:capture"
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
