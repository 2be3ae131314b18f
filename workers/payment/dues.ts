/**
 * Charging a rider's unpaid dues, synchronously (the rider is waiting on
 * `POST /v1/me/dues/pay`): a hold, then its capture, through the provider like a ride's
 * steps and recorded in the ledger under the rider's dues account (`dues:<riderId>`), so a
 * repeat of the same charge answers what was recorded and never charges twice. No ride
 * hears of it. A hold left open (a capture refused, or a crash between the two) is voided
 * by reconciliation once it is old enough.
 */
import type { Money } from "../../src/domain/types";
import { duesAccount } from "../../src/payments/dues";
import { guarded, type PaymentDeps } from "./handler";
import type { LedgerEntry } from "./ledger";
import { ProviderUnavailable } from "./provider";

export interface DuesChargeInput {
  riderId: string;
  amount: Money;
  paymentMethod: string;
  /** The charge's key, chosen by the caller: the steps are `<key>:authorize` and `<key>:capture`. */
  idempotencyKey: string;
  correlationId: string;
}

export interface DuesChargeOutcome {
  outcome: "succeeded" | "declined";
  providerRef: string | null;
  detail: string | null;
}

export type DuesDeps = Pick<PaymentDeps, "ledger" | "provider" | "breaker" | "timeoutMs">;

/**
 * How many holds one charge places at most: a hold reconciliation voided (its capture lost
 * past DUES_CHARGE_MAX_MS) is placed again under the next key when the rider tries again.
 */
export const DUES_HOLDS_PER_CHARGE = 3;

/** The key of a charge's `n`th hold or its capture (1: `<key>:authorize`, `<key>:capture`, as before there were more). */
function stepKey(chargeKey: string, action: "authorize" | "capture", n: number): string {
  return n === 1 ? `${chargeKey}:${action}` : `${chargeKey}:${action}:${n}`;
}

/**
 * A dues hold's void key, as reconciliation records it: the hold's key with `:void` for
 * `:authorize` (`<key>:void`, `<key>:void:2`, …); an orphan's adds `:orphan`.
 *
 * @example
 * duesVoidKey("r1:dues:3:authorize"); // "r1:dues:3:void"
 */
export function duesVoidKey(authorizeKey: string): string {
  return authorizeKey.replace(/:authorize(:\d+)?$/, ":void$1");
}

/** Whether reconciliation voided this hold (a void the provider refused leaves it as it was: it may have been captured). */
async function voided(deps: DuesDeps, holdKey: string): Promise<boolean> {
  const voids = await Promise.all([deps.ledger.find(duesVoidKey(holdKey)), deps.ledger.find(`${duesVoidKey(holdKey)}:orphan`)]);
  return voids.some((v) => v?.outcome === "succeeded");
}

function answer(entry: LedgerEntry): DuesChargeOutcome {
  return { outcome: entry.outcome === "succeeded" ? "succeeded" : "declined", providerRef: entry.providerRef, detail: entry.detail };
}

/**
 * Charges the dues: the recorded capture if this charge was made before; else the hold
 * (recorded, or placed now), and a declined hold answers declined; else the capture.
 * Throws when the provider cannot answer (ProviderUnavailable, BreakerOpen): the caller
 * answers 503 and the rider may try again with the same key.
 *
 * @example
 * const paid = await chargeDues(paymentDeps(env), { riderId: "r1", amount: { amount: 9800, currency: "KRW" },
 *   paymentMethod: "pm_card_visa", idempotencyKey: "dues_r1_3f2a", correlationId: "req-1" });
 * if (paid.outcome === "declined") return problem("payment_required");
 */
export async function chargeDues(deps: DuesDeps, input: DuesChargeInput): Promise<DuesChargeOutcome> {
  if (!Number.isInteger(input.amount.amount) || input.amount.amount <= 0)
    throw new RangeError(`dues to charge must be a positive whole amount, not ${input.amount.amount}`);
  const account = duesAccount(input.riderId);
  const step = (action: "authorize" | "capture", n: number) => ({
    action,
    rideId: account,
    amount: input.amount,
    idempotencyKey: stepKey(input.idempotencyKey, action, n),
    correlationId: input.correlationId,
  });
  // Each hold has its capture key: a provider keeps a key to the request first made under it.
  // A hold reconciliation voided (this charge's capture was lost, and the rider tries again later)
  // can no longer be captured: the next hold is placed instead, or the rider's good card would be
  // answered declined.
  for (let n = 1; ; n++) {
    const capture = step("capture", n);
    const captured = await deps.ledger.find(capture.idempotencyKey);
    if (captured) return answer(captured);
    const authorize = step("authorize", n);
    let hold = await deps.ledger.find(authorize.idempotencyKey);
    if (!hold) {
      const outcome = await guarded(deps, () =>
        deps.provider.authorize({ amount: input.amount, paymentMethod: input.paymentMethod, reference: account }, authorize.idempotencyKey),
      );
      hold = await deps.ledger.record(authorize, outcome, deps.provider.name);
    }
    const holdRef = hold.providerRef;
    if (hold.outcome !== "succeeded" || !holdRef) return answer(hold);
    if (await voided(deps, authorize.idempotencyKey)) {
      if (n >= DUES_HOLDS_PER_CHARGE) throw new ProviderUnavailable(`${n} holds of dues charge ${input.idempotencyKey} were voided before their capture`);
      continue;
    }
    const outcome = await guarded(deps, () => deps.provider.capture({ holdRef, amount: input.amount }, capture.idempotencyKey));
    return answer(await deps.ledger.record(capture, outcome, deps.provider.name));
  }
}
