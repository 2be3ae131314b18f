/**
 * The adapter for Stripe's PaymentIntents API with manual capture: a hold is a
 * confirmed PaymentIntent (`capture_method=manual`), captured at drop-off, cancelled
 * to void, refunded through /v1/refunds. Every call sends the step's idempotency key
 * as Stripe's `Idempotency-Key` header, and the API version its requests and answers
 * are written for (`Stripe-Version`), so a change of the account's default version can
 * never change what they mean. Payouts to drivers are transfers to their connected accounts. Each hold is tagged in its metadata with this platform,
 * what it is for and its idempotency key, so that the open holds can be listed with
 * Stripe's search and compared with the ledger. Selected with PAYMENT_PROVIDER=stripe and the
 * STRIPE_SECRET_KEY secret; STRIPE_API_BASE points it elsewhere (a test server).
 */
import type { Money } from "../../src/domain/types";
import type { CreatedWindow } from "../../src/payments/provider-walk";
import { ProviderUnavailable, type OpenHold, type OpenHoldsListing, type PaymentProvider, type ProviderOutcome } from "./provider";
import {
  cancelledFor,
  capturedFor,
  stripeErrorCode,
  StripeServerError,
  surviveReplayedErrors,
  type IntentDone,
  type StripeError,
  type StripeIntentState,
} from "./stripe-errors";

/**
 * The Stripe API version the request and answer shapes below follow (PaymentIntents with
 * `confirm`, `capture_method=manual`, `payment_method_types[]`; Refunds by
 * `payment_intent`). Change it only together with them.
 */
export const STRIPE_API_VERSION = "2024-06-20";

/** `metadata[platform]` on every hold this platform places: what the open-holds search filters on. */
export const STRIPE_PLATFORM_TAG = "edge-rides";

/** The search for this platform's open holds (Stripe's search query language). */
export const OPEN_HOLDS_QUERY = `status:'requires_capture' AND metadata['platform']:'${STRIPE_PLATFORM_TAG}'`;

/** Stripe's search answers at most 100 a page. */
const SEARCH_PAGE = 100;

interface StripeSearchPage {
  data?: { id: string; amount: number; currency: string; created: number; metadata?: Record<string, string> }[];
  has_more?: boolean;
  next_page?: string | null;
}

export class StripeProvider implements PaymentProvider {
  readonly payoutAccountRequired = true;
  readonly name = "stripe";
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(options: { apiKey: string; baseUrl?: string; timeoutMs?: number }) {
    if (!options.apiKey) throw new Error("STRIPE_SECRET_KEY is not set");
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl || "https://api.stripe.com").replace(/\/$/, "");
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * One form-encoded POST; 2xx → the object, 4xx → declined for good, else unavailable.
   * A 409 is not a decline: Stripe answers it while another request with the same
   * idempotency key is still in flight (`idempotency_key_in_use`, as when a redelivered
   * message overlaps the first attempt), so it is retried like a 5xx and the retry
   * gets the first request's result.
   */
  private async post(
    path: string,
    form: Record<string, string>,
    idempotencyKey: string,
  ): Promise<{ ok: true; body: { id: string; status: string } } | { ok: false; outcome: ProviderOutcome; intent?: StripeIntentState }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          "content-type": "application/x-www-form-urlencoded",
          "idempotency-key": idempotencyKey,
          "stripe-version": STRIPE_API_VERSION,
        },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ProviderUnavailable(`stripe unreachable: ${String(error)}`);
    }
    const text = await response.text();
    if (response.status >= 500) throw new StripeServerError(`stripe answered ${response.status}`);
    if (response.status === 429) throw new ProviderUnavailable(`stripe answered ${response.status}`);
    if (response.status === 409)
      throw new ProviderUnavailable(`stripe answered 409 (a request with this idempotency key is in flight): ${stripeErrorCode(text)}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ProviderUnavailable(`stripe answered ${response.status} with no JSON`);
    }
    if (response.ok) return { ok: true, body: body as { id: string; status: string } };
    const error = (body as StripeError).error ?? {};
    // Refusals of the platform, not of the card or the account: a key Stripe does not take, or one without this endpoint's
    // permission (a restricted key deployed short of one), and a dependency outside Stripe that failed. Recorded declined,
    // each would be final under its key: every ride cancelled payment_declined, fares turned into riders' dues, payouts refused.
    if (response.status === 401) throw new ProviderUnavailable("stripe rejected the API key");
    if (response.status === 403) throw new ProviderUnavailable(`stripe refused the API key this request (403: a permission it lacks): ${error.message ?? ""}`);
    if (response.status === 424) throw new ProviderUnavailable(`stripe answered 424 (a dependency outside Stripe failed): ${error.message ?? ""}`);
    // A key reused with other parameters: the first request under it may have been made (a payout's account
    // changed after a lost answer), so the outcome is unknown, not a refusal (a refusal would pay a payout twice).
    if (error.type === "idempotency_error") throw new ProviderUnavailable(`stripe refused a reused idempotency key: ${error.message ?? ""}`);
    return {
      ok: false,
      outcome: {
        outcome: "declined",
        ref: error.payment_intent?.id ?? null,
        detail: error.decline_code ?? error.code ?? error.type ?? `http_${response.status}`,
      },
      ...(error.payment_intent ? { intent: error.payment_intent } : {}),
    };
  }

  /** One GET (searches, reads: no idempotency key); 2xx → the body, anything else → unavailable. */
  private async get<T>(path: string, query: Record<string, string>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}?${new URLSearchParams(query).toString()}`, {
        method: "GET",
        headers: { authorization: `Bearer ${this.apiKey}`, "stripe-version": STRIPE_API_VERSION },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ProviderUnavailable(`stripe unreachable: ${String(error)}`);
    }
    const text = await response.text();
    // A read has nothing to decline: any refusal means no answer now (and is logged by the caller).
    if (!response.ok) throw new ProviderUnavailable(`stripe answered ${response.status} to GET ${path}: ${stripeErrorCode(text)}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ProviderUnavailable(`stripe answered ${response.status} with no JSON`);
    }
  }

  async authorize(input: { amount: Money; paymentMethod: string; reference: string }, key: string): Promise<ProviderOutcome> {
    const result = await this.post(
      "/v1/payment_intents",
      {
        amount: String(input.amount.amount),
        currency: input.amount.currency.toLowerCase(),
        payment_method: input.paymentMethod,
        confirm: "true",
        capture_method: "manual",
        "payment_method_types[]": "card",
        "metadata[ride_id]": input.reference,
        "metadata[platform]": STRIPE_PLATFORM_TAG,
        "metadata[reference]": input.reference,
        "metadata[idempotency_key]": key,
      },
      key,
    );
    if (!result.ok) return result.outcome;
    return result.body.status === "requires_capture"
      ? { outcome: "succeeded", ref: result.body.id }
      : { outcome: "declined", ref: result.body.id, detail: `payment intent is ${result.body.status}` };
  }

  /** The intent as it stands (`GET /v1/payment_intents/{id}`). */
  private intent(holdRef: string): Promise<StripeIntentState> {
    return this.get<StripeIntentState>(`/v1/payment_intents/${encodeURIComponent(holdRef)}`, {});
  }

  /** A capture; after a 5xx, the intent looked at (./stripe-errors.ts). */
  capture(input: { holdRef: string; amount: Money }, key: string): Promise<ProviderOutcome> {
    const form = { amount_to_capture: String(input.amount.amount) };
    return this.intentStep(input.holdRef, "capture", form, key, capturedFor(input.holdRef, input.amount.amount));
  }

  /** A void; after a 5xx, the intent looked at (./stripe-errors.ts). */
  void(input: { holdRef: string }, key: string): Promise<ProviderOutcome> {
    return this.intentStep(input.holdRef, "cancel", { cancellation_reason: "abandoned" }, key, cancelledFor(input.holdRef));
  }

  /**
   * Captures or cancels an intent under `key`; `done` answers for an intent the step already left
   * as it wants it: a refusal of one captured for this amount, or cancelled (the same step sent
   * again once Stripe forgot its key: a lost answer resent a day later, as a rider's dues may be),
   * or a 5xx Stripe replays (`surviveReplayedErrors`). Never a refusal that would charge twice.
   */
  private intentStep(holdRef: string, action: "capture" | "cancel", form: Record<string, string>, key: string, done: IntentDone): Promise<ProviderOutcome> {
    const send = async (k: string): Promise<ProviderOutcome> => {
      const result = await this.post(`/v1/payment_intents/${encodeURIComponent(holdRef)}/${action}`, form, k);
      if (!result.ok) return done(result.intent) ?? result.outcome;
      const wanted = action === "capture" ? "succeeded" : "canceled";
      if (result.body.status === wanted) return { outcome: "succeeded", ref: result.body.id };
      return { outcome: "declined", ref: result.body.id, detail: `payment intent is ${result.body.status}` };
    };
    return surviveReplayedErrors(key, send, () => this.intent(holdRef), done);
  }

  /**
   * A refund, tagged with its key. Looked up by that key first: sent again once Stripe has
   * forgotten the key (a lost answer, sent again a day later), a second refund would be made.
   */
  async refund(input: { holdRef: string; amount: Money }, key: string): Promise<ProviderOutcome> {
    const made = await this.findRefund(input.holdRef, key);
    if (made) return { outcome: "succeeded", ref: made };
    const form = {
      payment_intent: input.holdRef,
      amount: String(input.amount.amount),
      "metadata[idempotency_key]": key,
      "metadata[platform]": STRIPE_PLATFORM_TAG,
    };
    const result = await this.post("/v1/refunds", form, key);
    if (!result.ok) return result.outcome;
    return result.body.status === "succeeded" || result.body.status === "pending"
      ? { outcome: "succeeded", ref: result.body.id }
      : { outcome: "declined", ref: result.body.id, detail: `refund is ${result.body.status}` };
  }

  /**
   * A payout is a transfer from the platform's balance to the driver's connected account
   * (`POST /v1/transfers`, Stripe Connect's "separate charges and transfers"). The account
   * id comes from the ledger's `payout_accounts` (set by an operator when the driver's
   * Connect account is created); without one nothing is sent and the payout is declined.
   * A created transfer is paid; Stripe's refusals (no such destination, insufficient
   * platform balance) are declines.
   */
  async payout(input: { amount: Money; destination: string | null; reference: string }, key: string): Promise<ProviderOutcome> {
    if (!input.destination) return { outcome: "declined", ref: null, detail: "no_payout_account" };
    const result = await this.post(
      "/v1/transfers",
      {
        amount: String(input.amount.amount),
        currency: input.amount.currency.toLowerCase(),
        destination: input.destination,
        // The payout's id: what findPayout looks it up by once Stripe has forgotten the key.
        transfer_group: key,
        "metadata[platform]": STRIPE_PLATFORM_TAG,
        "metadata[driver_id]": input.reference,
        "metadata[idempotency_key]": key,
      },
      key,
    );
    return result.ok ? { outcome: "succeeded", ref: result.body.id } : result.outcome;
  }

  /** The refund of `holdRef` made under `key` (its metadata), not failed or cancelled; null when none (`GET /v1/refunds`). */
  private async findRefund(holdRef: string, key: string): Promise<string | null> {
    type Listed = { id: string; status?: string; metadata?: Record<string, string> };
    const body = await this.get<{ data?: Listed[] }>("/v1/refunds", { payment_intent: holdRef, limit: "100" });
    const made = body.data?.find((r) => r.metadata?.idempotency_key === key && r.status !== "failed" && r.status !== "canceled");
    return made?.id ?? null;
  }

  /** The transfer whose `transfer_group` is the payout's key (`GET /v1/transfers?transfer_group=`), null when none. */
  async findPayout(key: string): Promise<{ ref: string } | null> {
    const body = await this.get<{ data?: { id: string }[] }>("/v1/transfers", { transfer_group: key, limit: "1" });
    const transfer = body.data?.[0];
    return transfer ? { ref: transfer.id } : null;
  }

  /**
   * This platform's open holds created within `window`, by Stripe's search
   * (`GET /v1/payment_intents/search`, `created` bounded), page after page up to `limit`.
   * Search results may lag a write by up to a minute, which is far below the age
   * reconciliation waits for before it acts on a hold.
   */
  async openHolds(window: CreatedWindow, limit: number): Promise<OpenHoldsListing> {
    const holds: OpenHold[] = [];
    const query = `${OPEN_HOLDS_QUERY} AND created>=${window.fromS} AND created<${window.beforeS}`;
    let page: string | null = null;
    for (let read = 0; read < limit; read += SEARCH_PAGE) {
      const params: Record<string, string> = { query, limit: String(Math.min(SEARCH_PAGE, limit - read)) };
      if (page) params.page = page;
      const body = await this.get<StripeSearchPage>("/v1/payment_intents/search", params);
      for (const intent of body.data ?? []) {
        const key = intent.metadata?.idempotency_key;
        // Without its key an intent cannot be matched with the ledger: not one of ours to judge.
        if (!key) continue;
        holds.push({
          ref: intent.id,
          idempotencyKey: key,
          reference: intent.metadata?.reference ?? intent.metadata?.ride_id ?? "",
          amount: { amount: intent.amount, currency: intent.currency.toUpperCase() as Money["currency"] },
          createdAt: new Date(intent.created * 1000).toISOString(),
        });
      }
      if (!body.has_more || !body.next_page) return { holds, complete: true };
      page = body.next_page;
    }
    return { holds, complete: false };
  }
}
