import { describe, expect, it } from "vitest";
import type { Driver, ViewsMessage } from "../domain/events";
import type { Ride } from "../domain/types";
import {
  DEFAULT_TOPICS,
  driverMarker,
  inVersionOrder,
  markersOf,
  mergeDriver,
  parseClientMessage,
  pushIntervalMs,
  rideMarker,
  shouldPush,
  snapshotFrame,
  mapTopicsOf,
  byMapTopics,
  topicsOf,
  topicsParam,
  UNWATCHED_PUSH_MS,
  watchesMap,
  WATCHED_PUSH_MS,
  type DriverMarker,
  type Topic,
} from "./feed";

const ride = (over: Partial<Ride> = {}): Ride => ({
  id: "rd_1",
  status: "dispatching",
  version: 2,
  riderId: "r1",
  product: "standard",
  pickup: { lat: 37.5, lng: 127, address: "Gangnam" },
  dropoff: { lat: 37.52, lng: 127.02 },
  quote: { amount: 9800, currency: "KRW" },
  driver: null,
  etaSeconds: null,
  fare: null,
  payment: { status: "pending" },
  cancellation: null,
  distanceMeters: 3000,
  durationSeconds: 600,
  locale: "ko",
  createdAt: "2026-12-01T05:00:00.000Z",
  updatedAt: "2026-12-01T05:00:01.000Z",
  handoverCode: "1234",
  ...over,
});

const driver = (over: Partial<Driver> = {}): Driver => ({
  id: "d1",
  name: "Kim",
  vehicle: { plate: "30우8281", model: "Sonata", product: "standard" },
  approval: "approved",
  approvalReason: "ok",
  status: "available",
  location: { lat: 37.5, lng: 127 },
  locationAt: "2026-12-01T05:00:00.000Z",
  currentRideId: null,
  version: 3,
  createdAt: "2026-12-01T04:00:00.000Z",
  updatedAt: "2026-12-01T05:00:00.000Z",
  ...over,
});

const at = (s: number) => `2026-12-01T05:00:${String(s).padStart(2, "0")}.000Z`;
const marker = (over: Partial<DriverMarker> = {}): DriverMarker => ({ ...driverMarker(driver()), ...over });

describe("client messages", () => {
  it("ignores what is not ping or a subscription (never an error)", () => {
    for (const text of ["", "pong", "{", "null", "42", '"subscribe"', '{"type":"subscribe"}', '{"type":"subscribe","topics":"rides"}', '{"type":"hello"}'])
      expect(parseClientMessage(text), text).toBeNull();
  });

  it("keeps the known topics of a subscription, in a fixed order; none is a quiet socket", () => {
    expect(parseClientMessage('{"type":"subscribe","topics":["stats","bogus","rides","stats"]}')).toEqual({ type: "subscribe", topics: ["rides", "stats"] });
    expect(parseClientMessage('{"type":"subscribe","topics":[]}')).toEqual({ type: "subscribe", topics: [] });
    expect(parseClientMessage("ping")).toEqual({ type: "ping" });
  });

  it("a socket that never subscribed watches rides and drivers; an attachment's topics win", () => {
    expect(topicsOf(null)).toEqual(DEFAULT_TOPICS);
    expect(topicsOf({ actorId: "o1", role: "ops" })).toEqual(["rides", "drivers"]);
    expect(topicsOf({ topics: ["stats"] })).toEqual(["stats"]);
    expect(topicsOf({ topics: [] })).toEqual([]);
    expect(topicsOf({ topics: ["nope"] })).toEqual([]);
  });
});

describe("topics named at connect (?topics=)", () => {
  it("none named is the default; an empty list is none; a subset in a fixed order, repeats once", () => {
    expect(topicsParam(undefined)).toEqual(DEFAULT_TOPICS);
    expect(topicsParam(null)).toEqual(DEFAULT_TOPICS);
    expect(topicsParam("")).toEqual([]);
    expect(topicsParam("stats,rides,stats")).toEqual(["rides", "stats"]);
    expect(topicsParam("rides,drivers,stats")).toEqual(["rides", "drivers", "stats"]);
  });

  it("one that is not a topic refuses the whole list (the gateway answers 400), rather than a socket watching less than asked", () => {
    for (const value of ["bogus", "rides,bogus", "Rides", "rides, drivers", "rides;drivers"]) expect(topicsParam(value), value).toBeNull();
  });

  it("the map is rides or drivers; stats are not on it", () => {
    expect(watchesMap(["stats"])).toBe(false);
    expect(watchesMap([])).toBe(false);
    expect(watchesMap(["drivers", "stats"])).toBe(true);
    expect(mapTopicsOf(["rides", "drivers", "stats"])).toEqual(["rides", "drivers"]);
  });

  it("consoles behind a gap are grouped by the map's topics they watch, stats aside: one snapshot read a group", () => {
    const consoles: [string, Topic[]][] = [
      ["a", ["rides", "drivers", "stats"]],
      ["b", ["rides"]],
      ["c", ["rides", "drivers"]],
      ["d", ["rides", "stats"]],
    ];
    expect(byMapTopics(consoles, ([, topics]) => topics).map(([topics, group]) => [topics, group.map(([name]) => name)])).toEqual([
      [
        ["rides", "drivers"],
        ["a", "c"],
      ],
      [["rides"], ["b", "d"]],
    ]);
  });
});

describe("markers", () => {
  it("a ride's marker has its place and status, never its addresses, code, fare or payment", () => {
    const m = rideMarker(ride({ driver: { id: "d9", name: "Lee", vehicle: driver().vehicle, location: null } }));
    expect(m).toEqual({
      id: "rd_1",
      status: "dispatching",
      product: "standard",
      riderId: "r1",
      driverId: "d9",
      pickup: { lat: 37.5, lng: 127 },
      dropoff: { lat: 37.52, lng: 127.02 },
      createdAt: "2026-12-01T05:00:00.000Z",
      updatedAt: "2026-12-01T05:00:01.000Z",
      version: 2,
    });
    expect(rideMarker(ride()).driverId).toBeNull();
  });

  it("a driver's marker leaves the plate and the approval reason out", () => {
    const m = driverMarker(driver());
    expect(m).toEqual({
      id: "d1",
      name: "Kim",
      status: "available",
      approval: "approved",
      product: "standard",
      location: { lat: 37.5, lng: 127 },
      locationAt: at(0),
      currentRideId: null,
      updatedAt: at(0),
      version: 3,
    });
    expect(JSON.stringify(m)).not.toContain("30우8281");
    expect(driverMarker(driver({ location: null, locationAt: null })).location).toBeNull();
  });

  it("a batch gives every change of a ride and driver once, oldest first, whatever the order; other kinds give none", () => {
    const messages = [
      { kind: "ride.event", ride: ride({ version: 3, status: "driver_assigned" }) },
      { kind: "ride.event", ride: ride({ version: 2 }) },
      { kind: "ride.event", ride: ride({ id: "rd_2", version: 1, status: "requested" }) },
      { kind: "driver.event", driver: driver({ version: 4, status: "on_trip" }) },
      { kind: "driver.event", driver: driver({ version: 3 }) },
      { kind: "ride.event", ride: ride({ version: 3, status: "driver_assigned" }) },
      { kind: "rider.event", rider: {} },
    ] as unknown as ViewsMessage[];
    const { rides, drivers } = markersOf(messages);
    expect(rides.map((r) => [r.id, r.version, r.status])).toEqual([
      ["rd_2", 1, "requested"],
      ["rd_1", 2, "dispatching"],
      ["rd_1", 3, "driver_assigned"],
    ]);
    expect(drivers.map((d) => [d.id, d.version, d.status])).toEqual([
      ["d1", 3, "available"],
      ["d1", 4, "on_trip"],
    ]);
    expect(markersOf([])).toEqual({ rides: [], drivers: [] });
    expect(inVersionOrder([{ id: "a", version: 1 }])).toEqual([{ id: "a", version: 1 }]);
  });

  it("a snapshot fills only the subscribed topics' arrays", () => {
    const frame = (topics: Parameters<typeof snapshotFrame>[0]) =>
      JSON.parse(snapshotFrame(topics, [rideMarker(ride())], [marker()], new Date(at(5)))) as {
        type: string;
        at: string;
        rides: unknown[];
        drivers: unknown[];
      };
    expect(frame(["rides", "drivers"])).toMatchObject({ type: "snapshot", at: at(5) });
    expect([frame(["rides"]).rides.length, frame(["rides"]).drivers.length]).toEqual([1, 0]);
    expect([frame(["drivers", "stats"]).rides.length, frame(["drivers", "stats"]).drivers.length]).toEqual([0, 1]);
    expect([frame(["stats"]).rides.length, frame(["stats"]).drivers.length]).toEqual([0, 0]);
  });
});

describe("merging a driver", () => {
  it("a driver the feed has not seen is taken as it comes", () => {
    expect(mergeDriver(undefined, marker())).toEqual(marker());
  });

  it("the same marker again changes nothing (null: nothing to send)", () => {
    expect(mergeDriver(marker(), marker())).toBeNull();
  });

  it("a late event (older version, older position) changes nothing", () => {
    const known = marker({ version: 5, status: "on_trip", location: { lat: 37.6, lng: 127.1 }, locationAt: at(30) });
    expect(mergeDriver(known, marker({ version: 4, status: "available", locationAt: at(10) }))).toBeNull();
  });

  it("an event's status wins over a push's, but the push's fresher position stays", () => {
    const pushed = marker({ version: 3, location: { lat: 37.6, lng: 127.1 }, locationAt: at(30) });
    const event = marker({ version: 4, status: "offered", currentRideId: "rd_1", locationAt: at(10) });
    expect(mergeDriver(pushed, event)).toEqual({ ...event, location: { lat: 37.6, lng: 127.1 }, locationAt: at(30) });
  });

  it("a push that overtook a status event moves the marker and keeps the newer status", () => {
    const known = marker({ version: 4, status: "offered", currentRideId: "rd_1" });
    const push = marker({ version: 3, location: { lat: 37.7, lng: 127.2 }, locationAt: at(40) });
    expect(mergeDriver(known, push)).toEqual({ ...known, location: { lat: 37.7, lng: 127.2 }, locationAt: at(40) });
  });
});

describe("the position push", () => {
  it("is slow while nobody watches drivers, and slower still with so many that all of them would top 200 pushes a second", () => {
    expect(pushIntervalMs(0, 0)).toBe(UNWATCHED_PUSH_MS);
    expect(pushIntervalMs(0, 12_000)).toBe(UNWATCHED_PUSH_MS);
    // A Seoul-size city's 70,000 drivers: every 350 s, not 1,167 pushes a second into the one feed object.
    expect(pushIntervalMs(0, 70_000)).toBe(350_000);
    for (const drivers of [1, 12_001, 20_000, 70_000, 100_000]) expect(drivers / (pushIntervalMs(0, drivers) / 1000)).toBeLessThanOrEqual(200);
  });

  it("is every 3 s while watched, growing so that the feed gets at most 200 pushes a second", () => {
    expect(pushIntervalMs(1, 0)).toBe(WATCHED_PUSH_MS);
    expect(pushIntervalMs(3, 600)).toBe(3_000);
    expect(pushIntervalMs(1, 601)).toBe(3_005);
    expect(pushIntervalMs(1, 2_000)).toBe(10_000);
    for (const drivers of [1, 599, 600, 5_000, 40_000]) expect(drivers / (pushIntervalMs(1, drivers) / 1000)).toBeLessThanOrEqual(200);
  });

  it("happens for a driver on the map once its time has come; never for an offline or unplaced driver", () => {
    expect(shouldPush(driver(), 1_000, 0)).toBe(true);
    expect(shouldPush(driver(), 1_000, 1_000)).toBe(true);
    expect(shouldPush(driver(), 999, 1_000)).toBe(false);
    expect(shouldPush(driver({ status: "offline" }), 1_000, 0)).toBe(false);
    expect(shouldPush(driver({ location: null }), 1_000, 0)).toBe(false);
    expect(shouldPush(null, 1_000, 0)).toBe(false);
    for (const status of ["available", "offered", "on_trip"] as const) expect(shouldPush(driver({ status }), 1, 0)).toBe(true);
  });
});
