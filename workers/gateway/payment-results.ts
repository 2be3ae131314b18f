/**
 * The gateway's consumer of `ride-payment-results`: each result of the payment worker
 * is applied to its Ride DO. The payment worker sends results over this queue instead
 * of calling the Ride DO itself, so that it binds nothing of the gateway's and the two
 * can be deployed one after the other on an empty account (payment first).
 *
 * A result the ride cannot take yet is retried with backoff; after the queue's retries
 * it lands in `ride-payment-results-dlq`, whose messages are kept in the payment
 * ledger's dead letters for an operator. A lost result is not lost money: the Ride DO's
 * payment watchdog sends the step again, and the ledger answers with the same result.
 *
 * A result marked `letGo` (a refund or settle that found the ride's ledger rows let go by the
 * ledger's window: workers/payment/handler.ts) is not applied: the ride's own object is asked
 * to put its rows back into the ledger, pinned, and its watchdog sends the step again if the
 * ride still waits for it.
 */
import type { PaymentResult } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import type { Rental } from "../../src/domain/rental/types";
import { retryDelaySeconds } from "../../src/lib/backoff";
import { isDeadLetterQueue, keepEachLetter } from "../../src/lib/dead-letters";
import { RENTAL_ID } from "../../src/lib/ids";
import { fail, type Outcome } from "../../src/lib/problem";
import { afterReport } from "../../src/payments/result-delivery";
import { readConfig } from "../../src/config";
import { paymentService, rideStubIfValid } from "./stubs";
import { rentalStub } from "../../src/durable-objects/stubs";

export interface PaymentResultDeps {
  /** Hands the result to its Ride DO. */
  apply: (result: PaymentResult) => Promise<Outcome<unknown>>;
  /** Asks the ride's object to put the ledger rows it keeps back into the ledger, pinned. */
  bringBack: (rideId: string) => Promise<Outcome<unknown>>;
  /** Keeps a message that failed every retry. */
  deadLetter: (entry: { id: string; queue: string; body: unknown; attempts: number }) => Promise<void>;
}

/**
 * @example
 * export default { queue: (batch, env) => consumePaymentResults(batch, paymentResultDeps(env)) };
 */
export async function consumePaymentResults(batch: MessageBatch<PaymentResult>, deps: PaymentResultDeps): Promise<void> {
  if (isDeadLetterQueue(batch.queue)) {
    return keepEachLetter(batch, async (message) => {
      await deps.deadLetter({ id: message.id, queue: batch.queue, body: message.body, attempts: message.attempts });
      console.error(JSON.stringify({ msg: "payment result dead-lettered", id: message.id, rideId: message.body?.rideId, key: message.body?.idempotencyKey }));
    });
  }
  for (const message of batch.messages) {
    const result = message.body;
    try {
      const next = afterReport(await (result.letGo ? deps.bringBack(result.rideId) : deps.apply(result)));
      if (next === "drop") console.error(JSON.stringify({ msg: "payment result for unknown ride", rideId: result.rideId, key: result.idempotencyKey }));
      if (next === "retry") throw new Error("the ride did not take the result");
      message.ack();
    } catch (error) {
      const delaySeconds = retryDelaySeconds(message.attempts);
      console.warn(
        JSON.stringify({
          msg: "payment result will retry",
          // A body with no result (null) is retried to its dead letters, never the end of the batch's run.
          rideId: result?.rideId,
          key: result?.idempotencyKey,
          attempts: message.attempts,
          delaySeconds,
          error: String(error),
        }),
      );
      message.retry({ delaySeconds });
    }
  }
}

/** Applies one result to its ride, or its rental (also what tests use to skip the queue hop). */
export function applyPaymentResult(env: Env, result: PaymentResult): Promise<Outcome<unknown>> {
  if (RENTAL_ID.test(result.rideId)) return rentalStub(env, result.rideId).applyPaymentResult(result);
  const stub = rideStubIfValid(env, result.rideId);
  if (!stub) return Promise.resolve(fail("not_found", "no such ride"));
  return stub.applyPaymentResult(result);
}

export function paymentResultDeps(env: Env): PaymentResultDeps {
  return {
    apply: (result) => applyPaymentResult(env, result),
    bringBack: (rideId) => {
      // Only a ride's rows are let go: no valid ride id (a rental's is none), no rows to bring back.
      const stub = rideStubIfValid(env, rideId);
      return stub
        ? stub.restoreKeptLedger(rideId, readConfig(env).ledgerWindowDays)
        : Promise.resolve(fail("not_found", "no ride to bring ledger rows back to"));
    },
    deadLetter: (entry) => paymentService(env).recordDeadLetter(entry),
  };
}

/**
 * A rental as reconciliation sees it: a rental still charging (`requested`) owns its hold
 * like a live ride; one that ended owes a hold left over its void.
 */
function rentalAsPayer(rental: Rental): Pick<Ride, "status" | "payment" | "driver" | "fare"> {
  const status = rental.status === "requested" ? "requested" : rental.status === "cancelled" || rental.status === "declined" ? "cancelled" : "completed";
  return { status, payment: { status: rental.payment.status }, driver: null, fare: null };
}

/** Reads a ride (or a rental) for the payment worker's reconciliation (passed to it as an RPC callback). */
export function rideLookup(env: Env) {
  return async (rideId: string): Promise<Pick<Ride, "status" | "payment" | "driver" | "fare"> | null> => {
    if (RENTAL_ID.test(rideId)) {
      const rental = await rentalStub(env, rideId).get({ id: "payment-reconciler", role: "ops" });
      return rental.ok ? rentalAsPayer(rental.value) : null;
    }
    const stub = rideStubIfValid(env, rideId);
    if (!stub) return null;
    const outcome = await stub.get({ id: "payment-reconciler", role: "ops" });
    return outcome.ok ? outcome.value : null;
  };
}

/** Runs reconciliation: holds on ended rides voided, captures the ride never heard of reported; `walk` false for an operator's run. */
export function reconcilePayments(env: Env, minAgeMs: number, walk = true) {
  return paymentService(env).reconcile(minAgeMs, rideLookup(env), walk);
}
