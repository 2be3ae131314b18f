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
import { BreakerOpen, guarded, type PaymentDeps } from "./handler";
import type { LedgerEntry } from "./ledger";

export interface DuesChargeInput {
  riderId: string;
  amount: Money;
  paymentMethod: string;
  /** The charge's key, chosen by the caller: the steps are `<key>:authorize` and `<key>:capture`. */
  idempotencyKey: string;
  correlationId: string;
}

/** A charge settled: paid, or declined. */
export interface SettledDuesCharge {
  outcome: "succeeded" | "declined";
  providerRef: string | null;
  detail: string | null;
}

/** …or `unsent`: the circuit breaker held back this try's hold, before it went out (none of this charge's holds stands in the ledger). */
export type DuesChargeOutcome = SettledDuesCharge | { outcome: "unsent"; providerRef: null; detail: string };

export type DuesDeps = Pick<PaymentDeps, "ledger" | "provider" | "breaker" | "timeoutMs">;

const UNSENT: unique symbol = Symbol("unsent");

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

function answer(entry: LedgerEntry): SettledDuesCharge {
  return { outcome: entry.outcome === "succeeded" ? "succeeded" : "declined", providerRef: entry.providerRef, detail: entry.detail };
}

/** Whether reconciliation voided this hold (a void the provider refused leaves it as it was: it may have been captured). */
async function voided(ledger: DuesDeps["ledger"], holdKey: string): Promise<boolean> {
  const voids = await Promise.all([ledger.find(duesVoidKey(holdKey)), ledger.find(`${duesVoidKey(holdKey)}:orphan`)]);
  return voids.some((v) => v?.outcome === "succeeded");
}

/** What the ledger holds of a charge: its answer (a capture, a declined hold, every hold voided), a hold to capture, or the next hold to place. */
type Recorded = { answer: SettledDuesCharge } | StandingHold | { place: number };
/** A hold placed and recorded, not voided, its capture's answer not recorded: the `capture`th of its charge. */
type StandingHold = { capture: number; holdRef: string; hold: LedgerEntry };

/** Captures a standing hold, for its amount, under its capture's key, and records the answer. */
async function captureHold(deps: DuesDeps, chargeKey: string, standing: StandingHold, correlationId: string): Promise<SettledDuesCharge> {
  const { hold, holdRef } = standing;
  const amount = { amount: hold.amount, currency: "KRW" as const };
  const capture = { action: "capture" as const, rideId: hold.rideId, amount, idempotencyKey: stepKey(chargeKey, "capture", standing.capture), correlationId };
  const outcome = await guarded(deps, () => deps.provider.capture({ holdRef, amount }, capture.idempotencyKey));
  return answer(await deps.ledger.record(capture, outcome, deps.provider.name));
}

/**
 * Reads a charge's steps in the ledger, hold after hold. Each hold has its capture key (a
 * provider keeps a key to the request first made under it). A hold reconciliation voided
 * (the charge's capture lost, and the rider tries again later) can no longer be captured:
 * the next one is to be placed instead, or a good card would be answered declined.
 */
async function recordedCharge(ledger: DuesDeps["ledger"], chargeKey: string): Promise<Recorded> {
  for (let n = 1; n <= DUES_HOLDS_PER_CHARGE; n++) {
    const captured = await ledger.find(stepKey(chargeKey, "capture", n));
    if (captured) return { answer: answer(captured) };
    const hold = await ledger.find(stepKey(chargeKey, "authorize", n));
    if (!hold) return { place: n };
    if (hold.outcome !== "succeeded" || !hold.providerRef) return { answer: answer(hold) };
    if (!(await voided(ledger, hold.idempotencyKey))) return { capture: n, holdRef: hold.providerRef, hold };
  }
  // Every hold voided before its capture: answered declined, so that the rider's next attempt goes out under a
  // key of its own (thrown, the same key would be sent again, and refused so, for good).
  return { answer: { outcome: "declined", providerRef: null, detail: `${DUES_HOLDS_PER_CHARGE} holds voided before their capture` } };
}

/**
 * The Rider DO's check of a charge whose answer it lost (`chargeInFlight`): the answer the
 * ledger recorded; or, when a hold stands whose capture's answer is not recorded (the capture
 * made while the worker timed out, or never sent: a crash between the two), that capture sent
 * again under its own key, for the hold's amount: the provider answers the capture it made, or
 * makes it, as the rider asked. Null while no hold stands (none placed, or each one voided): no
 * hold is placed that the rider did not see asked for. Throws when the provider cannot answer.
 *
 * @example
 * const settled = await finishDuesCharge(paymentDeps(env), "r1:dues:3:0", "dues-check"); // { outcome: "succeeded", … } | null
 */
export async function finishDuesCharge(deps: DuesDeps, chargeKey: string, correlationId: string): Promise<SettledDuesCharge | null> {
  const found = await recordedCharge(deps.ledger, chargeKey);
  if ("answer" in found) return found.answer;
  return "place" in found ? null : captureHold(deps, chargeKey, found, correlationId);
}

/**
 * Charges the dues: the recorded answer if this charge was settled before; else the hold
 * (recorded, or placed now), and a declined hold answers declined; else the capture.
 * Answers `unsent` when the circuit breaker held back its hold (nothing of the charge stands
 * at the provider: the rider may pay with another card). Throws when the provider cannot
 * answer (ProviderUnavailable; BreakerOpen at a capture): the caller answers 503 and the
 * rider may try again with the same key.
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
  const step = (action: "authorize", n: number) => ({
    action,
    rideId: account,
    amount: input.amount,
    idempotencyKey: stepKey(input.idempotencyKey, action, n),
    correlationId: input.correlationId,
  });
  // A hold placed here is read back like any recorded one: captured, answered declined, or (an orphan
  // reconciliation voided before it was recorded, replayed by the provider under its key) passed for the next.
  // Bounded: each round but the last places a hold (at most DUES_HOLDS_PER_CHARGE), and the ledger then reads it back.
  for (let round = 0; round <= DUES_HOLDS_PER_CHARGE; round++) {
    const found = await recordedCharge(deps.ledger, input.idempotencyKey);
    if ("answer" in found) return found.answer;
    if ("capture" in found) return captureHold(deps, input.idempotencyKey, found, input.correlationId);
    const authorize = step("authorize", found.place);
    const outcome = await guarded(deps, () =>
      deps.provider.authorize({ amount: input.amount, paymentMethod: input.paymentMethod, reference: account }, authorize.idempotencyKey),
    ).catch((error: unknown): typeof UNSENT => {
      // Held back before it went out: the rider may pay with another card under the same key (never seen by the provider).
      if (error instanceof BreakerOpen) return UNSENT;
      throw error;
    });
    if (outcome === UNSENT) return { outcome: "unsent", providerRef: null, detail: "the payment provider is failing; nothing was sent" };
    await deps.ledger.record(authorize, outcome, deps.provider.name);
  }
  throw new Error(`dues charge ${input.idempotencyKey}: the ledger did not keep its holds`);
}
