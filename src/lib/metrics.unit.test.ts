import { afterEach, describe, expect, it } from "vitest";
import { bindingOf, count, meterEnv, metrics, metricsOn, MetricsRegistry } from "./metrics";

const T0 = Date.UTC(2026, 11, 1, 6, 0, 0);
const at = (s: number) => T0 + s * 1000;

describe("MetricsRegistry", () => {
  it("starts empty: no totals, no hottest objects, zero rates", () => {
    const r = new MetricsRegistry(120);
    expect(r.snapshot(T0)).toEqual({ windowS: 120, totals: {}, hottest: {}, rates: {} });
    expect(r.total("queue:sent:payments")).toBe(0);
    expect(r.rate("do:RIDE:rd_1:get", T0)).toEqual({ maxPerSecond: 0, meanPerSecond: 0 });
  });

  it("sums object calls per binding and method, and ranks objects by their busiest second", () => {
    const r = new MetricsRegistry(10);
    for (let i = 0; i < 4; i++) r.count("do:DISPATCH_CELL:wydm2:upsert", 1, at(1));
    r.count("do:DISPATCH_CELL:wydm2:nearby", 1, at(2));
    r.count("do:DISPATCH_CELL:wydm3:upsert", 2, at(2));
    r.count("do:RIDE:rd_1:get", 1, at(3));
    const snap = r.snapshot(at(3));
    expect(snap.totals).toEqual({ "do:DISPATCH_CELL:nearby": 1, "do:DISPATCH_CELL:upsert": 6, "do:RIDE:get": 1 });
    expect(snap.hottest.DISPATCH_CELL).toEqual([
      { object: "DISPATCH_CELL:wydm2", total: 5, maxPerSecond: 4, meanPerSecond: 0.5 },
      { object: "DISPATCH_CELL:wydm3", total: 2, maxPerSecond: 2, meanPerSecond: 0.2 },
    ]);
    expect(snap.hottest.RIDE).toEqual([{ object: "RIDE:rd_1", total: 1, maxPerSecond: 1, meanPerSecond: 0.1 }]);
  });

  it("keeps only the window in the rates, while totals keep counting", () => {
    const r = new MetricsRegistry(10);
    r.count("queue:sent:ride-events", 5, at(0));
    r.count("queue:sent:ride-events", 1, at(20));
    expect(r.total("queue:sent:ride-events")).toBe(6);
    expect(r.rate("queue:sent:ride-events", at(20))).toEqual({ maxPerSecond: 1, meanPerSecond: 0.1 });
    expect(r.snapshot(at(20)).rates["queue:sent:ride-events"]).toEqual({ maxPerSecond: 1, meanPerSecond: 0.1 });
    // An object idle for the whole window is no longer among the hottest.
    r.count("do:RIDE:rd_old:get", 1, at(0));
    expect(r.snapshot(at(30)).hottest.RIDE).toBeUndefined();
    expect(r.snapshot(at(30)).totals["do:RIDE:get"]).toBe(1);
  });

  it("lists at most `top` objects per binding", () => {
    const r = new MetricsRegistry(10);
    for (let i = 0; i < 8; i++) r.count(`do:DRIVER:dr_${i}:locate`, i + 1, at(1));
    const list = r.snapshot(at(1), 3).hottest.DRIVER!;
    expect(list.map((o) => o.object)).toEqual(["DRIVER:dr_7", "DRIVER:dr_6", "DRIVER:dr_5"]);
  });

  it("does not grow without bound: idle per-object series are dropped, their totals kept", () => {
    const r = new MetricsRegistry(5);
    for (let i = 0; i < 6_000; i++) r.count(`do:RIDE:rd_${i}:get`, 1, at(i < 5_000 ? 0 : 100));
    const snap = r.snapshot(at(100), 10_000);
    expect(snap.totals["do:RIDE:get"]).toBe(6_000);
    expect(snap.hottest.RIDE!.length).toBeLessThanOrEqual(1_000);
  });
});

describe("the development gate", () => {
  afterEach(() => metrics.reset());

  it("counts nothing until a development environment is seen, then labels namespaces by binding", () => {
    const production = { ENVIRONMENT: "production", RIDE: { idFromName: () => "x" } };
    meterEnv(production);
    count("alarm:ride");
    expect(metricsOn()).toBe(false);
    expect(metrics.total("alarm:ride")).toBe(0);
    expect(bindingOf(production.RIDE)).toBe("OBJECT");

    const ns = { idFromName: () => "x" };
    meterEnv({ ENVIRONMENT: "development", DISPATCH_CELL: ns, JWT_SECRET: "s" });
    count("alarm:ride");
    expect(metricsOn()).toBe(true);
    expect(metrics.total("alarm:ride")).toBe(1);
    expect(bindingOf(ns)).toBe("DISPATCH_CELL");
  });
});
