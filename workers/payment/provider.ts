/**
 * The payment provider behind one interface. Every call carries an idempotency key:
 * the provider answers a repeated key with the first result and never charges twice.
 */
import type { Money } from "../../src/domain/types";
import type { CreatedWindow } from "../../src/payments/provider-walk";

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

/** Open holds created within a window: at most the limit asked for, and whether that is all of them. */
export interface OpenHoldsListing {
  holds: OpenHold[];
  complete: boolean;
}

/**
 * The listing of `holds` (all a provider has open) that `openHolds` answers: those created
 * within `window`, newest first, at most `limit`. For providers that keep their holds at hand
 * (the simulator, test fakes).
 *
 * @example
 * listOpenHolds(holds, { fromS: 0, beforeS: Date.now() / 1000 }, 500); // { holds: [...], complete: true }
 */
export function listOpenHolds(holds: OpenHold[], window: CreatedWindow, limit: number): OpenHoldsListing {
  const within = holds.filter((h) => {
    const createdS = Math.floor(Date.parse(h.createdAt) / 1000);
    return createdS >= window.fromS && createdS < window.beforeS;
  });
  within.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.ref.localeCompare(a.ref));
  return { holds: within.slice(0, limit), complete: within.length <= limit };
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
   * platform's idempotency keys and created within `window`: what reconciliation compares
   * with the ledger to find holds whose ledger record was lost. At most `limit` of them;
   * `complete` says whether they are all there were. Throws ProviderUnavailable when it
   * cannot answer.
   */
  openHolds(window: CreatedWindow, limit: number): Promise<OpenHoldsListing>;
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
