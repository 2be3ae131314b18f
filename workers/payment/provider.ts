/**
 * The payment provider behind one interface. Every call carries an idempotency key:
 * the provider answers a repeated key with the first result and never charges twice.
 */
import type { Money } from "../../src/domain/types";

export type ProviderOutcome =
  | { outcome: "succeeded"; ref: string }
  /** The provider said no for good (card declined, hold gone): do not retry. */
  | { outcome: "declined"; ref: string | null; detail: string };

/** The provider could not answer now (down, timeout): retry later. */
export class ProviderUnavailable extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "ProviderUnavailable";
  }
}

export interface PaymentProvider {
  readonly name: string;
  /** Places a hold (authorisation with manual capture). */
  authorize(input: { amount: Money; paymentMethod: string; reference: string }, idempotencyKey: string): Promise<ProviderOutcome>;
  /** Captures `amount` (≤ the hold) of the hold `holdRef`. */
  capture(input: { holdRef: string; amount: Money }, idempotencyKey: string): Promise<ProviderOutcome>;
  /** Releases the hold `holdRef`. */
  void(input: { holdRef: string }, idempotencyKey: string): Promise<ProviderOutcome>;
  /** Gives back `amount` of a captured payment. */
  refund(input: { holdRef: string; amount: Money }, idempotencyKey: string): Promise<ProviderOutcome>;
}
