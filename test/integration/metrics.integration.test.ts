/**
 * The development counters inside workerd: a ride's object calls (made through the stubs
 * module), its alarms and its outbox sends are counted, and GET /v1/dev/metrics answers them
 * (and is absent outside development).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/lib/problem";
import { meterEnv, metrics } from "../../src/lib/metrics";
import gateway from "../../workers/gateway/index";
import { rideInProgress, testEnv } from "./helpers";

async function devMetrics(env: Env) {
  const ctx = createExecutionContext();
  const res = await gateway.fetch(new Request("http://gateway.test/v1/dev/metrics"), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

type MetricsBody = {
  hottest: { ride: { object: string }[]; cell: { object: string; maxPerSecond: number }[]; driver: { object: string }[] };
  gateway: { totals: Record<string, number> };
  payment: { totals: Record<string, number> } | null;
};

describe("development metrics", () => {
  it("GET /v1/dev/metrics is absent outside development", async () => {
    const res = await devMetrics({ ...testEnv, ENVIRONMENT: "production" } as Env);
    expect(res.status).toBe(404);
  });

  it("answers the gateway's counters, with the payment worker's null, when the payment worker does not answer (DEV_GATEWAY_ONLY=1)", async () => {
    meterEnv(testEnv);
    const down = { metrics: () => Promise.reject(new Error("no such service")) };
    const res = await devMetrics({ ...testEnv, PAYMENTS: down } as unknown as Env);
    expect(res.status).toBe(200);
    const body = (await res.json()) as MetricsBody;
    expect(body.payment).toBeNull();
    expect(body.gateway.totals).toEqual(expect.any(Object));
  });

  it("count a ride's object calls, alarms and queue messages, and answer them by object", async () => {
    meterEnv(testEnv);
    const before = metrics.snapshot().totals;
    const moved = (key: string) => metrics.total(key) - (before[key] ?? 0);

    const { stub, ride, driver } = await rideInProgress();
    unwrap(await stub.advance(driver.id, "complete", { distanceMeters: 4000, durationSeconds: 600 }, "req"));

    // The driver listed itself in its cell, the ride searched cells and offered the driver.
    expect(moved("do:DISPATCH_CELL:upsert")).toBeGreaterThanOrEqual(1);
    expect(moved("do:DISPATCH_CELL:search")).toBeGreaterThanOrEqual(1);
    expect(moved("do:DRIVER:offer") + moved("do:DRIVER:reserve")).toBeGreaterThanOrEqual(1);
    // The ride's alarm ran its dispatch round (its relays ran right after its commits).
    expect(moved("alarm:ride")).toBeGreaterThanOrEqual(1);
    expect(moved("queue:sent:ride-events")).toBeGreaterThanOrEqual(1);
    expect(moved("queue:sent:payments")).toBeGreaterThanOrEqual(1);

    const res = await devMetrics(testEnv as unknown as Env);
    expect(res.status).toBe(200);
    const body = (await res.json()) as MetricsBody;
    expect(body.gateway.totals["do:DISPATCH_CELL:search"]).toBe(metrics.total("do:DISPATCH_CELL:search"));
    expect(body.hottest.cell.length).toBeGreaterThanOrEqual(1);
    expect(body.hottest.cell[0]!.maxPerSecond).toBeGreaterThanOrEqual(1);
    expect(body.hottest.driver.map((d) => d.object)).toContain(`DRIVER:${driver.id}`);
    expect(ride.id).toMatch(/^rd_/);
  });
});
