/**
 * Payments over HTTP against the running local system: rides go on while the
 * provider is down and complete on their own when it is back; a refused capture waits
 * for an operator; cancellation voids the hold after releasing the driver; drivers see
 * their earnings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { drive, onlineDriver, requestAndAccept, rideOf, waitForRide } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";

let system: RunningSystem;
let api: Api;
let ops: string;

beforeAll(async () => {
  system = await startSystem({ PAYMENT_WATCHDOG_S: "3", BREAKER_COOLDOWN_S: "1", BREAKER_FAILURE_THRESHOLD: "3", DISPATCH_RETRY_S: "0.3" });
  api = new Api(system.baseUrl);
  ops = await api.token("ops-1", "ops");
});
afterAll(async () => {
  // The system is stopped whatever the fault reset does (a system that died answers nothing).
  try {
    await api?.request("PUT", "/v1/dev/faults", { body: { payment: { mode: "ok" } } });
  } finally {
    await system?.stop();
  }
});

let n = 0;
const spot = () => ({ lat: 34.0 + ++n * 0.2, lng: 127.0 });
const faults = (payment: Record<string, unknown>) => api.request("PUT", "/v1/dev/faults", { body: { payment } });
type Stats = {
  openPaymentProblems: { rideId: string }[];
  payments: { breaker: { mode: string }; provider: string };
  dispatchTimeMs: { count: number; p50: number | null };
};

describe("fault injection", () => {
  it("takes the contract's modes and refuses anything else with 400", async () => {
    expect((await faults({ mode: "flaky", failureRate: 0.3, latencyMs: 100 })).status).toBe(200);
    expect((await faults({ mode: "sideways" })).status).toBe(400);
    expect((await faults({ mode: "flaky", failureRate: 2 })).status).toBe(400);
    expect((await faults({ mode: "ok" })).status).toBe(200);
  });
});

describe("the provider down", () => {
  it("a ride is requested, assigned, started and completed; it waits in payment_pending and completes by itself once the provider is back", async () => {
    expect((await faults({ mode: "down" })).status).toBe(200);
    const at = spot();
    const driver = await onlineDriver(api, at);
    const { rider, id } = await requestAndAccept(api, driver, at);
    await drive(api, driver, id);
    const waiting = await rideOf(api, rider, id);
    expect(waiting.status).toBe("payment_pending");
    expect(waiting.payment.status).toBe("pending");
    // the breaker has opened, and the ops page says so
    const open = await eventually(
      async () => {
        const s = (await api.request<Stats>("GET", "/v1/ops/stats", { token: ops })).body;
        return s.payments.breaker.mode !== "closed" ? s : undefined;
      },
      "the breaker to open",
      20_000,
      300,
    );
    expect(open.payments.provider).toBe("simulated");
    // another rider is served meanwhile
    const other = await requestAndAccept(api, driver, at);
    expect((await rideOf(api, other.rider, other.id)).status).toBe("driver_assigned");

    expect((await faults({ mode: "ok" })).status).toBe(200);
    const done = await waitForRide(api, rider, id, (r) => r.status === "completed", "the ride to complete", 40_000);
    expect(done.payment.status).toBe("captured");
    const ledger = (await api.request<{ items: { kind: string; outcome: string }[] }>("GET", `/v1/ops/rides/${id}/payments`, { token: ops })).body.items;
    expect(ledger.filter((e) => e.kind === "capture" && e.outcome === "succeeded")).toHaveLength(1);
    expect(ledger.filter((e) => e.kind === "authorize")).toHaveLength(1);
  });
});

describe("a capture refused for good", () => {
  it("leaves the ride payment_pending with payment failed, listed as an open problem, until an operator retries it", async () => {
    const at = spot();
    const driver = await onlineDriver(api, at);
    const { rider, id } = await requestAndAccept(api, driver, at);
    await waitForRide(api, rider, id, (r) => r.payment.status === "authorized", "the hold");
    expect((await faults({ mode: "ok", declineCaptures: true })).status).toBe(200);
    await drive(api, driver, id);
    const failed = await waitForRide(api, rider, id, (r) => r.payment.status === "failed", "the capture to fail");
    expect(failed.status).toBe("payment_pending");
    await eventually(async () => {
      const s = (await api.request<Stats>("GET", "/v1/ops/stats", { token: ops })).body;
      return s.openPaymentProblems.some((p) => p.rideId === id) ? true : undefined;
    }, "the open problem in ops stats");

    expect((await faults({ mode: "ok" })).status).toBe(200);
    const rider403 = await api.request("POST", `/v1/ops/rides/${id}/retry-payment`, { token: rider });
    expect(rider403.status).toBe(403);
    const retry = await api.request<{ payment: { status: string } }>("POST", `/v1/ops/rides/${id}/retry-payment`, { token: ops });
    expect(retry.status).toBe(202);
    const done = await waitForRide(api, rider, id, (r) => r.status === "completed", "the retried capture");
    expect(done.payment.status).toBe("captured");
    const again = await api.request<{ code: string }>("POST", `/v1/ops/rides/${id}/retry-payment`, { token: ops });
    expect(again.status).toBe(409);
    await eventually(async () => {
      const s = (await api.request<Stats>("GET", "/v1/ops/stats", { token: ops })).body;
      return s.openPaymentProblems.some((p) => p.rideId === id) ? undefined : true;
    }, "the problem to leave the list");
  });
});

describe("settlement", () => {
  it("a driver's earnings list each captured fare split into earning and commission", async () => {
    const at = spot();
    const driver = await onlineDriver(api, at);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { rider, id } = await requestAndAccept(api, driver, at);
      await drive(api, driver, id);
      await waitForRide(api, rider, id, (r) => r.status === "completed", "completion");
      ids.push(id);
    }
    type Earnings = {
      items: { rideId: string; fare: { amount: number }; commission: { amount: number }; earning: { amount: number } }[];
      total: { amount: number };
      nextCursor: string | null;
    };
    const earnings = await eventually(async () => {
      const e = (await api.request<Earnings>("GET", "/v1/drivers/me/earnings", { token: driver.token })).body;
      return e.items.length === 2 ? e : undefined;
    }, "the earnings view");
    expect(earnings.items.map((i) => i.rideId).sort()).toEqual([...ids].sort());
    for (const item of earnings.items) {
      expect(item.commission.amount).toBe(Math.round(item.fare.amount * 0.2));
      expect(item.earning.amount + item.commission.amount).toBe(item.fare.amount);
    }
    expect(earnings.total.amount).toBe(earnings.items.reduce((s, i) => s + i.earning.amount, 0));
    const page = (await api.request<Earnings>("GET", "/v1/drivers/me/earnings?limit=1", { token: driver.token })).body;
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const stats = (await api.request<Stats>("GET", "/v1/ops/stats", { token: ops })).body;
    expect(stats.dispatchTimeMs.count).toBeGreaterThan(0);
    expect(stats.dispatchTimeMs.p50).toBeGreaterThan(0);
    expect((await api.request("GET", "/v1/ops/stats", { token: await api.token(uid("r"), "rider") })).status).toBe(403);
  });
});
