/**
 * Driver payouts and the commission report, over HTTP against the local system: two
 * completed rides make the driver's balance the sum of their earnings; a payout run pays
 * it (paid = the sum, owed 0); the same cut-off again pays nothing; the commission report
 * over the range is the sum of the splits; a refund after the payout makes the balance
 * negative; the payouts are listed for the driver and for ops, and the driver is told of
 * theirs; with the provider down a payout fails and the next run pays it, once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually } from "../support/client";
import { drive, onlineDriver, requestAndAccept, waitForRide } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";

let system: RunningSystem;
let api: Api;
let ops: string;

beforeAll(async () => {
  system = await startSystem({ PAYMENT_WATCHDOG_S: "2", BREAKER_COOLDOWN_S: "1", DISPATCH_RETRY_S: "0.3" });
  api = new Api(system.baseUrl);
  ops = await api.token("ops-payouts", "ops");
});
afterAll(async () => system?.stop());

type Money = { amount: number; currency: string };
type Balance = { owed: Money; paid: Money; currency: string };
type Run = { id: string; cutoff: string; drivers: number; total: Money; failed: number; more: boolean };
type Payout = { id: string; amount: Money; cutoff: string; status: string; createdAt: string; driverId?: string };
type Earnings = { items: { rideId: string; fare: Money; commission: Money; earning: Money }[]; total: Money };

const balanceOf = async (token: string) => (await api.request<Balance>("GET", "/v1/drivers/me/balance", { token })).body;
const runPayouts = (body?: { cutoff?: string }) => api.request<Run>("POST", "/v1/ops/payouts", { token: ops, body: body ?? {} });
const setPaymentFault = async (mode: "down" | "ok") => expect((await api.request("PUT", "/v1/dev/faults", { body: { payment: { mode } } })).status).toBe(200);

/** A driver's completed and captured ride; its earnings row once the views have it. */
async function capturedRide(driver: Awaited<ReturnType<typeof onlineDriver>>, at: { lat: number; lng: number }) {
  const { id, rider } = await requestAndAccept(api, driver, at);
  await drive(api, driver, id);
  await waitForRide(api, rider, id, (r) => r.payment.status === "captured", "the capture", 30_000);
  return id;
}

describe("driver payouts", () => {
  it("refuses riders, future cut-offs, bad ranges and bad cursors before doing anything", async () => {
    const rider = await api.token("r-payouts", "rider");
    const driver = await api.token("d-payouts-none", "driver");
    expect((await api.request("POST", "/v1/ops/payouts", { token: rider, body: {} })).status).toBe(403);
    expect((await api.request("GET", "/v1/drivers/me/balance", { token: rider })).status).toBe(403);
    expect((await api.request("GET", "/v1/ops/reports/commission?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z", { token: driver })).status).toBe(403);
    const future = await runPayouts({ cutoff: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.status).toBe(400);
    expect(future.headers.get("content-type")).toContain("application/problem+json");
    expect((await runPayouts({ cutoff: "tomorrow" })).status).toBe(400);
    for (const query of ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from=2026-01-01T00:00:00Z", "from=yesterday&to=2026-01-01T00:00:00Z"]) {
      expect((await api.request("GET", `/v1/ops/reports/commission?${query}`, { token: ops })).status, query).toBe(400);
    }
    expect((await api.request("GET", "/v1/ops/payouts?cursor=notacursor", { token: ops })).status).toBe(400);
    expect((await api.request<{ items: Payout[] }>("GET", "/v1/ops/payouts", { token: ops })).body).toEqual({ items: [], nextCursor: null });
    expect(await balanceOf(driver)).toEqual({ owed: { amount: 0, currency: "KRW" }, paid: { amount: 0, currency: "KRW" }, currency: "KRW" });
  });

  it("two rides → owed = their earnings; a run pays them; the same cut-off pays nothing; the report sums the splits; a refund makes owed negative", async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const at = { lat: 37.51, lng: 127.05 };
    const driver = await onlineDriver(api, at);
    const rides = [await capturedRide(driver, at), await capturedRide(driver, at)];
    const earnings = await eventually(
      async () => {
        const page = (await api.request<Earnings>("GET", "/v1/drivers/me/earnings", { token: driver.token })).body;
        return rides.every((id) => page.items.some((e) => e.rideId === id)) ? page : undefined;
      },
      "both earnings in the driver's view",
      30_000,
    );
    const earned = earnings.items.reduce((sum, e) => sum + e.earning.amount, 0);
    const fares = earnings.items.reduce((sum, e) => sum + e.fare.amount, 0);
    expect(earned).toBeGreaterThan(0);
    expect(await balanceOf(driver.token)).toEqual({ owed: { amount: earned, currency: "KRW" }, paid: { amount: 0, currency: "KRW" }, currency: "KRW" });

    const cutoff = new Date().toISOString();
    const run = await runPayouts({ cutoff });
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({ cutoff, drivers: 1, total: { amount: earned, currency: "KRW" }, failed: 0, more: false });
    expect(await balanceOf(driver.token)).toMatchObject({ owed: { amount: 0 }, paid: { amount: earned } });
    const again = await runPayouts({ cutoff });
    expect(again.body).toMatchObject({ id: run.body.id, drivers: 0, total: { amount: 0 } });
    expect(await balanceOf(driver.token)).toMatchObject({ owed: { amount: 0 }, paid: { amount: earned } });

    const to = new Date(Date.now() + 1000).toISOString();
    const report = await api.request<{ fares: Money; commission: Money; earnings: Money; rides: number }>(
      "GET",
      `/v1/ops/reports/commission?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { token: ops },
    );
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ fares: { amount: fares }, earnings: { amount: earned }, rides: 2 });
    // Captured rides only; what the platform settled without a capture is reported apart.
    expect(report.body).toMatchObject({ settled: { earnings: { currency: "KRW" }, rides: expect.any(Number) } });
    expect(report.body.commission.amount + report.body.earnings.amount).toBe(report.body.fares.amount);

    const mine = await api.request<{ items: Payout[]; nextCursor: string | null }>("GET", "/v1/drivers/me/payouts", { token: driver.token });
    expect(mine.body.items).toEqual([
      { id: expect.any(String), amount: { amount: earned, currency: "KRW" }, cutoff, status: "succeeded", createdAt: expect.any(String) },
    ]);
    const listed = await api.request<{ items: Payout[] }>("GET", `/v1/ops/payouts?driverId=${driver.id}`, { token: ops });
    expect(listed.body.items).toMatchObject([{ id: mine.body.items[0]!.id, driverId: driver.id, status: "succeeded" }]);

    // The driver is told, once, by the notification worker: the delivery log files the news under the payout's id.
    const payoutId = mine.body.items[0]!.id;
    type Delivery = { rideId: string; event: string; recipient: string; channel: string; status: string; lastError: string | null };
    const told = await eventually(
      async () => {
        const page = (await api.request<{ items: Delivery[] }>("GET", `/v1/ops/notifications?rideId=${payoutId}`, { token: ops })).body;
        return page.items.length === 2 && page.items.every((d) => d.status !== "retrying") ? page.items : undefined;
      },
      "the driver's payout notice",
      30_000,
    );
    for (const d of told) expect(d).toMatchObject({ rideId: payoutId, event: "PayoutSent", recipient: driver.id });
    // The driver has no live socket open here: the live notice reached nobody and says so.
    expect(told.map((d) => [d.channel, d.status, d.lastError]).sort()).toEqual([
      ["live", "failed", "not delivered: no open socket"],
      ["webhook", "sent", null],
    ]);
    // The webhook the local system posts to got it once, in Korean, with the amount; the same
    // cut-off run again (and its telling) sends nothing more.
    expect((await runPayouts({ cutoff })).body).toMatchObject({ drivers: 0 });
    await new Promise((r) => setTimeout(r, 1000));
    const posted = system.webhooks.filter((h) => h.json.rideId === payoutId);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.json).toMatchObject({ event: "PayoutSent", recipient: driver.id, locale: "ko" });
    expect(posted[0]!.json.texts.en).toContain(earned.toLocaleString("en-US"));

    // A refund of part of a fare already paid out: the driver's share comes off, owed goes below zero.
    const refund = await api.request("POST", `/v1/ops/rides/${rides[0]}/refund`, { token: ops, body: { amount: 1000, reason: "detour" } });
    expect(refund.status).toBe(202);
    const after = await eventually(
      async () => {
        const b = await balanceOf(driver.token);
        return b.owed.amount < 0 ? b : undefined;
      },
      "the refund's adjustment",
      30_000,
    );
    expect(after.owed.amount).toBeGreaterThanOrEqual(-1000);
    expect(after.paid.amount).toBe(earned);
    // The driver's earnings page shows the same negative row: earned − paid.
    await eventually(
      async () =>
        (await api.request<Earnings>("GET", "/v1/drivers/me/earnings", { token: driver.token })).body.total.amount === earned + after.owed.amount
          ? true
          : undefined,
      "the refund in the earnings view",
      30_000,
    );
    expect((await runPayouts()).body).toMatchObject({ drivers: 0, total: { amount: 0 } });
  }, 180_000);

  it("with the provider down a payout fails; the next run pays it once", async () => {
    const at = { lat: 37.6, lng: 126.9 };
    const driver = await onlineDriver(api, at);
    await capturedRide(driver, at);
    const owed = await eventually(
      async () => {
        const b = await balanceOf(driver.token);
        return b.owed.amount > 0 ? b.owed.amount : undefined;
      },
      "the settlement",
      30_000,
    );
    await setPaymentFault("down");
    try {
      const failed = await runPayouts();
      expect(failed.body).toMatchObject({ drivers: 0, failed: 1 });
    } finally {
      await setPaymentFault("ok");
    }
    expect(await balanceOf(driver.token)).toMatchObject({ owed: { amount: owed }, paid: { amount: 0 } });
    const listed = await api.request<{ items: Payout[] }>("GET", `/v1/ops/payouts?driverId=${driver.id}`, { token: ops });
    expect(listed.body.items).toMatchObject([{ status: "failed", amount: { amount: owed } }]);

    // The breaker may still be open from the outage: the next runs try again until the provider answers.
    await eventually(
      async () => {
        const run = (await runPayouts()).body;
        return run.drivers === 1 ? run : undefined;
      },
      "a run that pays the failed payout",
      20_000,
      1200,
    );
    expect(await balanceOf(driver.token)).toMatchObject({ owed: { amount: 0 }, paid: { amount: owed } });
    const paid = await api.request<{ items: Payout[] }>("GET", `/v1/ops/payouts?driverId=${driver.id}`, { token: ops });
    expect(paid.body.items).toMatchObject([{ id: listed.body.items[0]!.id, status: "succeeded" }]);
    expect((await runPayouts()).body).toMatchObject({ drivers: 0, total: { amount: 0 } });
  }, 180_000);

  it("the reference lists the payout endpoints", async () => {
    const doc = await api.request<{ paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>("GET", "/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/drivers/me/balance",
        "/v1/drivers/me/payouts",
        "/v1/ops/payouts",
        "/v1/ops/reports/commission",
        "/v1/ops/drivers/{id}/payout-account",
      ]),
    );
    expect(Object.keys(doc.body.components.schemas)).toEqual(expect.arrayContaining(["Balance", "Payout", "PayoutRun", "CommissionReport"]));
  });
});
