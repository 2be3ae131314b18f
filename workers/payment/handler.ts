/**
 * One payment command, start to finish: the ledger first (a repeat reports the
 * recorded result), else the provider (with the command's idempotency key), then the
 * ledger, then the Ride DO. The queue message is acknowledged only after the Ride DO
 * took the result; any failure before that leaves it to be retried.
 */
import type { PaymentCommandMessage, PaymentResult } from "../../src/domain/events";
import type { Outcome } from "../../src/lib/problem";
import type { Ledger, LedgerEntry } from "./ledger";
import type { PaymentProvider, ProviderOutcome } from "./provider";

export interface PaymentDeps {
  ledger: Ledger;
  provider: PaymentProvider;
  /** Hands a result to the ride's Durable Object. */
  report: (result: PaymentResult) => Promise<Outcome<unknown>>;
}

/** A hold is missing for a capture or void: wait for the authorisation to be recorded. */
export class HoldNotReady extends Error {}

function resultOf(entry: LedgerEntry): PaymentResult {
  return {
    rideId: entry.rideId,
    action: entry.kind as PaymentResult["action"],
    outcome: entry.outcome as PaymentResult["outcome"],
    idempotencyKey: entry.idempotencyKey,
    providerRef: entry.providerRef,
    detail: entry.detail,
  };
}

async function callProvider(command: PaymentCommandMessage, deps: PaymentDeps): Promise<ProviderOutcome> {
  if (command.action === "authorize") {
    return deps.provider.authorize({ amount: command.amount, paymentMethod: command.paymentMethod, reference: command.rideId }, command.idempotencyKey);
  }
  const hold = await deps.ledger.hold(command.rideId);
  if (!hold?.providerRef) throw new HoldNotReady(`no recorded hold for ${command.rideId}`);
  return command.action === "capture"
    ? deps.provider.capture({ holdRef: hold.providerRef, amount: command.amount }, command.idempotencyKey)
    : deps.provider.void({ holdRef: hold.providerRef }, command.idempotencyKey);
}

/**
 * Handles one command. Throws when it should be retried.
 *
 * @example
 * await handlePaymentCommand(message.body, { ledger, provider, report });
 * message.ack();
 */
export async function handlePaymentCommand(command: PaymentCommandMessage, deps: PaymentDeps): Promise<PaymentResult> {
  let entry = await deps.ledger.find(command.idempotencyKey);
  if (!entry) {
    const outcome = await callProvider(command, deps);
    entry = await deps.ledger.record(command, outcome, deps.provider.name);
  }
  const result = resultOf(entry);
  const reported = await deps.report(result);
  if (!reported.ok && reported.problem.code !== "invalid_transition") {
    // not_found would mean a message for a ride that does not exist: log and drop.
    if (reported.problem.code === "not_found") {
      console.error(JSON.stringify({ msg: "payment result for unknown ride", rideId: command.rideId, key: command.idempotencyKey }));
      return result;
    }
    throw new Error(`ride refused payment result: ${reported.problem.code} ${reported.problem.detail}`);
  }
  return result;
}
