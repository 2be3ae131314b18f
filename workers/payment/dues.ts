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
  const step = (action: "authorize" | "capture") => ({
    action,
    rideId: account,
    amount: input.amount,
    idempotencyKey: `${input.idempotencyKey}:${action}`,
    correlationId: input.correlationId,
  });
  const capture = step("capture");
  const captured = await deps.ledger.find(capture.idempotencyKey);
  if (captured) return answer(captured);

  const authorize = step("authorize");
  let hold = await deps.ledger.find(authorize.idempotencyKey);
  if (!hold) {
    const outcome = await guarded(deps, () =>
      deps.provider.authorize({ amount: input.amount, paymentMethod: input.paymentMethod, reference: account }, authorize.idempotencyKey),
    );
    hold = await deps.ledger.record(authorize, outcome, deps.provider.name);
  }
  if (hold.outcome !== "succeeded" || !hold.providerRef) return answer(hold);

  const holdRef = hold.providerRef;
  const outcome = await guarded(deps, () => deps.provider.capture({ holdRef, amount: input.amount }, capture.idempotencyKey));
  return answer(await deps.ledger.record(capture, outcome, deps.provider.name));
}
