/**
 * Stripe's errors, as the adapter (./stripe.ts) reads them, and the 5xx it may replay.
 *
 * Stripe saves the first answer under an idempotency key once the request began to run, and
 * answers every later request under that key with it for about a day, a 500 included
 * (stripe.com/docs/api/idempotent_requests). A capture or void answered 5xx would so be
 * "unavailable" for a day under its key, whatever it did: the ride stays `payment_pending`
 * (or its hold held), and every retry counts a failure on the breaker all rides share.
 *
 * So after a 5xx the intent is read. The step done (captured for this amount, cancelled) is
 * answered done. Not done, the hold still open (`requires_capture`), it is sent again under a key of the hour (`<key>:after-5xx:<hour>`):
 * a PaymentIntent is captured or cancelled once at most, so another key can never take money
 * twice, and one of the hour lets a later hour try once more should that one be answered 5xx too.
 */
import { ProviderUnavailable, type ProviderOutcome } from "./provider";

/** Stripe answered 5xx: under the same key it may answer the same for a day. */
export class StripeServerError extends ProviderUnavailable {}

/** A PaymentIntent as Stripe shows it (a refusal names it too). */
export interface StripeIntentState {
  id?: string;
  status?: string;
  amount_received?: number;
}

/** Stripe's error body. */
export interface StripeError {
  error?: {
    type?: string;
    code?: string;
    decline_code?: string;
    message?: string;
    payment_intent?: StripeIntentState;
  };
}

/** The error code of a Stripe error body, for logs; never throws. */
export function stripeErrorCode(text: string): string {
  try {
    const error = (JSON.parse(text) as StripeError).error;
    return error?.code ?? error?.type ?? "no error code";
  } catch {
    return "no JSON";
  }
}

/** What a step answers for an intent as it stands: done, or null (not done, or not by this step). */
export type IntentDone = (intent: StripeIntentState | undefined) => ProviderOutcome | null;

/**
 * A capture of `amount` is done: the intent captured for that amount (another amount is not this capture).
 *
 * @example
 * capturedFor("pi_1", 8000)({ id: "pi_1", status: "succeeded", amount_received: 8000 }); // { outcome: "succeeded", ref: "pi_1" }
 */
export const capturedFor =
  (holdRef: string, amount: number): IntentDone =>
  (intent) =>
    intent?.status === "succeeded" && intent.amount_received === amount ? { outcome: "succeeded", ref: intent.id ?? holdRef } : null;

/**
 * A void is done: the intent cancelled, the hold gone either way.
 *
 * @example
 * cancelledFor("pi_1")({ id: "pi_1", status: "canceled" }); // { outcome: "succeeded", ref: "pi_1" }
 */
export const cancelledFor =
  (holdRef: string): IntentDone =>
  (intent) =>
    intent?.status === "canceled" ? { outcome: "succeeded", ref: intent.id ?? holdRef } : null;

/** The key a step answered 5xx is sent again under, this hour. */
export const afterServerErrorKey = (key: string, now: number): string => `${key}:after-5xx:${Math.floor(now / 3_600_000)}`;

/**
 * Runs `step` under `key`; answered 5xx, reads the intent (`read`) and answers the step done
 * (`done`), or, the hold still open, runs it once more under the hour's key; else throws the 5xx
 * (unavailable). Anything else is thrown as it came.
 *
 * @example
 * await surviveReplayedErrors(key, (k) => post(capture, k), () => get(intent), (i) => (i.status === "succeeded" ? ok : null));
 */
export async function surviveReplayedErrors(
  key: string,
  step: (key: string) => Promise<ProviderOutcome>,
  read: () => Promise<StripeIntentState>,
  done: (intent: StripeIntentState) => ProviderOutcome | null,
  now = Date.now(),
): Promise<ProviderOutcome> {
  try {
    return await step(key);
  } catch (error) {
    if (!(error instanceof StripeServerError)) throw error;
    const intent = await read();
    const answered = done(intent);
    if (answered) return answered;
    // Sent again only to a hold still open: an intent in any other state (processing, captured for another amount,
    // cancelled for a capture) would refuse it, and that refusal recorded as a decline could be false (a capture still
    // processing may yet go through). Left unavailable, as Stripe answered: retried, and read again.
    if (intent.status !== "requires_capture") throw error;
    return step(afterServerErrorKey(key, now));
  }
}
