import { describe, expect, it } from "vitest";
import type { Driver } from "../domain/events";
import { indexWrite } from "./driver-rules";
import { decideDriver, openOffers, planDriver } from "./machine";
import { driverRecord, testOffer, ON_DUTY } from "./fixtures";
import type { DriverCommand, DriverRecord } from "./types";

const NOW = new Date("2026-11-21T10:00:00Z");
const LATER = "2026-11-21T10:00:15Z";
const offer = (rideId: string) => testOffer(rideId);

const rec = (patch: Partial<Driver> = {}, held = false): DriverRecord => driverRecord(NOW, patch, held ? offer("rd_1") : null);

/** The states the machine is tested in; `none` is a driver not registered yet. */
const FIXTURES: Record<string, () => DriverRecord | null> = {
  none: () => null,
  pending: () => rec({ approval: "pending", status: "offline" }),
  offline: () => rec({ status: "offline" }),
  available: () => rec(),
  offered: () => rec({ status: "offered", currentRideId: "rd_1" }, true),
  on_trip: () => rec({ status: "on_trip", currentRideId: "rd_1" }),
  rejected: () => rec({ approval: "rejected", status: "offline" }),
  rejected_on_trip: () => rec({ approval: "rejected", status: "on_trip", currentRideId: "rd_1" }),
};

const COMMANDS: Record<string, DriverCommand> = {
  // A new name and model on the same plate: no review.
  register: { type: "register", driverId: "d1", profile: { name: "Lee", vehicle: { plate: "1", model: "K5", product: "standard" } }, autoApprove: false },
  // A new plate: an approved driver waits for an operator again (offline, offer withdrawn).
  registerPlate: { type: "register", driverId: "d1", profile: { name: "Kim", vehicle: { plate: "2", model: "m", product: "standard" } }, autoApprove: false },
  approve: { type: "approve" },
  reject: { type: "reject" },
  online: { type: "online", location: { lat: 37.51, lng: 127 } },
  offline: { type: "offline" },
  reserve: { type: "reserve", reservation: { kind: "assign", rideId: "rd_2" }, freshnessS: 30 },
  reserveAgain: { type: "reserve", reservation: { kind: "offer", offer: offer("rd_1") }, freshnessS: 30 },
  confirm: { type: "confirm", rideId: "rd_1" },
  release: { type: "release", rideId: "rd_1" },
  locate: { type: "locate", location: { lat: 37.52, lng: 127 } },
};

/**
 * Every command in every state, written out by hand: `status:Event` applied (`status:-`
 * applied with no event), `=` a repeat, `x:code` refused with that problem.
 */
const EXPECTED: Record<string, Record<string, string>> = {
  none: {
    register: "offline:DriverRegistered",
    registerPlate: "offline:DriverRegistered",
    approve: "x:not_found",
    reject: "x:not_found",
    online: "x:not_found",
    offline: "x:not_found",
    reserve: "x:not_found",
    reserveAgain: "x:not_found",
    confirm: "x:offer_not_available",
    release: "x:not_found",
    locate: "x:not_found",
  },
  pending: {
    register: "offline:DriverUpdated",
    registerPlate: "offline:DriverUpdated",
    approve: "offline:DriverApproved",
    reject: "offline:DriverRejected",
    online: "x:driver_not_approved",
    offline: "=",
    reserve: "x:driver_not_approved",
    reserveAgain: "x:driver_not_approved",
    confirm: "x:driver_not_approved",
    release: "=",
    locate: "offline:-",
  },
  offline: {
    register: "offline:DriverUpdated",
    registerPlate: "offline:DriverUpdated",
    approve: "=",
    reject: "offline:DriverRejected",
    online: "available:DriverWentOnline",
    offline: "=",
    reserve: "x:offer_not_available",
    reserveAgain: "x:offer_not_available",
    confirm: "x:offer_not_available",
    release: "=",
    locate: "offline:-",
  },
  available: {
    register: "available:DriverUpdated",
    registerPlate: "offline:DriverUpdated",
    approve: "=",
    reject: "offline:DriverRejected",
    online: "available:-",
    offline: "offline:DriverWentOffline",
    reserve: "on_trip:DriverReserved",
    reserveAgain: "offered:DriverOffered",
    confirm: "x:offer_not_available",
    release: "=",
    locate: "available:-",
  },
  offered: {
    register: "offered:DriverUpdated",
    registerPlate: "offline:DriverUpdated",
    approve: "=",
    reject: "offline:DriverRejected",
    online: "offered:-",
    offline: "offline:DriverWentOffline",
    reserve: "x:offer_not_available",
    reserveAgain: "=",
    confirm: "on_trip:DriverReserved",
    release: "available:DriverReleased",
    locate: "offered:-",
  },
  on_trip: {
    register: "on_trip:DriverUpdated",
    registerPlate: "x:invalid_transition",
    approve: "=",
    reject: "on_trip:DriverRejected",
    online: "on_trip:-",
    offline: "x:invalid_transition",
    reserve: "x:offer_not_available",
    reserveAgain: "=",
    confirm: "=",
    release: "available:DriverReleased",
    locate: "on_trip:-",
  },
  rejected: {
    register: "offline:DriverUpdated",
    registerPlate: "offline:DriverUpdated",
    approve: "offline:DriverApproved",
    reject: "=",
    online: "x:driver_not_approved",
    offline: "=",
    reserve: "x:driver_not_approved",
    reserveAgain: "x:driver_not_approved",
    confirm: "x:driver_not_approved",
    release: "=",
    locate: "offline:-",
  },
  rejected_on_trip: {
    register: "on_trip:DriverUpdated",
    registerPlate: "x:invalid_transition",
    approve: "on_trip:DriverApproved",
    reject: "=",
    online: "x:driver_not_approved",
    offline: "x:invalid_transition",
    reserve: "x:driver_not_approved",
    reserveAgain: "x:driver_not_approved",
    confirm: "x:driver_not_approved",
    release: "offline:DriverReleased",
    locate: "on_trip:-",
  },
};

/** The calls after the command (state × command → effects): to a ride (a rejected driver's goes on without them), to the feed going off duty. */
const LATER_EFFECTS: Record<string, string> = {
  "offered×reject": "leaveOpsMap,withdrawOffer",
  "on_trip×reject": "withdrawOffer",
  "offered×offline": "leaveOpsMap,withdrawOffer",
  "offered×registerPlate": "leaveOpsMap,withdrawOffer",
  "on_trip×locate": "driverMoved",
  "rejected_on_trip×locate": "driverMoved",
  "available×reject": "leaveOpsMap",
  "available×offline": "leaveOpsMap",
  "available×registerPlate": "leaveOpsMap",
  "rejected_on_trip×release": "leaveOpsMap",
};
/**
 * The commands after which the dispatch cell is written (state × command → write); none
 * elsewhere. Every record starts listed as the Driver DO leaves it (5 s ago, in its cell
 * while dispatchable): a location report or a move within the cell writes nothing.
 */
const INDEX_WRITES: Record<string, "upsert" | "remove"> = {
  "offline×online": "upsert",
  "available×register": "upsert",
  "available×registerPlate": "remove",
  "available×reject": "remove",
  "available×offline": "remove",
  "available×reserve": "remove",
  "available×reserveAgain": "remove",
  "offered×release": "upsert",
  "on_trip×release": "upsert",
};
const BACKGROUND = new Set(["reserve", "confirm", "release"]);
const LISTING = { cellRefreshS: 60, driverFreshnessS: 30 };
const ctx = {
  listing: LISTING,
  silence: { driverOfflineAfterS: 600, driverPickupSilentS: 180 },
  now: NOW,
  correlationId: "req-1",
  newId: (() => {
    let n = 0;
    return () => `ev_${++n}`;
  })(),
  statusBefore: ON_DUTY,
};

describe("driver machine: every state × every command", () => {
  for (const [state, make] of Object.entries(FIXTURES)) {
    for (const [name, command] of Object.entries(COMMANDS)) {
      const expected = EXPECTED[state]![name]!;
      it(`${state} × ${name} → ${expected}`, () => {
        const before = make();
        const snapshot = structuredClone(before);
        const decision = decideDriver(before, command, NOW);
        expect(before, "decide never mutates its input").toEqual(snapshot);
        if (expected.startsWith("x:")) {
          expect(decision).toMatchObject({ kind: "refused", code: expected.slice(2) });
          return;
        }
        if (expected === "=") {
          expect(decision.kind).toBe("unchanged");
          return;
        }
        if (decision.kind !== "applied") throw new Error(`expected applied, got ${decision.kind}`);
        const [status, event] = expected.split(":") as [string, string];
        const events = decision.events.map((e) => e.type);
        expect(decision.record.driver.status).toBe(status);
        expect(events.join(",")).toBe(event === "-" ? "" : event);
        expect(decision.record.driver.version).toBe((before?.driver.version ?? 0) + events.length);
        const p = planDriver(command, decision.record, decision.events, { ...ctx, statusBefore: before?.driver.status ?? null });
        expect(p.events.map((e) => [e.type, e.version, e.driverId])).toEqual(decision.events.map((e) => [e.type, e.driver.version, "d1"]));
        // Every event to the views; an operator's decision also to the driver (notifications).
        const notified = (type: string) => (type === "DriverApproved" || type === "DriverRejected" ? ["notifications"] : []);
        expect(p.messages.map((m) => m.queue).sort()).toEqual(events.flatMap((e) => ["ride-events", ...notified(e)]).sort());
        const write = INDEX_WRITES[`${state}×${name}`];
        expect(indexWrite(decision.record, NOW, LISTING)).toBe(write ?? "none");
        expect(p.after.filter((e) => e.type === "syncIndex")).toEqual(write ? [{ type: "syncIndex", background: BACKGROUND.has(command.type) }] : []);
        expect(p.later.map((e) => e.type).join(",")).toBe(LATER_EFFECTS[`${state}×${name}`] ?? "");
      });
    }
  }
});

describe("driver machine: details", () => {
  it("registering with auto-approval records both events, each with the driver as it was then", () => {
    const d = decideDriver(null, { ...COMMANDS.register!, autoApprove: true } as DriverCommand, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.events.map((e) => [e.type, e.driver.version, e.driver.approval])).toEqual([
      ["DriverRegistered", 1, "pending"],
      ["DriverApproved", 2, "approved"],
    ]);
    expect(d.record.driver).toMatchObject({ version: 2, approval: "approved", status: "offline", name: "Lee" });
  });

  it("a rejection takes back the open offer and tells the ride after the command; the driver's sockets hear the new state", () => {
    const d = decideDriver(FIXTURES.offered!(), COMMANDS.reject!, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.events[0]!.data).toEqual({ withdrawnOfferRideId: "rd_1" });
    const p = planDriver(COMMANDS.reject!, d.record, d.events, ctx);
    expect(p.later).toEqual([
      { type: "leaveOpsMap", driver: d.record.driver },
      { type: "withdrawOffer", rideId: "rd_1", driverId: "d1", reason: "driver_rejected", correlationId: "req-1" },
    ]);
    expect(p.after.map((e) => e.type)).toEqual(["broadcast"]);
  });

  it("an offer is pushed to the driver's sockets at once and listed until it expires", () => {
    const d = decideDriver(rec(), COMMANDS.reserveAgain!, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    const p = planDriver(COMMANDS.reserveAgain!, d.record, d.events, ctx);
    expect(p.after).toEqual([
      { type: "syncIndex", background: true },
      { type: "broadcast", message: JSON.stringify({ type: "offer", offer: offer("rd_1") }) },
    ]);
    expect(openOffers(d.record, NOW)).toEqual([offer("rd_1")]);
    expect(openOffers(d.record, new Date(LATER))).toEqual([]);
  });

  it("a release pushes the driver's state, with no offer left: an offer whose ride never committed it leaves the app at once", () => {
    const d = decideDriver(FIXTURES.offered!(), COMMANDS.release!, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    const p = planDriver(COMMANDS.release!, d.record, d.events, ctx);
    const pushed = p.after
      .filter((e) => e.type === "broadcast")
      .map((e) => JSON.parse((e as { message: string }).message) as { type: string; offers: unknown[] });
    expect(pushed).toEqual([expect.objectContaining({ type: "driver", offers: [] })]);
    // A repeat (the ride no longer held) changes nothing and pushes nothing.
    expect(decideDriver(d.record, COMMANDS.release!, NOW).kind).toBe("unchanged");
  });

  it("a location report moves the driver without an event", () => {
    const d = decideDriver(rec(), COMMANDS.locate!, NOW);
    expect(d.kind === "applied" && d.record.driver).toMatchObject({ location: { lat: 37.52, lng: 127 }, locationAt: NOW.toISOString(), version: 4 });
  });

  it("a location report writes the dispatch cell only once the refresh is due, or in another cell", () => {
    const planFor = (record: DriverRecord, location: { lat: number; lng: number }) => {
      const d = decideDriver(record, { type: "locate", location }, NOW);
      if (d.kind !== "applied") throw new Error(d.kind);
      return planDriver({ type: "locate", location }, d.record, d.events, ctx).after;
    };
    expect(planFor(rec(), { lat: 37.501, lng: 127 })).toEqual([]);
    expect(planFor({ ...rec(), indexedAt: NOW.getTime() - 60_000 }, { lat: 37.501, lng: 127 })).toEqual([{ type: "syncIndex", background: false }]);
    expect(planFor(rec(), { lat: 35.1, lng: 129 })).toEqual([{ type: "syncIndex", background: false }]);
  });
});
