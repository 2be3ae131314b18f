/**
 * One payment command, start to finish: the ledger first (a repeat reports the
 * recorded result), else the provider (through the circuit breaker, with a timeout,
 * with the command's idempotency key), then the ledger, then the result is reported
 * (in the worker: sent to the ride-payment-results queue, which the gateway applies to
 * the Ride DO). The command message is acknowledged only after the report went out;
 * any failure before that leaves it to be retried.
 */
import type { PaymentCommandMessage, PaymentResult, Settlement } from "../../src/domain/events";
import type { Permit } from "../../src/payments/breaker";
import { afterReport } from "../../src/payments/result-delivery";
import { splitFare } from "../../src/payments/settlement";
import type { Outcome } from "../../src/lib/problem";
import type { Ledger, LedgerEntry } from "./ledger";
import { ProviderUnavailable, type PaymentProvider, type ProviderOutcome } from "./provider";

export interface PaymentDeps {
  ledger: Ledger;
  provider: PaymentProvider;
  /** The shared circuit breaker. */
  breaker: { acquire(): Promise<Permit>; record(success: boolean): Promise<void> };
  /** A provider call slower than this is a failure. */
  timeoutMs: number;
  commissionRate: number;
  /** Hands a result on towards the ride's Durable Object (the results queue, or the ride directly in tests). */
  report: (result: PaymentResult) => Promise<Outcome<unknown>>;
}

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

function resultOf(entry: LedgerEntry, settlement: Settlement | null): PaymentResult {
  return {
    rideId: entry.rideId,
    action: entry.kind as PaymentResult["action"],
    outcome: entry.outcome as PaymentResult["outcome"],
    idempotencyKey: entry.idempotencyKey,
    providerRef: entry.providerRef,
    detail: entry.detail,
    settlement,
  };
}

/** Calls the provider through the breaker; a timeout or an unavailable provider counts as a failure. */
async function guarded(deps: PaymentDeps, call: () => Promise<ProviderOutcome>): Promise<ProviderOutcome> {
  const permit = await deps.breaker.acquire();
  if (!permit.allowed) throw new BreakerOpen(permit.retryAfterMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProviderUnavailable(`no answer within ${deps.timeoutMs} ms`)), deps.timeoutMs);
    });
    const outcome = await Promise.race([call(), timeout]);
    await deps.breaker.record(true);
    return outcome;
  } catch (error) {
    await deps.breaker.record(false);
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
  return command.action === "capture"
    ? guarded(deps, () => deps.provider.capture({ holdRef, amount: command.amount }, command.idempotencyKey))
    : guarded(deps, () => deps.provider.void({ holdRef }, command.idempotencyKey));
}

/**
 * Handles one command. Throws when it should be retried.
 *
 * @example
 * await handlePaymentCommand(message.body, deps);
 * message.ack();
 */
export async function handlePaymentCommand(command: PaymentCommandMessage, deps: PaymentDeps): Promise<PaymentResult> {
  let entry = await deps.ledger.find(command.idempotencyKey);
  if (!entry) {
    const outcome = await callProvider(command, deps);
    entry = await deps.ledger.record(command, outcome, deps.provider.name);
  }
  let settlement: Settlement | null = null;
  if (entry.kind === "capture" && entry.outcome === "succeeded" && command.driverId) {
    const split = splitFare(command.amount, deps.commissionRate);
    settlement = await deps.ledger.settle({ rideId: command.rideId, driverId: command.driverId, fare: command.amount, ...split });
  }
  const result = resultOf(entry, settlement);
  const reported = await deps.report(result);
  const next = afterReport(reported);
  if (next === "drop") console.error(JSON.stringify({ msg: "payment result for unknown ride", rideId: command.rideId, key: command.idempotencyKey }));
  if (next === "retry" && !reported.ok) throw new Error(`ride refused payment result: ${reported.problem.code} ${reported.problem.detail}`);
  return result;
}
