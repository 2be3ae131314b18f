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

/** A hold the provider has open: authorised, neither captured nor cancelled. */
export interface OpenHold {
  /** The provider's id of the hold (what captures and voids name). */
  ref: string;
  /** The idempotency key it was placed under (`<rideId>:authorize`, or a dues charge's). */
  idempotencyKey: string;
  /** What it was placed for: the ride id, or a rider's dues account (`dues:<riderId>`). */
  reference: string;
  amount: Money;
  /** When it was placed (ISO 8601). */
  createdAt: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** Whether a payout needs the driver's account on file (Stripe's transfers do): a driver with none is not claimed. */
  readonly payoutAccountRequired: boolean;
  /** Places a hold (authorisation with manual capture). */
  authorize(input: { amount: Money; paymentMethod: string; reference: string }, idempotencyKey: string): Promise<ProviderOutcome>;
  /** Captures `amount` (≤ the hold) of the hold `holdRef`. */
  capture(input: { holdRef: string; amount: Money }, idempotencyKey: string): Promise<ProviderOutcome>;
  /** Releases the hold `holdRef`. */
  void(input: { holdRef: string }, idempotencyKey: string): Promise<ProviderOutcome>;
  /** Gives back `amount` of a captured payment. */
  refund(input: { holdRef: string; amount: Money }, idempotencyKey: string): Promise<ProviderOutcome>;
  /**
   * Holds that are authorised and neither captured nor cancelled, placed under this
   * platform's idempotency keys: what reconciliation compares with the ledger to find
   * holds whose ledger record was lost. Throws ProviderUnavailable when it cannot answer.
   */
  openHolds(): Promise<OpenHold[]>;
  /**
   * Pays `amount` to a driver (`reference`: the driver id) from the platform's balance:
   * `destination` is the driver's connected account (Stripe: `acct_…`), null when none is
   * on file (a provider that needs one declines). Repeating the key pays once.
   */
  payout(input: { amount: Money; destination: string | null; reference: string }, idempotencyKey: string): Promise<ProviderOutcome>;
  /**
   * The payout made under `idempotencyKey`, found by what the transfer carries (Stripe: its
   * `transfer_group`), not by the key's memory (Stripe forgets keys after about 24 h); null
   * when none was made. Throws ProviderUnavailable when it cannot answer.
   */
  findPayout(idempotencyKey: string): Promise<{ ref: string } | null>;
}
