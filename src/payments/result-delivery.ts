/**
 * What to do with a queue message once its payment result was handed to the ride.
 * The Ride DO answers an `Outcome`: taken, or already past that step (a repeat:
 * invalid_transition), is done; a ride that does not exist will never take it, so the
 * message is dropped with a log line; anything else (the object busy, overloaded,
 * unreachable) is retried, and after the queue's retries the message is dead-lettered.
 *
 * @example
 * const next = afterReport(await ride.applyPaymentResult(result));
 * if (next === "retry") message.retry(); else message.ack();
 */
import type { Outcome } from "../lib/problem";

export type ReportNext = "done" | "drop" | "retry";

export function afterReport(outcome: Outcome<unknown>): ReportNext {
  if (outcome.ok || outcome.problem.code === "invalid_transition") return "done";
  if (outcome.problem.code === "not_found") return "drop";
  return "retry";
}
