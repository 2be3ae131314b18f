/**
 * Payout runs inside workerd: the real ledger D1 (with its migrations), the simulated
 * provider's Durable Object (its transfers and its faults) and the payment worker's RPC
 * entrypoint, as the gateway calls it.
 */
import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { PaymentCommandMessage } from "../../src/domain/events";
import { ok, unwrap } from "../../src/lib/problem";
import { paymentDeps } from "../../workers/payment/deps";
import { handlePaymentCommand } from "../../workers/payment/handler";
import type { PaymentService } from "../../workers/payment/service";
import { testEnv, uniqueId } from "./helpers";

const payments = testEnv.PAYMENTS as unknown as Service<PaymentService>;
const simulator = () => testEnv.PAYMENT_SIMULATOR.get(testEnv.PAYMENT_SIMULATOR.idFromName("default"));
const breaker = () => testEnv.PAYMENT_BREAKER.get(testEnv.PAYMENT_BREAKER.idFromName("simulated"));
const deps = { ...paymentDeps(testEnv), report: async (result: unknown) => ok(result) };

/** A ride of `driverId` authorised and captured for `fare` through the payment worker's handler. */
async function capturedRide(driverId: string, fare: number): Promise<void> {
  const rideId = uniqueId("rd");
  for (const action of ["authorize", "capture"] as const) {
    const command: PaymentCommandMessage = {
      kind: "payment.command",
      action,
      rideId,
      amount: { amount: fare, currency: "KRW" },
      paymentMethod: "pm_card_visa",
      product: "standard",
      driverId,
      idempotencyKey: `${rideId}:${action}`,
      correlationId: "corr-payout",
      causationId: "test",
    };
    await handlePaymentCommand(command, deps);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

beforeEach(async () => {
  await simulator().setFaults({ mode: "ok" });
  await runInDurableObject(breaker(), (instance) => {
    (instance as unknown as { state: unknown }).state = { mode: "closed", failures: 0, openedAt: null, probeStartedAt: null };
  });
});

describe("payout runs through the payment service", () => {
  it("refuses a cut-off in the future, pays nothing", async () => {
    const outcome = await payments.runPayouts(new Date(Date.now() + 60_000).toISOString());
    expect(outcome).toMatchObject({ ok: false, problem: { code: "invalid_request" } });
  });

  it("with the simulator down the payout fails; the next run pays it under the same key, once", async () => {
    const driver = uniqueId("d");
    await capturedRide(driver, 10000);
    await tick();
    await simulator().setFaults({ mode: "down" });
    unwrap(await payments.runPayouts(undefined));
    expect(await payments.driverBalance(driver)).toEqual({ owed: { amount: 8000, currency: "KRW" }, paid: { amount: 0, currency: "KRW" } });
    const [failed] = unwrap(await payments.payouts(driver, null, 10)).items;
    expect(failed).toMatchObject({ status: "failed", amount: { amount: 8000 } });

    await simulator().setFaults({ mode: "ok" });
    await tick();
    unwrap(await payments.runPayouts(undefined));
    unwrap(await payments.runPayouts(undefined));
    expect(await payments.driverBalance(driver)).toMatchObject({ owed: { amount: 0 }, paid: { amount: 8000 } });
    const transfers = (await simulator().transfers()).filter((t) => t.reference === driver);
    expect(transfers).toEqual([expect.objectContaining({ amount: 8000, idempotencyKey: failed!.id })]);
  });

  it("the simulated provider finds a payout by its key in its transfers, not in its idempotency record; none made is null", async () => {
    const driver = uniqueId("d");
    const key = uniqueId("po");
    const paid = await deps.provider.payout({ amount: { amount: 8000, currency: "KRW" }, destination: null, reference: driver }, key);
    expect(await deps.provider.findPayout(key)).toEqual({ ref: paid.ref });
    expect(await deps.provider.findPayout(uniqueId("po"))).toBeNull();
    await simulator().setFaults({ mode: "down" });
    await expect(deps.provider.findPayout(key)).rejects.toMatchObject({ name: "ProviderUnavailable" });
  });

  it("pays two rides' earnings once per cut-off, and the report sums their splits", async () => {
    const driver = uniqueId("d");
    const from = new Date(Date.now() - 1).toISOString();
    await capturedRide(driver, 10000);
    await capturedRide(driver, 5000);
    await tick();
    const cutoff = new Date().toISOString();
    const run = unwrap(await payments.runPayouts(cutoff));
    expect(run.total.amount).toBeGreaterThanOrEqual(12000);
    expect(await payments.driverBalance(driver)).toMatchObject({ owed: { amount: 0 }, paid: { amount: 12000 } });
    expect(unwrap(await payments.runPayouts(cutoff))).toMatchObject({ id: run.id, drivers: 0, total: { amount: 0 } });
    expect((await simulator().transfers()).filter((t) => t.reference === driver)).toHaveLength(1);

    const report = await payments.commissionReport(from, new Date(Date.now() + 1).toISOString());
    expect(report.fares.amount).toBeGreaterThanOrEqual(15000);
    expect(report.commission.amount + report.earnings.amount).toBe(report.fares.amount);
  });
});
