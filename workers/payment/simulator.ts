/**
 * The simulated payment provider (the local default): a Durable Object that keeps
 * its payment intents and idempotency keys like a real provider, honours the
 * contract's test payment methods, and can be told to fail (down, slow, flaky) to
 * show the saga's retries. Not a stub: it refuses to capture more than the hold,
 * to capture a voided hold, to void a captured one, or to refund more than was captured;
 * and it lists its open holds, as a real provider's search does.
 */
import type { Money } from "../../src/domain/types";
import { StoredObject } from "../../src/durable-objects/stored-object";
import { stubFor } from "../../src/durable-objects/stubs";
import { newId } from "../../src/lib/ids";
import type { CreatedWindow } from "../../src/payments/provider-walk";
import type { OpenHold, OpenHoldsListing, PaymentProvider, ProviderOutcome } from "./provider";
import { listOpenHolds, ProviderUnavailable } from "./provider";

/**
 * Fault injection (PUT /v1/dev/faults): `down` fails every call, `slow` answers after
 * `latencyMs`, `flaky` fails a `failureRate` share of calls after up to `latencyMs`.
 * `declineCaptures` makes the provider refuse captures for good, `declineRefunds` refunds
 * (extensions: a closed card account, a disputed charge).
 */
export interface FaultMode {
  mode: "ok" | "down" | "slow" | "flaky";
  latencyMs?: number;
  failureRate?: number;
  declineCaptures?: boolean;
  declineRefunds?: boolean;
}

type SimOperation = "authorize" | "capture" | "void" | "refund" | "payout";

type Intent = {
  id: string;
  amount: number;
  status: "requires_capture" | "succeeded" | "canceled";
  captured: number;
  /** Refunded so far (absent on intents stored before refunds were counted). */
  refunded?: number;
  /** What the hold is for, the key it was placed under and when (absent on older intents). */
  reference?: string;
  idempotencyKey?: string;
  createdAt?: string;
};

type SimInput = { amount?: Money; paymentMethod?: string; holdRef?: string; reference?: string; destination?: string | null };

/** A payout the simulator made: a transfer to a driver. */
type SimTransfer = { id: string; amount: number; destination: string | null; reference: string; idempotencyKey: string };

/** Test payment methods, as the best-known providers name them. */
export const DECLINED_METHODS = new Set(["pm_card_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds"]);

export class PaymentSimulatorDurableObject extends StoredObject<PaymentEnv> {
  constructor(ctx: DurableObjectState, env: PaymentEnv) {
    super(ctx, env, [
      "CREATE TABLE IF NOT EXISTS intents (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, response TEXT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS transfers (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    ]);
  }

  setFaults(fault: FaultMode): FaultMode {
    this.sql.exec("INSERT INTO settings (name, value) VALUES ('fault', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value", JSON.stringify(fault));
    return fault;
  }

  faults(): FaultMode {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE name = 'fault'").toArray()[0];
    return row ? (JSON.parse(row.value) as FaultMode) : { mode: "ok" };
  }

  /** Calls made so far per idempotency key (for tests and the ops view). */
  callCount(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM idempotency").one().n;
  }

  /** Null when the call may go on; else why the provider "is unavailable" (as a 5xx would say). */
  private async injectFault(): Promise<string | null> {
    const fault = this.faults();
    if (fault.mode === "down") return "simulated outage";
    if (fault.mode === "slow") await new Promise((r) => setTimeout(r, fault.latencyMs ?? 1000));
    if (fault.mode === "flaky") {
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, Math.random() * (fault.latencyMs ?? 0)));
      if (Math.random() < (fault.failureRate ?? 0.5)) return "simulated flaky failure";
    }
    return null;
  }

  /** Every request that reached the provider, failed ones included (to see the breaker shed load). */
  requestCount(): number {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE name = 'requests'").toArray()[0];
    return row ? Number(row.value) : 0;
  }

  /** One provider call: faults first, then the idempotency record, then the operation. */
  async call(op: SimOperation, input: SimInput, key: string): Promise<ProviderOutcome | { unavailable: string }> {
    this.sql.exec("INSERT INTO settings (name, value) VALUES ('requests', '1') ON CONFLICT(name) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
    const fault = await this.injectFault();
    if (fault) return { unavailable: fault };
    const seen = this.sql.exec<{ response: string }>("SELECT response FROM idempotency WHERE key = ?", key).toArray()[0];
    if (seen) return JSON.parse(seen.response) as ProviderOutcome;
    const response = this.perform(op, input, key, this.faults());
    this.sql.exec("INSERT INTO idempotency (key, response) VALUES (?, ?)", key, JSON.stringify(response));
    return response;
  }

  private intent(id: string | undefined): Intent | null {
    if (!id) return null;
    const row = this.sql.exec<{ body: string }>("SELECT body FROM intents WHERE id = ?", id).toArray()[0];
    return row ? (JSON.parse(row.body) as Intent) : null;
  }

  private save(intent: Intent): void {
    this.sql.exec("INSERT INTO intents (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body", intent.id, JSON.stringify(intent));
  }

  /** Open holds (authorised, neither captured nor cancelled) created within `window`, as a provider's search lists them. */
  async openHolds(window: CreatedWindow, limit: number): Promise<OpenHoldsListing | { unavailable: string }> {
    const fault = await this.injectFault();
    if (fault) return { unavailable: fault };
    const holds: OpenHold[] = [];
    for (const { body } of this.sql.exec<{ body: string }>("SELECT body FROM intents").toArray()) {
      const intent = JSON.parse(body) as Intent;
      // An intent from before keys were kept cannot be matched with the ledger: not listed.
      if (intent.status !== "requires_capture" || !intent.idempotencyKey || !intent.createdAt) continue;
      holds.push({
        ref: intent.id,
        idempotencyKey: intent.idempotencyKey,
        reference: intent.reference ?? "",
        amount: { amount: intent.amount, currency: "KRW" },
        createdAt: intent.createdAt,
      });
    }
    return listOpenHolds(holds, window, limit);
  }

  /** The payouts made (transfers to drivers), oldest first: what a test or an operator can check. */
  transfers(): SimTransfer[] {
    return this.sql
      .exec<{ body: string }>("SELECT body FROM transfers ORDER BY rowid")
      .toArray()
      .map((r) => JSON.parse(r.body) as SimTransfer);
  }

  /** The transfer made under `key`, found in the transfers (not the idempotency record), null when none. */
  async findTransfer(key: string): Promise<{ ref: string } | null | { unavailable: string }> {
    const fault = await this.injectFault();
    if (fault) return { unavailable: fault };
    const transfer = this.transfers().find((t) => t.idempotencyKey === key);
    return transfer ? { ref: transfer.id } : null;
  }

  private perform(op: SimOperation, input: SimInput, key: string, fault: FaultMode): ProviderOutcome {
    if (op === "payout") {
      const amount = input.amount?.amount ?? 0;
      if (!Number.isInteger(amount) || amount <= 0) return { outcome: "declined", ref: null, detail: "amount_invalid" };
      const transfer: SimTransfer = { id: newId("tr"), amount, destination: input.destination ?? null, reference: input.reference ?? "", idempotencyKey: key };
      this.sql.exec("INSERT INTO transfers (id, body) VALUES (?, ?)", transfer.id, JSON.stringify(transfer));
      return { outcome: "succeeded", ref: transfer.id };
    }
    if (op === "authorize") {
      if (!input.paymentMethod || DECLINED_METHODS.has(input.paymentMethod)) return { outcome: "declined", ref: null, detail: "card_declined" };
      const intent: Intent = {
        id: newId("pi"),
        amount: input.amount?.amount ?? 0,
        status: "requires_capture",
        captured: 0,
        reference: input.reference ?? "",
        idempotencyKey: key,
        createdAt: new Date().toISOString(),
      };
      this.save(intent);
      return { outcome: "succeeded", ref: intent.id };
    }
    const intent = this.intent(input.holdRef);
    if (!intent) return { outcome: "declined", ref: null, detail: "no_such_payment_intent" };
    if (op === "refund") {
      if (fault.declineRefunds) return { outcome: "declined", ref: intent.id, detail: "refund_declined" };
      if (intent.status !== "succeeded") return { outcome: "declined", ref: intent.id, detail: `intent is ${intent.status}` };
      const amount = input.amount?.amount ?? intent.captured - (intent.refunded ?? 0);
      if (amount > intent.captured - (intent.refunded ?? 0)) return { outcome: "declined", ref: intent.id, detail: "amount_too_large" };
      this.save({ ...intent, refunded: (intent.refunded ?? 0) + amount });
      return { outcome: "succeeded", ref: newId("re") };
    }
    if (op === "capture") {
      if (fault.declineCaptures) return { outcome: "declined", ref: intent.id, detail: "capture_declined" };
      if (intent.status !== "requires_capture") return { outcome: "declined", ref: intent.id, detail: `intent is ${intent.status}` };
      const amount = input.amount?.amount ?? intent.amount;
      if (amount > intent.amount) return { outcome: "declined", ref: intent.id, detail: "amount_too_large" };
      this.save({ ...intent, status: "succeeded", captured: amount });
      return { outcome: "succeeded", ref: intent.id };
    }
    if (intent.status === "succeeded") return { outcome: "declined", ref: intent.id, detail: "intent already captured" };
    this.save({ ...intent, status: "canceled" });
    return { outcome: "succeeded", ref: intent.id };
  }
}

/**
 * The adapter over the simulator DO.
 *
 * @example
 * const provider = new SimulatedProvider(env.PAYMENT_SIMULATOR);
 * await provider.authorize({ amount, paymentMethod: "pm_card_visa", reference: rideId }, `${rideId}:authorize`);
 */
export class SimulatedProvider implements PaymentProvider {
  readonly payoutAccountRequired = false;
  readonly name = "simulated";
  constructor(private readonly ns: DurableObjectNamespace<PaymentSimulatorDurableObject>) {}

  private async call(op: SimOperation, input: SimInput, key: string): Promise<ProviderOutcome> {
    let answer: ProviderOutcome | { unavailable: string };
    try {
      answer = await stubFor(this.ns, "default").call(op, input, key);
    } catch (error) {
      throw new ProviderUnavailable(String(error));
    }
    if ("unavailable" in answer) throw new ProviderUnavailable(`provider unavailable: ${answer.unavailable}`);
    return answer;
  }

  authorize(input: { amount: Money; paymentMethod: string; reference: string }, key: string) {
    return this.call("authorize", { amount: input.amount, paymentMethod: input.paymentMethod, reference: input.reference }, key);
  }
  capture(input: { holdRef: string; amount: Money }, key: string) {
    return this.call("capture", input, key);
  }
  void(input: { holdRef: string }, key: string) {
    return this.call("void", input, key);
  }
  refund(input: { holdRef: string; amount: Money }, key: string) {
    return this.call("refund", input, key);
  }
  payout(input: { amount: Money; destination: string | null; reference: string }, key: string) {
    return this.call("payout", input, key);
  }

  async findPayout(key: string): Promise<{ ref: string } | null> {
    let answer: { ref: string } | null | { unavailable: string };
    try {
      answer = await stubFor(this.ns, "default").findTransfer(key);
    } catch (error) {
      throw new ProviderUnavailable(String(error));
    }
    if (answer && "unavailable" in answer) throw new ProviderUnavailable(`provider unavailable: ${answer.unavailable}`);
    return answer;
  }

  async openHolds(window: CreatedWindow, limit: number): Promise<OpenHoldsListing> {
    let answer: OpenHoldsListing | { unavailable: string };
    try {
      answer = await stubFor(this.ns, "default").openHolds(window, limit);
    } catch (error) {
      throw new ProviderUnavailable(String(error));
    }
    if ("unavailable" in answer) throw new ProviderUnavailable(`provider unavailable: ${answer.unavailable}`);
    return answer;
  }
}
