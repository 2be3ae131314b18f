/**
 * One payment command, start to finish: the ledger first (a repeat reports the
 * recorded result), else the provider (through the circuit breaker, with a timeout,
 * with the command's idempotency key), then the ledger, then the result is reported
 * (in the worker: sent to the ride-payment-results queue, which the gateway applies to
 * the Ride DO). The command message is acknowledged only after the report went out;
 * any failure before that leaves it to be retried.
 *
 * Two steps are the platform's own: a `refund` is checked against the ledger (a capture
 * to give back from, never more than it) before the provider is asked, and a `settle`
 * asks no provider at all (it pays the driver a fare the rider did not pay). Either one, when
 * new to a ride the ledger holds nothing of (its window let the rows go), is answered
 * `letGo` and not carried out (`letGoResult`).
 */
import type { PaymentCommandMessage, PaymentResult, Settlement } from "../../src/domain/events";
import type { Permit } from "../../src/payments/breaker";
import { checkRefund, refundAdjustment } from "../../src/payments/refund";
import { afterReport } from "../../src/payments/result-delivery";
import { splitFare } from "../../src/payments/settlement";
import type { Money } from "../../src/domain/types";
import type { Outcome } from "../../src/lib/problem";
import type { Ledger, LedgerEntry, LedgerOutcome } from "./ledger";
import { windowed } from "./ledger-window";
import { ProviderUnavailable, type PaymentProvider, type ProviderOutcome } from "./provider";

export interface PaymentDeps {
  ledger: Ledger;
  provider: PaymentProvider;
  /** The shared circuit breaker. */
  breaker: { acquire(): Promise<Permit>; record(success: boolean, probe?: boolean): Promise<void> };
  /** A provider call slower than this is a failure. */
  timeoutMs: number;
  commissionRate: number;
  /** Hands a result on towards the ride's Durable Object (the results queue, or the ride directly in tests). */
  report: (result: PaymentResult) => Promise<Outcome<unknown>>;
}

/** The ledger's provider name for what the platform decided itself (a settle, a refused refund). */
export const PLATFORM = "platform";

/** A hold is missing for a capture or void: wait for the authorisation to be recorded. */
export class HoldNotReady extends Error {}

/** The breaker is open: try again after `retryAfterMs`. */
export class BreakerOpen extends Error {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`payment provider circuit open; retry in ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}

function resultOf(entry: LedgerEntry, extra: Pick<PaymentResult, "settlement" | "adjustment" | "amount">): PaymentResult {
  return {
    rideId: entry.rideId,
    action: entry.kind as PaymentResult["action"],
    outcome: entry.outcome as PaymentResult["outcome"],
    idempotencyKey: entry.idempotencyKey,
    providerRef: entry.providerRef,
    detail: entry.detail,
    // The first command's, kept with the step: a step the watchdog sent again is answered under it too.
    correlationId: entry.correlationId,
    ...extra,
  };
}

/** What a provider call needs: the provider, behind the breaker and the timeout. */
export type GuardedDeps = Pick<PaymentDeps, "provider" | "breaker" | "timeoutMs">;

/**
 * Calls the provider through the breaker; a timeout or an unavailable provider counts as a failure.
 *
 * @example
 * const outcome = await guarded(deps, () => deps.provider.void({ holdRef }, `${rideId}:void`));
 */
export async function guarded<T = ProviderOutcome>(deps: GuardedDeps, call: () => Promise<T>): Promise<T> {
  const permit = await deps.breaker.acquire();
  if (!permit.allowed) throw new BreakerOpen(permit.retryAfterMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProviderUnavailable(`no answer within ${deps.timeoutMs} ms`)), deps.timeoutMs);
    });
    const outcome = await Promise.race([call(), timeout]);
    await deps.breaker.record(true, permit.probe);
    return outcome;
  } catch (error) {
    await deps.breaker.record(false, permit.probe);
    throw error instanceof ProviderUnavailable ? error : new ProviderUnavailable(String(error));
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

async function callProvider(command: PaymentCommandMessage, deps: PaymentDeps): Promise<ProviderOutcome> {
  if (command.action === "authorize") {
    return guarded(deps, () =>
      deps.provider.authorize({ amount: command.amount, paymentMethod: command.paymentMethod, reference: command.rideId }, command.idempotencyKey),
    );
  }
  const hold = await deps.ledger.hold(command.rideId);
  if (!hold?.providerRef) throw new HoldNotReady(`no recorded hold for ${command.rideId}`);
  const holdRef = hold.providerRef;
  if (command.action === "capture") return guarded(deps, () => deps.provider.capture({ holdRef, amount: command.amount }, command.idempotencyKey));
  // Reconciliation may have voided this hold already under its own key (an orphan hold of a
  // ride that heard of it late): that void stands for this one, and the provider would
  // refuse a second.
  const voided = await deps.ledger.voidOf(command.rideId, holdRef);
  if (voided) return { outcome: "succeeded", ref: holdRef };
  return guarded(deps, () => deps.provider.void({ holdRef }, command.idempotencyKey));
}

/** authorize, capture, void: the ledger, else the provider; a capture's fare is settled. */
async function providerStep(command: PaymentCommandMessage, deps: PaymentDeps): Promise<PaymentResult> {
  let entry = await deps.ledger.find(command.idempotencyKey);
  if (!entry) {
    const outcome = await callProvider(command, deps);
    entry = await deps.ledger.record(command, outcome, deps.provider.name);
    if (entry.kind === "void" && entry.outcome !== "succeeded") {
      // The ride (or rental) takes it as voided: nothing was left to release, or the hold lapses by itself.
      console.warn(JSON.stringify({ msg: "void refused by the provider", rideId: command.rideId, key: command.idempotencyKey, detail: entry.detail }));
    }
  }
  let settlement: Settlement | null = null;
  if (entry.kind === "capture" && entry.outcome === "succeeded" && command.driverId) {
    const split = splitFare(command.amount, deps.commissionRate);
    settlement = await deps.ledger.settle({ rideId: command.rideId, driverId: command.driverId, fare: command.amount, ...split });
  }
  return resultOf(entry, { settlement });
}

/**
 * Whether a refund or settle new to the ledger finds its ride let go. A ride never
 * reaches either step without rows here (its hold was asked first), so its rows were let go
 * by the ledger's window (workers/payment/ledger-window.ts) to its Ride DO. Carried out now,
 * a settle delivered again a window late would pay the driver twice, and a refund would be
 * declined for want of the capture. So nothing is recorded or paid: the gateway brings the
 * rows back, pinned (workers/gateway/payment-results.ts), and the step, if the ride still
 * waits for it, comes again with its watchdog and is answered from the rows or carried out.
 * Only a ride's rows are ever let go (`windowed`): a rental's or a dues account's step is
 * carried out as always.
 */
async function letGone(command: PaymentCommandMessage, deps: PaymentDeps): Promise<boolean> {
  if (!windowed(command.rideId)) return false;
  // The pin first, as an operator's refund does: a let-go that commits after it skips the
  // ride, so the rows `knows` found are still there for the step's reads and writes.
  await deps.ledger.pin(command.rideId);
  return !(await deps.ledger.knows(command.rideId));
}

/** The answer to a step whose ride was let go: nothing recorded or paid, the rows asked back. */
function letGoResult(command: PaymentCommandMessage): PaymentResult {
  const { rideId, action, idempotencyKey: key } = command;
  console.warn(JSON.stringify({ msg: "payment step for a ride let go: its rows are asked back", rideId, key }));
  const detail = "the ride's ledger rows were let go";
  return { rideId, action, outcome: "declined", idempotencyKey: key, providerRef: null, detail, letGo: true, correlationId: command.correlationId };
}

/**
 * A refund: refused (declined, recorded, so a repeat gets the same answer) when the ride
 * has no capture or the refunds would exceed it; else given back by the provider from the
 * capture. A successful one takes its share back from the ride's settlement, recorded once
 * as a settlement adjustment under the refund's key (none when nothing was settled: a rental).
 *
 * Two refunds of one ride under different keys at the same moment could both pass the
 * ledger's check; the provider, which refuses to refund more than it captured, is the
 * backstop for that race.
 */
async function refundStep(command: PaymentCommandMessage, deps: PaymentDeps): Promise<PaymentResult> {
  let entry = await deps.ledger.find(command.idempotencyKey);
  if (!entry && (await letGone(command, deps))) return letGoResult(command);
  if (!entry) {
    const [capture, refunded] = await Promise.all([deps.ledger.capture(command.rideId), deps.ledger.refunded(command.rideId)]);
    const check = checkRefund({ capture: capture && { amount: capture.amount, providerRef: capture.providerRef }, refunded }, command.amount);
    if (check.ok) {
      const outcome = await guarded(deps, () => deps.provider.refund({ holdRef: check.holdRef, amount: command.amount }, command.idempotencyKey));
      entry = await deps.ledger.record(command, outcome, deps.provider.name);
    } else {
      entry = await deps.ledger.record(command, { outcome: "declined", ref: null, detail: check.detail }, PLATFORM);
    }
    // Money the rider is owed stays with us until an operator sends it again: once a refund, a line on-call can alert on.
    if (entry.outcome === "declined") {
      const { rideId, idempotencyKey: key } = command;
      console.error(JSON.stringify({ msg: "refund declined", rideId, key, amount: command.amount.amount, detail: entry.detail, provider: entry.provider }));
    }
  }
  const amount = { amount: entry.amount, currency: command.amount.currency };
  if (entry.kind !== "refund" || entry.outcome !== "succeeded") return resultOf(entry, { adjustment: null, amount });
  return resultOf(entry, { adjustment: await adjustmentFor(entry.idempotencyKey, command, amount, deps), amount });
}

/**
 * A successful refund's adjustment: the recorded one, else computed from the settlement
 * and the ride's earlier adjustments, and recorded (once). Two refunds of one ride adjusted
 * at the same moment may each miss the other and round alike, a won at most apart.
 */
async function adjustmentFor(key: string, command: PaymentCommandMessage, amount: Money, deps: PaymentDeps): Promise<Settlement | null> {
  const recorded = await deps.ledger.adjustment(key);
  if (recorded) return recorded;
  const [settlement, prior] = await Promise.all([deps.ledger.settlementOf(command.rideId), deps.ledger.adjustedBefore(command.rideId, key)]);
  // Nothing was split, so nothing is taken back: a rental's price never entered the
  // settlements (no driver), and its refund must not lower the commission report or any
  // driver's balance.
  if (!settlement) return null;
  const split = refundAdjustment(settlement, amount, command.driverId, prior);
  return deps.ledger.adjust({ id: key, rideId: command.rideId, adjustment: split });
}

/**
 * A settle: no provider. The platform pays the driver the fare's split as if it had been
 * captured (the rider's card was declined after boarding; the platform carries that). The
 * settlement is the ride's one settlement row, so a later capture cannot pay it twice.
 */
async function settleStep(command: PaymentCommandMessage, deps: PaymentDeps): Promise<PaymentResult> {
  let entry = await deps.ledger.find(command.idempotencyKey);
  if (!entry && (await letGone(command, deps))) return letGoResult(command);
  if (!entry) {
    const refusal = !command.driverId
      ? "no driver to settle with"
      : !Number.isInteger(command.amount.amount) || command.amount.amount <= 0
        ? `nothing to settle: ${command.amount.amount}`
        : null;
    const outcome: LedgerOutcome = refusal ? { outcome: "declined", ref: null, detail: refusal } : { outcome: "succeeded", ref: null };
    entry = await deps.ledger.record(command, outcome, PLATFORM);
  }
  let settlement: Settlement | null = null;
  if (entry.kind === "settle" && entry.outcome === "succeeded" && command.driverId) {
    const split = splitFare(command.amount, deps.commissionRate);
    settlement = await deps.ledger.settle({ rideId: command.rideId, driverId: command.driverId, fare: command.amount, ...split });
  }
  return resultOf(entry, { settlement });
}

/** The result of a step: each kind of step answered from the ledger when it was done before. */
function stepFor(action: PaymentCommandMessage["action"]): (command: PaymentCommandMessage, deps: PaymentDeps) => Promise<PaymentResult> {
  if (action === "refund") return refundStep;
  if (action === "settle") return settleStep;
  return providerStep;
}

/**
 * Handles one command. Throws when it should be retried.
 *
 * @example
 * await handlePaymentCommand(message.body, deps);
 * message.ack();
 */
export async function handlePaymentCommand(command: PaymentCommandMessage, deps: PaymentDeps): Promise<PaymentResult> {
  const result = await stepFor(command.action)(command, deps);
  const reported = await deps.report(result);
  const next = afterReport(reported);
  if (next === "drop") console.error(JSON.stringify({ msg: "payment result for unknown ride", rideId: command.rideId, key: command.idempotencyKey }));
  if (next === "retry" && !reported.ok) throw new Error(`ride refused payment result: ${reported.problem.code} ${reported.problem.detail}`);
  return result;
}
