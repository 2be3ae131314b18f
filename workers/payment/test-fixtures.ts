/**
 * For the payment worker's Node unit tests only (never imported by the worker): the
 * handler's dependencies over a real ledger (the real migrations on Node's SQLite) and an
 * in-memory provider, with the results it reported.
 */
import type { PaymentCommandMessage, PaymentResult } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import { ok } from "../../src/lib/problem";
import { FakePaymentProvider } from "../../test/support/fake-payment-provider";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { handlePaymentCommand, type PaymentDeps } from "./handler";
import { Ledger } from "./ledger";
import { driverTotals } from "./payout-store";
import type { PayoutDeps } from "./payouts";
import { driverBalance } from "../../src/payments/payout";

export const krw = (amount: number) => ({ amount, currency: "KRW" as const });

/**
 * @example
 * const { deps, provider, reported } = await unitDeps();
 * await handlePaymentCommand(step("rd_1", "authorize", 9800), deps);
 */
export async function unitDeps() {
  const d1 = (await sqliteD1("migrations/payments")) as unknown as D1Database;
  const provider = new FakePaymentProvider();
  const reported: PaymentResult[] = [];
  const deps: PaymentDeps = {
    ledger: new Ledger(d1),
    provider,
    breaker: { acquire: async () => ({ allowed: true, probe: false }), record: async () => {} },
    timeoutMs: 1000,
    commissionRate: 0.2,
    report: async (result) => {
      reported.push(result);
      return ok(result);
    },
  };
  return { d1, deps, provider, reported };
}

/**
 * A payment command of a ride (driver `d1`, card pm_card_visa), keyed `<rideId>:<action>` unless `key` says otherwise.
 *
 * @example
 * step("rd_1", "refund", 3000, { key: "rd_1:refund:a" });
 */
export function step(
  rideId: string,
  action: PaymentCommandMessage["action"],
  amount: number,
  patch: { key?: string; driverId?: string | null; paymentMethod?: string } = {},
): PaymentCommandMessage {
  return {
    kind: "payment.command",
    action,
    rideId,
    amount: krw(amount),
    paymentMethod: patch.paymentMethod ?? "pm_card_visa",
    product: "standard",
    driverId: patch.driverId === undefined ? "d1" : patch.driverId,
    idempotencyKey: patch.key ?? `${rideId}:${action}`,
    correlationId: "corr-1",
    causationId: "test",
  };
}

/** A ride as the reconciliation's lookup returns it: only its status (and payment) matter there. */
export function rideIn(status: Ride["status"]): Ride {
  return { status, payment: { status: "authorized" }, driver: null, fare: null } as unknown as Ride;
}

/** A ride of `driverId` captured for `fare` (commission 20 %), through the payment handler. */
export async function capturedRide(deps: PaymentDeps, rideId: string, fare: number, driverId = "d1"): Promise<void> {
  await handlePaymentCommand(step(rideId, "authorize", fare, { driverId }), deps);
  await handlePaymentCommand(step(rideId, "capture", fare, { driverId }), deps);
}

/**
 * The payout runs' dependencies over `unitDeps`, a driver's balance and the provider's payout calls.
 *
 * @example
 * const { deps, payoutDeps, balance } = await payoutUnit(); await capturedRide(deps, "rd_1", 10000);
 */
export async function payoutUnit() {
  const unit = await unitDeps();
  const payoutDeps: PayoutDeps = { db: unit.d1, provider: unit.provider, breaker: unit.deps.breaker, timeoutMs: 1000 };
  const balance = async (driverId: string) => {
    const totals = await driverTotals(unit.d1, driverId);
    return driverBalance(totals.earned, totals.payouts);
  };
  const payoutCalls = () => unit.provider.calls.filter((c) => c.op === "payout");
  return { ...unit, payoutDeps, balance, payoutCalls };
}
