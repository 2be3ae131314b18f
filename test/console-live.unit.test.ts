/** The console's pure parts: the live state folded from socket messages, the table merge, the map's projection, the routes. */
import { describe, expect, it } from "vitest";
import {
  apply,
  applyAll,
  EMPTY,
  liveDriverStatus,
  mergeRides,
  parseMessage,
  rowOf,
  SEEN_LIMIT,
  STATS_SAMPLES,
  type LiveState,
} from "../web/console/live-state";
import { BOUNDS, grid, HEIGHT, inArea, OUTLINE, project, RIVER, WIDTH } from "../web/console/geo";
import { parseRoute } from "../web/console/router";
import type { Stats } from "../web/console/types";
import { at, testDriver, testRide } from "../src/ops-feed/fixtures";

const ride = testRide;
const driver = testDriver;
const stats = (open: number): Stats => ({
  ridesByStatus: { dispatching: open },
  dispatchTimeMs: { count: 1, p50: 100, p90: 200, p99: 300 },
  openPaymentProblems: [],
  openDues: { amount: 0, currency: "KRW", riders: 0 },
  deadLetters: { views: 0, notifications: 0 },
});

describe("live state", () => {
  it("ignores frames it does not know, and a message of an unknown type", () => {
    expect(parseMessage("pong")).toBeNull();
    expect(parseMessage("{not json")).toBeNull();
    expect(parseMessage('{"type":"hello"}')).toBeNull();
    expect(parseMessage('{"type":"ride","ride":{}}')).toMatchObject({ type: "ride" });
    const unknown = { type: "other" } as unknown as Parameters<typeof apply>[1];
    expect(apply(EMPTY, unknown)).toBe(EMPTY);
  });

  it("never lets an older ride message undo a newer one", () => {
    let s = apply(EMPTY, { type: "ride", ride: ride("a", { status: "driver_assigned", version: 3 }) });
    s = apply(s, { type: "ride", ride: ride("a", { status: "dispatching", version: 2 }) });
    expect(s.rides.get("a")?.status).toBe("driver_assigned");
    expect(s.seen.get("a")?.version).toBe(3);
  });

  it("drops a ride from the map on its last change but remembers it for the tables", () => {
    let s = apply(EMPTY, { type: "ride", ride: ride("a") });
    expect(s.rides.has("a")).toBe(true);
    s = apply(s, { type: "ride", ride: ride("a", { status: "cancelled", version: 2 }) });
    expect(s.rides.has("a")).toBe(false);
    expect(s.seen.get("a")?.status).toBe("cancelled");
    // A late "open" message of an older version does not bring it back.
    s = apply(s, { type: "ride", ride: ride("a", { version: 1 }) });
    expect(s.rides.has("a")).toBe(false);
  });

  it("a batch folds as its messages one by one would, in order, and a batch of nothing known is the same state", () => {
    const batch = [
      { type: "snapshot" as const, rides: [ride("a", { version: 1 })], drivers: [driver("d1"), driver("d2", { status: "offline" })], at: at(0) },
      { type: "ride" as const, ride: ride("a", { status: "driver_assigned", version: 2 }) },
      { type: "ride" as const, ride: ride("a", { version: 1 }) },
      { type: "driver" as const, driver: driver("d1", { status: "offline", updatedAt: at(9) }) },
      { type: "stats" as const, at: at(3), stats: stats(1) },
      { type: "ride" as const, ride: ride("b", { status: "cancelled", version: 4 }) },
    ];
    const oneByOne = batch.reduce<LiveState>((s, m) => apply(s, m), EMPTY);
    expect(applyAll(EMPTY, batch)).toEqual(oneByOne);
    expect(oneByOne.rides.get("a")?.status).toBe("driver_assigned");
    expect(liveDriverStatus(oneByOne, "d1")).toBe("offline");
    expect(applyAll(oneByOne, [])).toBe(oneByOne);
  });

  it("keeps what the last snapshot cut, so the map's counts read as a part, not a total", () => {
    const cut = apply(EMPTY, { type: "snapshot", at: at(0), rides: [], drivers: [driver("d1")], truncated: ["drivers"] });
    expect(cut.truncated).toEqual(["drivers"]);
    expect(apply(cut, { type: "driver", driver: driver("d2") }).truncated, "a delta keeps it").toEqual(["drivers"]);
    expect(apply(cut, { type: "snapshot", at: at(1), rides: [], drivers: [] }).truncated).toEqual([]);
  });

  it("drops an offline driver and keeps a driver's newest marker", () => {
    let s = apply(EMPTY, { type: "driver", driver: driver("d", { status: "on_trip", updatedAt: at(5) }) });
    s = apply(s, { type: "driver", driver: driver("d", { status: "available", updatedAt: at(4) }) });
    expect(s.drivers.get("d")?.status).toBe("on_trip");
    s = apply(s, { type: "driver", driver: driver("d", { status: "offline", updatedAt: at(6) }) });
    expect(s.drivers.has("d")).toBe(false);
    // Off the map, but a table that lists them reads them offline, not the list's older status.
    expect(liveDriverStatus(s, "d")).toBe("offline");
    s = apply(s, { type: "driver", driver: driver("d", { status: "available", updatedAt: at(5.5) }) });
    expect(liveDriverStatus(s, "d"), "an older marker arriving late changes nothing").toBe("offline");
    s = apply(s, { type: "driver", driver: driver("d", { status: "available", updatedAt: at(7) }) });
    expect([liveDriverStatus(s, "d"), s.offline.has("d")]).toEqual(["available", false]);
    expect(liveDriverStatus(s, "never-heard")).toBeUndefined();
  });

  it("replaces the map with a snapshot, leaving out closed rides and offline drivers", () => {
    const before = apply(EMPTY, { type: "ride", ride: ride("gone") });
    const s = apply(before, {
      type: "snapshot",
      at: at(9),
      rides: [ride("a"), ride("b", { status: "completed" })],
      drivers: [driver("d1"), driver("d2", { status: "offline" })],
    });
    expect([...s.rides.keys()]).toEqual(["a"]);
    expect([...s.drivers.keys()]).toEqual(["d1"]);
  });

  it("counts the snapshots (one a reconnect), so pages showing rows the socket may have missed load them again", () => {
    const first = apply(EMPTY, { type: "snapshot", at: at(0), rides: [ride("a")], drivers: [] });
    const news = applyAll(first, [
      { type: "ride", ride: ride("a", { version: 2 }) },
      { type: "stats", at: at(1), stats: stats(1) },
    ]);
    expect([first.snapshots, news.snapshots]).toEqual([1, 1]);
    // Reconnected: the ride ended meanwhile is in no snapshot, but the count moves.
    const again = applyAll(news, [{ type: "snapshot", at: at(2), rides: [], drivers: [] }]);
    expect(again.snapshots).toBe(2);
  });

  it("forgets an open ride a whole snapshot does not list (it ended while the socket was down), so no table shows it open; a cut snapshot forgets nothing", () => {
    const heard = applyAll(EMPTY, [
      { type: "snapshot", at: at(0), rides: [ride("a"), ride("b")], drivers: [] },
      { type: "ride", ride: ride("c", { status: "completed", version: 5 }) },
    ]);
    const cut = apply(heard, { type: "snapshot", at: at(2), rides: [ride("b", { version: 2 })], drivers: [], truncated: ["rides"] });
    expect([...cut.seen.keys()].sort()).toEqual(["a", "b", "c"]);
    const again = apply(heard, { type: "snapshot", at: at(2), rides: [ride("b", { version: 2 })], drivers: [] });
    expect([...again.seen.keys()].sort()).toEqual(["b", "c"]);
    expect(again.seen.get("c")?.status).toBe("completed");
    // The list, loaded again after the reconnect, has no ride dispatching any more: the table shows none either.
    expect(mergeRides([], again.seen, { status: "dispatching", firstPage: true }).map((r) => r.id)).toEqual(["b"]);
    // A list not loaded (failed, or on its way) is no list: the rides heard of are not shown as one.
    expect(mergeRides(null, again.seen, { firstPage: true })).toEqual([]);
    expect(
      mergeRides([], heard.seen, { status: "dispatching", firstPage: true })
        .map((r) => r.id)
        .sort(),
      "before the reconnect",
    ).toEqual(["a", "b"]);
  });

  it("keeps the last STATS_SAMPLES stats and at most SEEN_LIMIT rides", () => {
    let s: LiveState = EMPTY;
    for (let i = 0; i < STATS_SAMPLES + 5; i++) s = apply(s, { type: "stats", at: at(i), stats: stats(i) });
    expect(s.stats).toHaveLength(STATS_SAMPLES);
    expect(s.stats[STATS_SAMPLES - 1]?.stats.ridesByStatus.dispatching).toBe(STATS_SAMPLES + 4);
    for (let i = 0; i < SEEN_LIMIT + 3; i++) s = apply(s, { type: "ride", ride: ride(`r${i}`) });
    expect(s.seen.size).toBe(SEEN_LIMIT);
    expect(s.seen.has("r0")).toBe(false);
  });
});

describe("rides table merge", () => {
  const rows = [rowOf(ride("b", { createdAt: at(10) })), rowOf(ride("a", { createdAt: at(5) }))];

  it("puts rides created since the newest row first, on the first page only", () => {
    let s = apply(EMPTY, { type: "ride", ride: ride("new", { createdAt: at(20) }) });
    s = apply(s, { type: "ride", ride: ride("old", { createdAt: at(1) }) });
    expect(mergeRides(rows, s.seen, { firstPage: true }).map((r) => r.id)).toEqual(["new", "b", "a"]);
    expect(mergeRides(rows, s.seen, { firstPage: false }).map((r) => r.id)).toEqual(["b", "a"]);
  });

  it("updates a row from a newer marker only, and applies the status filter", () => {
    let s = apply(EMPTY, { type: "ride", ride: ride("a", { createdAt: at(5), status: "driver_assigned", driverId: "d1", version: 4 }) });
    const merged = mergeRides(rows, s.seen, { firstPage: true });
    expect(merged.find((r) => r.id === "a")).toMatchObject({ status: "driver_assigned", driverId: "d1", version: 4 });
    expect(mergeRides(rows, s.seen, { firstPage: true, status: "dispatching" }).map((r) => r.id)).toEqual(["b"]);
    s = apply(EMPTY, { type: "ride", ride: ride("b", { createdAt: at(10), status: "requested", version: 0 }) });
    expect(mergeRides(rows, s.seen, { firstPage: true })[0]?.status).toBe("dispatching");
  });

  it("reads the driver of an API ride and of a marker alike", () => {
    expect(rowOf(ride("m", { driverId: "d9" })).driverId).toBe("d9");
    const api = { ...ride("x"), driver: { id: "d7", name: "n", vehicle: { plate: "p", model: "m" }, location: null } } as unknown as Parameters<
      typeof rowOf
    >[0];
    expect(rowOf(api).driverId).toBe("d7");
  });
});

describe("map geometry", () => {
  it("projects the corners of the service area onto the corners of the map", () => {
    expect(project({ lat: BOUNDS.north, lng: BOUNDS.west })).toEqual({ x: 0, y: 0 });
    expect(project({ lat: BOUNDS.south, lng: BOUNDS.east })).toEqual({ x: WIDTH, y: HEIGHT });
    // A kilometre is as long north-south as east-west: Seoul's box is wider than high.
    expect(HEIGHT).toBeGreaterThan(850);
    expect(HEIGHT).toBeLessThan(950);
  });

  it("keeps City Hall north of the river at Yeouido's longitude and Gangnam south-east of it", () => {
    const cityHall = project({ lat: 37.5663, lng: 126.9779 });
    const gangnam = project({ lat: 37.4979, lng: 127.0276 });
    expect(gangnam.x).toBeGreaterThan(cityHall.x);
    expect(gangnam.y).toBeGreaterThan(cityHall.y);
    expect(inArea({ lat: 37.5663, lng: 126.9779 })).toBe(true);
    expect(inArea({ lat: 35.1, lng: 129.0 })).toBe(false);
  });

  it("draws a closed outline, an open river and a labelled grid", () => {
    expect(OUTLINE).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+Z$/);
    expect(RIVER).toMatch(/^M[-\d.]+,[-\d.]+(L[-\d.]+,[-\d.]+)+$/);
    const g = grid();
    expect(g.lat.map((l) => l.label)).toEqual(["37.45°N", "37.50°N", "37.55°N", "37.60°N", "37.65°N", "37.70°N"]);
    expect(g.lng[0]?.label).toBe("126.80°E");
    expect(g.lng.at(-1)?.label).toBe("127.15°E");
  });
});

describe("console routes", () => {
  it("maps paths under /console to pages, anything else to not-found", () => {
    expect(parseRoute("/console")).toEqual({ page: "map" });
    expect(parseRoute("/console/")).toEqual({ page: "map" });
    expect(parseRoute("/console/rides")).toEqual({ page: "rides" });
    expect(parseRoute("/console/rides/rd_1")).toEqual({ page: "ride", id: "rd_1" });
    expect(parseRoute("/console/health")).toEqual({ page: "health" });
    expect(parseRoute("/console/drivers/x")).toEqual({ page: "not-found", path: "/console/drivers/x" });
    // A mangled link is a page not found, not a throw on the first render (which blanked the whole console).
    expect(parseRoute("/console/rides/%E0%A4%A")).toEqual({ page: "not-found", path: "/console/rides/%E0%A4%A" });
    expect(parseRoute("/console/rides/rd%5F1")).toEqual({ page: "ride", id: "rd_1" });
  });
});
