/**
 * Which operator actions apply to a ride, as the server decides them (so the console offers
 * no button the server answers 409 to, and hides none it would take): cancel before the trip
 * starts; retry a capture the provider refused; refund while some of a captured fare is left
 * (a partly refunded ride too: its payment reads `refunded`).
 */
import { ProblemError } from "./api";
import type { Ride } from "./types";

const CANCELLABLE = ["requested", "dispatching", "driver_assigned", "driver_arrived"];

/** The longest cancel reason the server takes (`CancelRequestSchema`). */
export const REASON_MAX = 200;

/** What of a captured fare is left to refund, by the ride as the console reads it (refunds still pending not known). */
export function refundLeft(ride: Pick<Ride, "fare" | "payment">): number {
  const { status, refundedAmount } = ride.payment;
  if (status !== "captured" && status !== "refunded") return 0;
  return (ride.fare?.amount ?? 0) - (refundedAmount?.amount ?? 0);
}

/**
 * @example
 * rideActions(completedAndCaptured); // { cancel: false, retry: false, refund: true }
 */
export function rideActions(ride: Pick<Ride, "status" | "fare" | "payment">): { cancel: boolean; retry: boolean; refund: boolean } {
  return {
    cancel: CANCELLABLE.includes(ride.status),
    retry: ride.status === "payment_pending" && ride.payment.status === "failed",
    refund: refundLeft(ride) > 0,
  };
}

/**
 * The Idempotency-Key the next refund click sends, after this one's `failure` (null: sent). A new
 * key after a refund sent or refused outright (a 4xx: a 409 for one the provider declined, say),
 * so clicking again asks again; the same key after a lost answer or a 5xx, so the same click
 * again is the same refund, never a second one.
 *
 * @example
 * keyAfterRefund(new ProblemError(503, null), "k1"); // "k1"
 */
export function keyAfterRefund(failure: unknown, key: string, fresh: () => string = () => crypto.randomUUID()): string {
  if (failure === null) return fresh();
  return failure instanceof ProblemError && failure.status < 500 ? fresh() : key;
}
