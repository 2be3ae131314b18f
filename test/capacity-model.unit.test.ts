import { describe, expect, it } from "vitest";
import { capacity, SEOUL_PEAK, servedPeak } from "../bench/support/capacity.ts";

const perRide = {
  "gateway/queue:sent:ride-events": 7,
  "gateway/queue:sent:payments": 2,
  "views/d1:VIEWS_DB:statements": 10,
  "views/d1:VIEWS_DB:ms": 2,
  "notification/d1:VIEWS_DB:readMs": 0.5,
  "payment/d1:LEDGER_DB:statements": 3,
  "payment/do:PAYMENT_BREAKER:acquire": 0.5,
  "gateway/do:DISPATCH_CELL:nearby": 4,
  "gateway/do:DISPATCH_CELL:upsert": 1,
  "gateway/do:DRIVER:reserve": 1,
  "gateway/do:DISPATCH_DISTRICT:supply": 1,
};
const perReport = { "gateway/do:DRIVER:updateLocation": 1, "gateway/do:OPS_FEED:driverMoved": 0.1 };

describe("the capacity model", () => {
  const { loads, first } = capacity(perRide, perReport, SEOUL_PEAK);
  const named = (prefix: string) => loads.find((l) => l.component.startsWith(prefix))!;

  it("queues carry their messages per ride times the ride rate", () => {
    expect(named("queue ride-events")).toMatchObject({ perSecond: 700, limit: 5000, share: 0.14, ridesAtHalf: 2500 / 7 });
  });

  it("a D1 database is loaded by its measured busy time (writes, and reads alone) where there is one, else by its statements as 1 ms queries", () => {
    expect(named("D1 VIEWS_DB")).toMatchObject({ perRide: 2.5, perSecond: 250 });
    expect(named("D1 LEDGER_DB")).toMatchObject({ perRide: 3, perSecond: 300 });
  });

  it("the densest cell carries its drivers' lease renewals and cell changes, and its share of the rides' cell calls", () => {
    const cell = named("object DISPATCH_CELL");
    expect(cell.base).toBeCloseTo(7000 * (1 / 120 + 1 / 600));
    expect(cell.perRide).toBeCloseTo(5 * 0.1);
  });

  it("the busiest district carries its cells' telling of their supply and its share of the rides' district calls", () => {
    const district = named("object DISPATCH_DISTRICT");
    expect(district.base).toBeCloseTo((32 * 5) / 120);
    expect(district.perRide).toBeCloseTo(1 * 0.5);
  });

  it("the operators' feed takes positions up to its cap, whatever the drivers report", () => {
    expect(named("object OPS_FEED").base).toBe(200);
  });

  it("names the first limit reached and the ride rate served with everything under half its limit", () => {
    expect(first.share).toBe(Math.max(...loads.map((l) => l.share)));
    const served = servedPeak(loads);
    expect(served.ridesPerS).toBe(Math.min(...loads.map((l) => l.ridesAtHalf)));
    expect(served.limitedBy).toBe(loads.find((l) => l.ridesAtHalf === served.ridesPerS)!.component);
  });
});
