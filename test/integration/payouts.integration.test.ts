/**
 * Payout runs inside workerd: the real ledger D1 (with its migrations), the simulated
 * provider's Durable Object (its transfers and its faults) and the payment worker's RPC
 * entrypoint, as the gateway calls it.
 */
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DriverNotificationMessage, PaymentCommandMessage, PayoutNotificationMessage } from "../../src/domain/events";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import gateway from "../../workers/gateway/index";
import { ok, unwrap } from "../../src/lib/problem";
import { paymentDeps } from "../../workers/payment/deps";
import { driversWithAccount } from "../../workers/payment/payout-accounts";
import { handlePaymentCommand } from "../../workers/payment/handler";
import type { PaymentService } from "../../workers/payment/service";
import { testEnv, uniqueId } from "./helpers";

const payments = testEnv.PAYMENTS as unknown as Service<PaymentService>;
const simulator = () => testEnv.PAYMENT_SIMULATOR.get(testEnv.PAYMENT_SIMULATOR.idFromName("default"));
/** The riders' payments' breaker and the payouts' own. */
const breakers = () => ["simulated", "simulated:payouts"].map((name) => testEnv.PAYMENT_BREAKER.get(testEnv.PAYMENT_BREAKER.idFromName(name)));
const closeBreakers = () =>
  Promise.all(
    breakers().map((b) =>
      runInDurableObject(b, (instance) => {
        (instance as unknown as { state: unknown }).state = { mode: "closed", failures: 0, openedAt: null, probeStartedAt: null };
      }),
    ),
  );
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
  await closeBreakers();
});

/** A driver owed 8000 whose payout a run sent while the simulator was down: failed, its answer unknown. The simulator stays down. */
async function payoutFailedWithProviderDown() {
  const driver = uniqueId("d");
  await capturedRide(driver, 10000);
  await tick();
  await simulator().setFaults({ mode: "down" });
  unwrap(await payments.runPayouts(undefined));
  const payouts = unwrap(await payments.payouts(driver, null, 10)).items;
  expect(payouts).toMatchObject([{ status: "failed", amount: { amount: 8000 } }]);
  return { driver, failed: payouts[0] };
}

describe("payout runs through the payment service", () => {
  it("refuses a cut-off in the future, pays nothing", async () => {
    const outcome = await payments.runPayouts(new Date(Date.now() + 60_000).toISOString());
    expect(outcome).toMatchObject({ ok: false, problem: { code: "invalid_request" } });
  });

  it("with the simulator down the payout fails; the next run pays it under the same key, once", async () => {
    const { driver, failed } = await payoutFailedWithProviderDown();
    expect(await payments.driverBalance(driver)).toEqual({ owed: { amount: 8000, currency: "KRW" }, paid: { amount: 0, currency: "KRW" } });

    await simulator().setFaults({ mode: "ok" });
    await tick();
    unwrap(await payments.runPayouts(undefined));
    unwrap(await payments.runPayouts(undefined));
    expect(await payments.driverBalance(driver)).toMatchObject({ owed: { amount: 0 }, paid: { amount: 8000 } });
    const transfers = (await simulator().transfers()).filter((t) => t.reference === driver);
    expect(transfers).toEqual([expect.objectContaining({ amount: 8000, idempotencyKey: failed!.id })]);
  });

  it("payouts fail on a breaker of their own: the riders' payments' breaker counts none of their failures", async () => {
    await payoutFailedWithProviderDown();
    const health = await payments.health();
    expect(health.payoutBreaker.failures).toBeGreaterThan(0);
    expect(health.breaker).toMatchObject({ mode: "closed", failures: 0 });
  });

  it("a payout whose answer never came is sent again by the ten-minute cron, not only by an operator's next run; once", async () => {
    const { driver } = await payoutFailedWithProviderDown();
    await simulator().setFaults({ mode: "ok" });
    const tenMinutes = () => gateway.scheduled({ cron: "*/10 * * * *", scheduledTime: Date.now(), noRetry: () => undefined }, testEnv);
    await tenMinutes();
    expect(await payments.driverBalance(driver)).toMatchObject({ owed: { amount: 0 }, paid: { amount: 8000 } });
    await tenMinutes();
    expect((await simulator().transfers()).filter((t) => t.reference === driver)).toHaveLength(1);
    expect(unwrap(await payments.payouts(driver, null, 10)).items).toMatchObject([{ status: "succeeded", amount: { amount: 8000 } }]);
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

describe("a driver's payout account", () => {
  it("is set for a driver who exists; an id no driver has is 404 and stores nothing", async () => {
    const token = await issueToken(testEnv, { id: "ops_accounts", role: "ops" });
    const put = (id: string) =>
      createApp().request(
        `/v1/ops/drivers/${id}/payout-account`,
        {
          method: "PUT",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ accountId: "acct_1Payee" }),
        },
        testEnv,
        createExecutionContext(),
      );
    const nobody = uniqueId("d");
    const refused = await put(nobody);
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([404, "not_found"]);
    const stored = () => testEnv.LEDGER_DB.prepare("SELECT count(*) AS n FROM payout_accounts WHERE driver_id = ?").bind(nobody).first<{ n: number }>();
    expect(await stored()).toEqual({ n: 0 });

    const driver = uniqueId("d");
    const stub = testEnv.DRIVER.get(testEnv.DRIVER.idFromName(driver));
    await stub.register(driver, { name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" } }, true, "c");
    const set = await put(driver);
    expect([set.status, await set.json()]).toEqual([200, { accountId: "acct_1Payee" }]);
    // What a run reads of it, in D1 itself (one JSON parameter a statement: json_each).
    expect([...(await driversWithAccount(testEnv.LEDGER_DB, [nobody, driver, uniqueId("d")]))]).toEqual([driver]);
  });

  it("a change is told to its driver, the account masked, and logged with who made it; the same account again tells nobody", async () => {
    const sent: { body: DriverNotificationMessage }[] = [];
    const queue = { sendBatch: async (batch: { body: DriverNotificationMessage }[]) => void sent.push(...batch) };
    const env = { ...testEnv, NOTIFICATIONS_QUEUE: queue as unknown as Queue };
    const driver = uniqueId("d");
    await testEnv.DRIVER.get(testEnv.DRIVER.idFromName(driver)).register(
      driver,
      { name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" } },
      true,
      "c",
    );
    const token = await issueToken(testEnv, { id: "ops_mover", role: "ops" });
    const logged = vi.spyOn(console, "log");
    const put = async (accountId: string) => {
      const ctx = createExecutionContext();
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const res = await createApp().request(
        `/v1/ops/drivers/${driver}/payout-account`,
        { method: "PUT", headers, body: JSON.stringify({ accountId }) },
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res.status;
    };
    expect(await put("acct_1Nv0FGQ9RKHgCVdK")).toBe(200);
    expect(await put("acct_1Nv0FGQ9RKHgZZZZ")).toBe(200);
    expect(await put("acct_1Nv0FGQ9RKHgZZZZ")).toBe(200);
    expect(sent.map((m) => [m.body.kind, m.body.event.type, m.body.event.data.account, m.body.driver.id])).toEqual([
      ["driver.notification", "PayoutAccountChanged", "…CVdK", driver],
      ["driver.notification", "PayoutAccountChanged", "…ZZZZ", driver],
    ]);
    const lines = logged.mock.calls.map(([line]) => String(line)).filter((line) => line.includes("payout account set"));
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([
      { driverId: driver, by: "ops_mover", previous: null, account: "…CVdK" },
      { driverId: driver, by: "ops_mover", previous: "…CVdK", account: "…ZZZZ" },
      { driverId: driver, by: "ops_mover", previous: "…ZZZZ", account: "…ZZZZ" },
    ]);
    expect(lines.join(), "never the whole account").not.toContain("acct_1Nv0");
    logged.mockRestore();
  });
});

describe("drivers told of their payouts", () => {
  /** A notifications queue that keeps what is sent to it, or fails every send. */
  function notificationsQueue(failing = false) {
    const sent: PayoutNotificationMessage[] = [];
    const queue = {
      send: async () => {
        throw new Error("one message at a time is not how notices go");
      },
      sendBatch: async (messages: Iterable<{ body: unknown }>) => {
        if (failing) throw new Error("queue unavailable");
        for (const m of messages) sent.push(m.body as PayoutNotificationMessage);
      },
    } as unknown as Queue;
    return { queue, sent };
  }
  const ofDriver = (sent: PayoutNotificationMessage[], driverId: string) => sent.filter((m) => m.payout.driverId === driverId);

  async function payoutsCall(env: Env) {
    const token = await issueToken(testEnv, { id: "ops-payouts", role: "ops" });
    const ctx = createExecutionContext();
    const res = await createApp().request(
      "/v1/ops/payouts",
      { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-request-id": "req-payouts-1" }, body: "{}" },
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("a queue down during the payouts call leaves the news untold; the ten-minute cron tells it, once", async () => {
    const driver = uniqueId("d");
    await capturedRide(driver, 10000);
    await tick();
    const down = notificationsQueue(true);
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect((await payoutsCall({ ...testEnv, NOTIFICATIONS_QUEUE: down.queue })).status).toBe(202);
    expect(warnings.mock.calls.flat().some((l) => String(l).includes("payout notices not sent"))).toBe(true);
    warnings.mockRestore();
    expect((await payments.untoldPayouts(100)).filter((p) => p.driverId === driver)).toHaveLength(1);

    const up = notificationsQueue();
    await gateway.scheduled({ cron: "*/10 * * * *", scheduledTime: Date.now(), noRetry: () => undefined }, { ...testEnv, NOTIFICATIONS_QUEUE: up.queue });
    expect(ofDriver(up.sent, driver)).toMatchObject([
      { kind: "payout.notification", event: { type: "PayoutSent" }, payout: { driverId: driver, amount: { amount: 8000 } } },
    ]);
    await gateway.scheduled({ cron: "*/10 * * * *", scheduledTime: Date.now(), noRetry: () => undefined }, { ...testEnv, NOTIFICATIONS_QUEUE: up.queue });
    expect(ofDriver(up.sent, driver)).toHaveLength(1);
  });

  it("the payouts call tells each driver it paid, once, with the call's request id; a payout the provider could not answer is told only once paid", async () => {
    const paidDriver = uniqueId("d");
    await capturedRide(paidDriver, 10000);
    await tick();
    const queue = notificationsQueue();
    const env = { ...testEnv, NOTIFICATIONS_QUEUE: queue.queue };
    expect((await payoutsCall(env)).status).toBe(202);
    const [told] = ofDriver(queue.sent, paidDriver);
    expect(told).toMatchObject({
      kind: "payout.notification",
      event: { type: "PayoutSent", driverId: paidDriver, correlationId: "req-payouts-1", data: { amount: { amount: 8000, currency: "KRW" } } },
      payout: { driverId: paidDriver, status: "succeeded", amount: { amount: 8000, currency: "KRW" } },
    });
    expect(told!.event.id).toBe(`ev_${told!.payout.id}`);
    expect((await payments.untoldPayouts(100)).filter((p) => p.driverId === paidDriver)).toEqual([]);

    // The provider down: the payout's outcome is unknown, nothing is told; paid by the next call, told then.
    const laterDriver = uniqueId("d");
    await capturedRide(laterDriver, 5000);
    await tick();
    await simulator().setFaults({ mode: "down" });
    expect((await payoutsCall(env)).status).toBe(202);
    expect(ofDriver(queue.sent, laterDriver)).toEqual([]);
    await simulator().setFaults({ mode: "ok" });
    await closeBreakers();
    expect((await payoutsCall(env)).status).toBe(202);
    expect(ofDriver(queue.sent, laterDriver)).toMatchObject([{ event: { type: "PayoutSent" }, payout: { amount: { amount: 4000 } } }]);
    expect(ofDriver(queue.sent, paidDriver)).toHaveLength(1);
  });
});
