/**
 * The payment dead letters an operator lists (GET /v1/ops/payments/dead-letters): the steps that
 * failed every retry (from ride-payments-dlq) and the results the gateway could not apply (from
 * ride-payment-results-dlq), kept in the ledger's `dead_letters`. Nothing replays them by hand:
 * each ride's or rental's watchdog sends its open step again under the same key. The list shows
 * what a letter was about, never its body: a step carries the rider's payment method.
 */
import { desc } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { newestFirstAfter, parseLetterBody, type LetterCursor } from "../../src/lib/dead-letters";
import { deadLetters } from "../../src/payments/ledger-schema";

/** A payment dead letter as the operators' list shows it. */
export interface PaymentDeadLetter {
  id: string;
  /** The queue it came from: a step's (`ride-payments-dlq`) or a result's (`ride-payment-results-dlq`). */
  queue: string;
  action: string | null;
  /** The ride's, rental's or dues account's id. */
  rideId: string | null;
  idempotencyKey: string | null;
  /** A result's outcome; null for a step. */
  outcome: string | null;
  attempts: number;
  receivedAt: string;
}

/**
 * What a kept step or result was about; nothing else of its body (not the payment method).
 *
 * @example
 * letterAbout({ action: "capture", rideId: "rd_1", idempotencyKey: "rd_1:capture", paymentMethod: "pm_…" }); // no paymentMethod
 */
export function letterAbout(body: unknown): Pick<PaymentDeadLetter, "action" | "rideId" | "idempotencyKey" | "outcome"> {
  const m = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  return { action: text(m.action), rideId: text(m.rideId), idempotencyKey: text(m.idempotencyKey), outcome: text(m.outcome) };
}

/**
 * The ledger's dead letters, newest first, after `after` (the last item's receipt time and id).
 *
 * @example
 * const page = await paymentDeadLetters(env.LEDGER_DB, null, 20);
 */
export async function paymentDeadLetters(
  d1: D1Database,
  after: LetterCursor | null,
  limit: number,
): Promise<{ items: PaymentDeadLetter[]; last: LetterCursor | null }> {
  const rows = await drizzle(d1)
    .select()
    .from(deadLetters)
    .where(newestFirstAfter(deadLetters.receivedAt, deadLetters.id, after))
    .orderBy(desc(deadLetters.receivedAt), desc(deadLetters.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ id: r.id, queue: r.queue, ...letterAbout(parseLetterBody(r.body)), attempts: r.attempts, receivedAt: r.receivedAt })),
    last: rows.length > limit && last ? { receivedAt: last.receivedAt, id: last.id } : null,
  };
}
