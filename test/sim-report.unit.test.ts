/** The simulator's report (bench/sim/report.ts, metrics.ts, window.ts, tally.ts): outcomes from timelines, figures, invariants. */
import { describe, expect, it } from "vitest";
import { cellWritesOf, summarizeMetrics } from "../bench/sim/metrics";
import { brokenInvariants, buildReport, factsOf, densestCellLoad, reportText, type RunFacts, type TimelineEvent } from "../bench/sim/report";
import { buildSchedule } from "../bench/sim/schedule";
import { Tally } from "../bench/sim/tally";
import { Window } from "../bench/sim/window";
import { percentile, summary } from "../bench/support/stats";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
const ev = (type: string, s: number, data: Record<string, unknown> = {}): TimelineEvent => ({ type, version: 0, occurredAt: at(s), data });

const run = (over: Partial<RunFacts> = {}): RunFacts => {
  const { settings, hash } = buildSchedule({
    seed: 1,
    rate: 1,
    minutes: 1,
    drivers: 5,
    riders: 8,
    reportS: 4,
    cancelShare: 0.1,
    declinedShare: 0.05,
    silentShare: 0,
    hotShare: 0.7,
    viewSample: 0.1,
  });
  return {
    hash,
    settings,
    baseUrl: "http://127.0.0.1:8787",
    startedAt: at(0),
    requestWindow: { fromMs: Date.parse(at(0)), toMs: Date.parse(at(60)) },
    drainS: 5,
    scheduled: 3,
    sent: 3,
    refused: { "503": 1 },
    acceptMs: [40, 60],
    rides: [
      factsOf(0, "rd_a", [ev("RideRequested", 1), ev("DriverAssigned", 3, { etaSeconds: 120 }), ev("TripStarted", 10), ev("RideCompleted", 20)]),
      factsOf(2, "rd_b", [ev("RideRequested", 5), ev("RideCancelled", 8, { by: "rider", reason: "changed my mind" })]),
    ],
    cancels: { asked: 1, cancelled: 1, tooLate: 0, failed: 0 },
    viewLagMs: [200, 400],
    viewLagTimeouts: 0,
    reports: { sent: 10, accepted: 10, refused: {} },
    drivers: { count: 5, online: 5, silent: 0, offersWhileSilent: 0, offersSilentPastFreshness: 0, freshnessS: 30 },
    errors: 0,
    metrics: null,
    notes: [],
    ...over,
  };
};

describe("a ride's facts from its timeline", () => {
  it("an unreadable timeline is unknown, not guessed", () => {
    expect(factsOf(0, "rd_x", null)).toMatchObject({ outcome: "unknown", dispatchMs: null });
  });

  it("reads every cancellation reason", () => {
    const cancelled = (by: string, reason: string) => factsOf(0, "rd", [ev("RideRequested", 0), ev("RideCancelled", 1, { by, reason })]).outcome;
    expect(cancelled("rider", "changed my mind")).toBe("cancelled_by_rider");
    expect(cancelled("system", "no_driver_available")).toBe("no_driver_available");
    expect(cancelled("system", "payment_declined")).toBe("payment_declined");
    expect(cancelled("ops", "fraud")).toBe("cancelled_other");
  });

  it("a ride still going is open, with the status of its last event", () => {
    expect(factsOf(0, "rd", [ev("RideRequested", 0), ev("DispatchStarted", 1)])).toMatchObject({ outcome: "open", openStatus: "dispatching" });
    expect(factsOf(0, "rd", [ev("RideRequested", 0), ev("DriverAssigned", 2), ev("PaymentAuthorized", 3)])).toMatchObject({
      outcome: "open",
      openStatus: "driver_assigned",
    });
  });

  it("dispatch time is RideRequested → the first DriverAssigned on the server's clock, with its ETA", () => {
    const f = factsOf(0, "rd", [ev("RideRequested", 1), ev("DriverAssigned", 4, { etaSeconds: 90 }), ev("DriverUnassigned", 6), ev("DriverAssigned", 9)]);
    expect(f.dispatchMs).toBe(3_000);
    expect(f.etaSeconds).toBe(90);
    expect(f.outcome).toBe("open");
  });
});

describe("the report", () => {
  it("adds up the outcomes, shares and figures, and keeps its invariants", () => {
    const r = buildReport(run());
    expect(r.requests).toMatchObject({ scheduled: 3, sent: 3, accepted: 2, refusedTotal: 1 });
    expect(r.outcomes).toMatchObject({ completed: 1, cancelled_by_rider: 1, open: 0, unknown: 0 });
    expect(r.servedShare).toBe(0.5);
    expect(r.servedShareOfServable).toBe(1);
    expect(r.dispatchMs).toMatchObject({ n: 1, p50: 2_000 });
    expect(r.pickupEtaS).toMatchObject({ n: 1, mean: 120 });
    expect(r.completedPerSecond).toBeCloseTo(1 / 60, 3);
    expect(r.viewLagMs).toMatchObject({ n: 2, p50: 200, p99: 400 });
    expect(r.reports.perSecond).toBe(0.2); // 10 over the 60 s of requests and the 5 s of drain
    expect(brokenInvariants(r)).toEqual([]);
    const text = reportText(r);
    expect(text).toContain(r.schedule.hash);
    expect(text).toMatch(/served +50\.0 %/);
  });

  it("names a ride not accounted for, an unanswered request, an unread timeline and an offer to a long-silent driver", () => {
    expect(brokenInvariants(buildReport(run({ sent: 4 })))).toEqual([expect.stringMatching(/4 requests sent but 2 accepted \+ 1 refused/)]);
    expect(brokenInvariants(buildReport(run({ rides: [factsOf(0, "rd", null)], sent: 2 })))).toEqual([expect.stringMatching(/could not be read/)]);
    const silent = run({ drivers: { count: 5, online: 5, silent: 1, offersWhileSilent: 2, offersSilentPastFreshness: 1, freshnessS: 30 } });
    expect(brokenInvariants(buildReport(silent))).toEqual([expect.stringMatching(/1 offers or assignments to drivers silent for longer than 30 s/)]);
  });

  it("with nothing accepted has no shares, not a division by zero", () => {
    const r = buildReport(run({ rides: [], sent: 1, refused: { "503": 1 }, acceptMs: [] }));
    expect(r.servedShare).toBeNull();
    expect(r.dispatchMs.p50).toBeNull();
    expect(brokenInvariants(r)).toEqual([]);
  });
});

describe("the metrics of GET /v1/dev/metrics", () => {
  const snapshot = (statements: number) => ({
    windowS: 120,
    hottest: {
      ride: [{ object: "RIDE:rd_1", total: 30, maxPerSecond: 6, meanPerSecond: 0.25 }],
      driver: [],
      cell: [{ object: "DISPATCH_CELL:wydm9", total: 900, maxPerSecond: 25, meanPerSecond: 7.5 }],
      district: [{ object: "DISPATCH_DISTRICT:wydm", total: 120, maxPerSecond: 4, meanPerSecond: 1 }],
    },
    d1: { PAYMENTS_DB: { statements, transactions: statements / 2, rows: statements, maxPerSecond: 3, meanPerSecond: 1 } },
    gateway: {},
    payment: null,
    elsewhere: "",
  });

  it("takes the hottest object of each kind and the D1 writes per second of the run", () => {
    const m = summarizeMetrics(snapshot(100), snapshot(700), 60)!;
    expect(m.hottest.ride).toEqual({ name: "RIDE:rd_1", perSecond: 6, meanPerSecond: 0.25, total: 30 });
    expect(m.hottest.driver).toBeNull();
    expect(m.hottest.cell?.perSecond).toBe(25);
    expect(m.hottest.district?.name).toBe("DISPATCH_DISTRICT:wydm");
    expect(m.d1WritesPerSecond).toBe(10);
    expect(m.d1TransactionsPerSecond).toBe(5);
    expect(m.d1Writes).toEqual({ PAYMENTS_DB: 600 });
  });

  it("is null for a system without the endpoint, and has no rates without a first snapshot", () => {
    expect(summarizeMetrics(null, { type: "about:blank", status: 404 }, 60)).toBeNull();
    expect(summarizeMetrics(null, snapshot(10), 60)?.d1WritesPerSecond).toBeNull();
  });
});

describe("windows, percentiles and the live counts", () => {
  it("percentiles are nearest-rank; an empty set has none", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
    expect(summary([3, 1, 2])).toMatchObject({ n: 3, p50: 2, max: 3 });
  });

  it("a window forgets what is older than its span", () => {
    const w = new Window(10_000);
    w.add(1_000, 900);
    w.add(5_000, 100);
    w.add(9_000, 500);
    expect(w.percentile(10_000, 50)).toBe(500);
    expect(w.count(12_000)).toBe(2);
    expect(w.percentile(16_000, 50)).toBe(500);
    expect(w.rate(30_000)).toBe(0);
  });

  it("counts each ride's first sighting once", () => {
    const t = new Tally();
    t.sent = 2;
    t.accepted("rd_1", 1_000, 50);
    t.assigned("rd_1", 3_000);
    t.assigned("rd_1", 4_000);
    t.ended("rd_1", "completed");
    t.ended("rd_1", "cancelled");
    t.accepted("rd_2", 2_000, 50);
    expect(t.assignedIds.size).toBe(1);
    expect(t.completed).toBe(1);
    expect(t.cancelled).toBe(0);
    expect(t.waiting()).toBe(1);
    expect(t.unsettled()).toBe(1);
    expect(t.dispatch.percentile(5_000, 50)).toBe(2_000);
    expect(t.line(5_000, 0)).toMatch(/requests 2 sent\/2 accepted\/0 refused \| waiting 1 \| assigned 1 \| completed 1/);
  });
});

describe("the densest cell against its writes", () => {
  it("reads every cell's writes from the gateway's counters", () => {
    expect(cellWritesOf({ gateway: { totals: { "cell-writes:wydm2": 7, "do:RIDE:get": 3 } } })).toEqual({ wydm2: 7 });
    expect(cellWritesOf(null)).toEqual({});
  });

  it("counts this run's writes alone: the counters run from the system's start, and another run may have gone before", () => {
    const before = { gateway: { totals: { "cell-writes:wydm2": 400 } } };
    const after = { gateway: { totals: { "cell-writes:wydm2": 450, "cell-writes:wydm3": 9 } } };
    expect(cellWritesOf(after, before)).toEqual({ wydm2: 50, wydm3: 9 });
  });

  it("takes the cell with the most reports made in it and sets its writes against them", () => {
    expect(densestCellLoad({ wydm2: 2400, wydm3: 10 }, { wydm2: 120, wydm3: 50 })).toEqual({ cell: "wydm2", reports: 2400, writes: 120, reportsPerWrite: 20 });
  });

  it("is empty without the development counters, and says so in the text", () => {
    expect(densestCellLoad({ wydm2: 1 }, null)).toBeNull();
    expect(densestCellLoad({ wydm2: 1 }, {})).toBeNull();
    expect(reportText(buildReport(run()))).toMatch(/densest cell {2}–/);
  });
});
