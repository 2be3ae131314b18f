/**
 * The payment step of the saga, derived from the ride's state (never remembered), in
 * one place: `outstandingPaymentStep` says which step a ride waits for; a change
 * needs a step exactly when it makes a new one outstanding. So a hold that arrives
 * after a cancel is voided (or charged the no-show fee), one that arrives after
 * drop-off is captured, and a ride whose authorisation outcome is unknown keeps asking
 * for it, even once cancelled: a hold the provider placed before a crash must be found.
 */
import type { PaymentCommandMessage } from "../events";
import type { Money, Ride } from "../types";
import type { PaymentStep, RideRecord } from "./types";

/** The ride owes a no-show fee, captured from its hold. */
export const hasFee = (record: RideRecord): boolean => (record.noShowFee?.amount ?? 0) > 0;

/** The fare the capture charges: the final fare (a no-show's fee), else the quote. */
const chargeOf = (record: RideRecord): Money => record.ride.fare ?? record.ride.quote;

/**
 * The payment step a ride is waiting for, whatever happened before: what a change
 * sends and what the payment watchdog sends again when no result came back in time.
 * The idempotency key is the step's identity: the same step is never sent as new.
 *
 * @example
 * outstandingPaymentStep(cancelledWithHold)?.action; // "void"
 */
export function outstandingPaymentStep(record: RideRecord): PaymentStep | null {
  const { status, payment, id } = record.ride;
  const attempt = record.captureAttempt ?? 1;
  const step = (action: PaymentStep["action"], key: string, amount: Money): PaymentStep => ({ action, idempotencyKey: `${id}:${key}`, amount });
  // An authorisation whose outcome is unknown is asked for again, even after a cancel: the
  // provider may have placed the hold before a crash, and only the answer lets us void it.
  if (payment.status === "pending" && status !== "completed") return step("authorize", "authorize", record.holdAmount);
  if (payment.status === "authorized" && status === "payment_pending") return step("capture", attempt > 1 ? `capture:${attempt}` : "capture", chargeOf(record));
  if (payment.status === "authorized" && status === "cancelled")
    return hasFee(record) ? step("capture", "capture", chargeOf(record)) : step("void", "void", record.holdAmount);
  if (status === "completed" && payment.status === "failed" && record.ride.driver && !record.driverSettled) return step("settle", "settle", chargeOf(record));
  const refund = record.refunds?.find((r) => r.status === "pending");
  if (refund) return step("refund", `refund:${refund.key}`, refund.amount);
  return null;
}

/**
 * The payment step a change from `before` (null: a new ride) to `after` sends: the
 * outstanding step, when the change made it outstanding (a step with a new key).
 *
 * @example
 * paymentStepAfter(null, newRide)?.action; // "authorize"
 */
export function paymentStepAfter(before: RideRecord | null, after: RideRecord): PaymentStep | null {
  const step = outstandingPaymentStep(after);
  return before && step && outstandingPaymentStep(before)?.idempotencyKey === step.idempotencyKey ? null : step;
}

/**
 * True once no payment step is left: completed (its fare captured, or its dues
 * recorded), or cancelled with no hold pending or standing. A cancelled ride whose hold
 * may still arrive (payment `pending`) or is still to be voided (`authorized`) is not
 * settled: its payment will change.
 *
 * @example
 * if (isSettled(record.ride)) closeAll(ctx, "ride ended"); // no further change will be pushed
 */
export function isSettled(ride: Pick<Ride, "status" | "payment">): boolean {
  if (ride.status === "completed") return true;
  return ride.status === "cancelled" && ride.payment.status !== "pending" && ride.payment.status !== "authorized";
}

/**
 * The command for the outstanding payment step. Sending it again, as the watchdog
 * does, can never charge twice: the idempotency key is the step's. Its correlation id is
 * the change's that asked for it (a rider's cancel: that request's), else the ride's.
 *
 * @example
 * paymentCommand(record, outstandingPaymentStep(record)!, event.id).idempotencyKey; // "rd_…:capture"
 */
export function paymentCommand(record: RideRecord, step: PaymentStep, causationId: string, correlationId = record.correlationId): PaymentCommandMessage {
  const ride = record.ride;
  return {
    kind: "payment.command",
    action: step.action,
    rideId: ride.id,
    amount: step.amount,
    paymentMethod: record.paymentMethod,
    product: ride.product,
    driverId: ride.driver?.id ?? null,
    idempotencyKey: step.idempotencyKey,
    correlationId,
    causationId,
  };
}
