/**
 * Chaos: many rides through a flaky provider (30 % of calls fail, up to 200 ms of
 * latency), every queue message sent twice (CHAOS_DUPLICATE_DELIVERY), and a fifth of
 * the payment consumer's runs crashing mid-batch (CHAOS_CONSUMER_CRASH_RATE). After the
 * system drains, an invariant check over the Ride DOs and the ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import type { TestDriver } from "../support/drivers";
import { drive, onlineDriver, requestAndAccept, rideOf, type Ride } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";

const DRIVERS = 4;
const RIDES_PER_DRIVER = 5; // per driver: 3 completed, 1 cancelled after assignment, 1 declined card
let system: RunningSystem;
let api: Api;
let ops: string;

beforeAll(async () => {
  system = await startSystem({
    CHAOS_DUPLICATE_DELIVERY: "true",
    CHAOS_CONSUMER_CRASH_RATE: "0.2",
    PAYMENT_WATCHDOG_S: "3",
    BREAKER_COOLDOWN_S: "1",
    BREAKER_FAILURE_THRESHOLD: "5",
    DISPATCH_RETRY_S: "0.3",
  });
  api = new Api(system.baseUrl);
  ops = await api.token("ops-chaos", "ops");
  expect((await api.request("PUT", "/v1/dev/faults", { body: { payment: { mode: "flaky", failureRate: 0.3, latencyMs: 200 } } })).status).toBe(200);
});
afterAll(async () => system?.stop());

type Entry = { idempotencyKey: string; kind: string; amount: number; outcome: string };
type Timeline = { items: { type: string; version: number }[] };

describe("payments under chaos", () => {
  it("captures every completed ride once, voids every cancelled hold once, leaves no hold open, and earnings add up", async () => {
    const rides: { id: string; rider: string; intent: "complete" | "cancel" | "declined"; driver: TestDriver }[] = [];
    await Promise.all(
      Array.from({ length: DRIVERS }, async (_, d) => {
        const at = { lat: 36.1 + d * 0.2, lng: 128.1 };
        const driver = await onlineDriver(api, at);
        for (let i = 0; i < RIDES_PER_DRIVER; i++) {
          if (i === 4) {
            const rider = await api.token(uid("r"), "rider");
            const res = await api.request<Ride>("POST", "/v1/rides", {
              token: rider,
              body: { pickup: at, dropoff: { lat: at.lat + 0.02, lng: at.lng }, product: "standard", paymentMethod: "pm_card_chargeDeclined" },
            });
            expect(res.status).toBe(202);
            rides.push({ id: res.body.id, rider, intent: "declined", driver });
            continue;
          }
          const { rider, id } = await requestAndAccept(api, driver, at);
          if (i === 3) {
            const cancelled = await api.request<Ride>("POST", `/v1/rides/${id}/cancel`, { token: rider, body: { reason: "chaos" } });
            expect(cancelled.status).toBe(200);
            rides.push({ id, rider, intent: "cancel", driver });
          } else {
            await drive(api, driver, id);
            rides.push({ id, rider, intent: "complete", driver });
          }
        }
      }),
    );

    // drain: every ride reaches its end in every store the rider can see
    const settled = (r: Ride, intent: string) =>
      intent === "complete"
        ? r.status === "completed" && r.payment.status === "captured"
        : intent === "cancel"
          ? r.status === "cancelled" && r.payment.status === "voided"
          : r.status === "cancelled" && r.payment.status === "declined";
    let last = "";
    let stuck: string[] = [];
    await eventually(
      async () => {
        const now = await Promise.all(rides.map(async (x) => ({ x, r: await rideOf(api, x.rider, x.id) })));
        const unsettled = now.filter(({ x, r }) => !settled(r, x.intent));
        stuck = unsettled.map(({ x }) => x.id);
        last = unsettled.map(({ x, r }) => `${x.intent}:${r.status}/${r.payment.status}`).join(", ");
        return last === "" ? true : undefined;
      },
      "the system to drain",
      150_000,
      1000,
    ).catch(async (e: unknown) => {
      // For whoever reads the CI log: what the ledger and the system said about the stuck rides.
      const ledgers = await Promise.all(
        stuck.map(async (id) => `${id}: ${JSON.stringify((await api.request("GET", `/v1/ops/rides/${id}/payments`, { token: ops })).body)}`),
      );
      const lines = system.logs
        .join("")
        .split("\n")
        .filter((l) => stuck.some((id) => l.includes(id)) || l.includes("circuit breaker"))
        .slice(-60);
      throw new Error(`${String(e)}; unsettled: ${last}\nledgers:\n${ledgers.join("\n")}\nlogs:\n${lines.join("\n")}`);
    });

    let capturedFares = 0;
    let expectedEarnings = 0;
    for (const x of rides) {
      const ride = await rideOf(api, x.rider, x.id);
      const ledger = (await api.request<{ items: Entry[] }>("GET", `/v1/ops/rides/${x.id}/payments`, { token: ops })).body.items;
      const ok = (kind: string) => ledger.filter((e) => e.kind === kind && e.outcome === "succeeded");
      const keys = ledger.map((e) => e.idempotencyKey);
      expect(new Set(keys).size, `${x.id}: a key recorded twice`).toBe(keys.length);
      if (ok("authorize").length > 0) expect(ok("capture").length + ok("void").length, `${x.id}: hold left open`).toBe(1);
      const timeline = (await api.request<Timeline>("GET", `/v1/rides/${x.id}/events`, { token: x.rider })).body.items;
      // One version per change: from 1, each event's the same as the one before or the next.
      const versions = timeline.map((e) => e.version);
      expect(versions[0]).toBe(1);
      expect(
        versions.slice(1).every((v, i) => v - versions[i]! <= 1 && v >= versions[i]!),
        `${x.id}: versions ${versions.join(",")}`,
      ).toBe(true);
      expect(versions.at(-1)).toBe(ride.version);
      const count = (type: string) => timeline.filter((e) => e.type === type).length;
      if (x.intent === "complete") {
        expect(ok("capture"), `${x.id}: captures`).toHaveLength(1);
        expect(ok("void")).toHaveLength(0);
        expect(ok("capture")[0]!.amount).toBe(ride.fare!.amount);
        expect(count("PaymentCaptured")).toBe(1);
        capturedFares += ride.fare!.amount;
        expectedEarnings += ride.fare!.amount - Math.round(ride.fare!.amount * 0.2);
      } else if (x.intent === "cancel") {
        expect(ok("void"), `${x.id}: voids`).toHaveLength(1);
        expect(ok("capture")).toHaveLength(0);
        expect(count("PaymentVoided")).toBe(1);
      } else {
        expect(ok("authorize")).toHaveLength(0);
        expect(ok("capture")).toHaveLength(0);
        expect(ride.cancellation).toEqual({ by: "system", reason: "payment_declined" });
      }
    }

    const drivers = [...new Set(rides.map((x) => x.driver))];
    let listed: string[] = [];
    const totals = await eventually(
      async () => {
        const all = await Promise.all(
          drivers.map(
            async (d) =>
              (await api.request<{ items: { rideId: string }[]; total: { amount: number } }>("GET", "/v1/drivers/me/earnings?limit=100", { token: d.token }))
                .body,
          ),
        );
        listed = all.flatMap((e) => e.items.map((i) => i.rideId));
        return listed.length === rides.filter((x) => x.intent === "complete").length ? all : undefined;
      },
      "the earnings views",
      60_000,
      500,
    ).catch((e: unknown) => {
      const missing = rides.filter((x) => x.intent === "complete" && !listed.includes(x.id)).map((x) => x.id);
      const lines = system.logs
        .join("")
        .split("\n")
        .filter((l) => missing.some((id) => l.includes(id)) || /projection failed|rides-views.*(error|Error)/.test(l))
        .slice(-60);
      throw new Error(`${String(e)}; no earnings for ${missing.join(", ")}\nlogs:\n${lines.join("\n")}`);
    });
    expect(totals.reduce((s, e) => s + e.total.amount, 0)).toBe(expectedEarnings);
    expect(capturedFares).toBeGreaterThan(expectedEarnings);
    console.log(`chaos: ${rides.length} rides drained; captured ${capturedFares} KRW, drivers earned ${expectedEarnings} KRW`);
  }, 300_000);
});
