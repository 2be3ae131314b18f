/**
 * An in-memory payment provider for Node unit tests of the payment worker: holds with
 * idempotency keys, the declined test card, captures, voids and refunds with a real
 * provider's refusals, payouts, an open-holds listing, and an outage switch. It records every call.
 */
import type { Money } from "../../src/domain/types";
import type { CreatedWindow } from "../../src/payments/provider-walk";
import {
  listOpenHolds,
  ProviderUnavailable,
  type OpenHold,
  type OpenHoldsListing,
  type PaymentProvider,
  type ProviderOutcome,
} from "../../workers/payment/provider";

type Hold = OpenHold & { status: "requires_capture" | "succeeded" | "canceled"; captured: number; refunded: number };

export class FakePaymentProvider implements PaymentProvider {
  readonly name = "fake";
  /** As Stripe when true: drivers with no payout account on file are not claimed. */
  payoutAccountRequired = false;
  /** While true every call fails as "unavailable" (a 5xx). */
  down = false;
  /** Every call; a payout's with the account it was sent to. */
  readonly calls: { op: string; key: string; destination?: string | null }[] = [];
  /** This many next calls are made but their answers lost (a timeout after the provider acted). */
  loseAnswers = 0;
  readonly holds = new Map<string, Hold>();
  private readonly replies = new Map<string, ProviderOutcome>();
  private n = 0;

  private once(op: string, key: string, perform: () => ProviderOutcome, destination?: string | null): Promise<ProviderOutcome> {
    this.calls.push({ op, key, ...(destination === undefined ? {} : { destination }) });
    if (this.down) return Promise.reject(new ProviderUnavailable("fake provider down"));
    const seen = this.replies.get(key);
    const outcome = seen ?? perform();
    this.replies.set(key, outcome);
    if (this.loseAnswers > 0) {
      this.loseAnswers -= 1;
      return Promise.reject(new ProviderUnavailable("fake provider timed out after acting"));
    }
    return Promise.resolve(outcome);
  }

  /** Places a hold as if the ledger never heard of it (an orphan), `ageMs` in the past. */
  placeHold(input: { reference: string; amount: number; key: string; ageMs?: number }): string {
    const ref = `pi_${++this.n}`;
    const createdAt = new Date(Date.now() - (input.ageMs ?? 0)).toISOString();
    this.holds.set(ref, {
      ref,
      idempotencyKey: input.key,
      reference: input.reference,
      amount: { amount: input.amount, currency: "KRW" },
      createdAt,
      status: "requires_capture",
      captured: 0,
      refunded: 0,
    });
    this.replies.set(input.key, { outcome: "succeeded", ref });
    return ref;
  }

  authorize(input: { amount: Money; paymentMethod: string; reference: string }, key: string) {
    return this.once("authorize", key, () => {
      if (input.paymentMethod === "pm_card_chargeDeclined") return { outcome: "declined", ref: null, detail: "card_declined" };
      const ref = `pi_${++this.n}`;
      const hold: Hold = {
        ref,
        idempotencyKey: key,
        reference: input.reference,
        amount: input.amount,
        createdAt: new Date().toISOString(),
        status: "requires_capture",
        captured: 0,
        refunded: 0,
      };
      this.holds.set(ref, hold);
      return { outcome: "succeeded", ref };
    });
  }

  capture(input: { holdRef: string; amount: Money }, key: string) {
    return this.once("capture", key, () => {
      const hold = this.holds.get(input.holdRef);
      if (!hold || hold.status !== "requires_capture") return { outcome: "declined", ref: input.holdRef, detail: "not capturable" };
      if (input.amount.amount > hold.amount.amount) return { outcome: "declined", ref: input.holdRef, detail: "amount_too_large" };
      Object.assign(hold, { status: "succeeded", captured: input.amount.amount });
      return { outcome: "succeeded", ref: hold.ref };
    });
  }

  void(input: { holdRef: string }, key: string) {
    return this.once("void", key, () => {
      const hold = this.holds.get(input.holdRef);
      if (!hold || hold.status !== "requires_capture") return { outcome: "declined", ref: input.holdRef, detail: "not cancelable" };
      hold.status = "canceled";
      return { outcome: "succeeded", ref: hold.ref };
    });
  }

  refund(input: { holdRef: string; amount: Money }, key: string) {
    return this.once("refund", key, () => {
      const hold = this.holds.get(input.holdRef);
      if (!hold || hold.status !== "succeeded") return { outcome: "declined", ref: input.holdRef, detail: "charge_not_refundable" };
      if (input.amount.amount > hold.captured - hold.refunded) return { outcome: "declined", ref: input.holdRef, detail: "amount_too_large" };
      hold.refunded += input.amount.amount;
      return { outcome: "succeeded", ref: `re_${++this.n}` };
    });
  }

  /** Payouts made, by key (the last one made under a key; `transferCount` counts them all). */
  readonly transfers = new Map<string, { ref: string; amount: number; destination: string | null; reference: string }>();
  transferCount = 0;

  /** What each payout key was first sent with: Stripe refuses a key it remembers sent with other parameters. */
  private readonly payoutParams = new Map<string, string>();

  payout(input: { amount: Money; destination: string | null; reference: string }, key: string) {
    const params = JSON.stringify([input.amount.amount, input.destination]);
    if (this.replies.has(key) && this.payoutParams.get(key) !== params) {
      this.calls.push({ op: "payout", key, destination: input.destination });
      return Promise.reject(new ProviderUnavailable("fake provider: idempotency key reused with other parameters (Stripe's idempotency_error)"));
    }
    this.payoutParams.set(key, params);
    return this.once(
      "payout",
      key,
      () => {
        const ref = `tr_${++this.n}`;
        this.transfers.set(key, { ref, amount: input.amount.amount, destination: input.destination, reference: input.reference });
        this.transferCount += 1;
        return { outcome: "succeeded", ref };
      },
      input.destination,
    );
  }

  /** Forgets an idempotency key, as Stripe does after about 24 h: the same key again makes a new payment. */
  forget(key: string): void {
    this.replies.delete(key);
  }

  async findPayout(key: string): Promise<{ ref: string } | null> {
    this.calls.push({ op: "findPayout", key });
    if (this.down) throw new ProviderUnavailable("fake provider down");
    const transfer = this.transfers.get(key);
    return transfer ? { ref: transfer.ref } : null;
  }

  async openHolds(window: CreatedWindow, limit: number): Promise<OpenHoldsListing> {
    this.calls.push({ op: "openHolds", key: "" });
    if (this.down) throw new ProviderUnavailable("fake provider down");
    const open = [...this.holds.values()]
      .filter((h) => h.status === "requires_capture")
      .map(({ ref, idempotencyKey, reference, amount, createdAt }) => ({ ref, idempotencyKey, reference, amount, createdAt }));
    return listOpenHolds(open, window, limit);
  }
}
