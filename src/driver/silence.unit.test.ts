import { describe, expect, it } from "vitest";
import { driverRecord, ON_DUTY } from "./fixtures";
import { decideDriver, planDriver } from "./machine";
import { RIDE_STATUSES } from "../domain/types";
import { checkSilence, limitS, REJECTED_ASK_MS, releaseForPush, silenceStep, silentTimer, SILENT_TIMER, stillSilent } from "./silence";
import type { DriverCommand, DriverRecord } from "./types";

const NOW = new Date("2026-12-02T09:00:00Z");
const LIMIT_S = 600;
const PICKUP_S = 180;
const LIMITS = { driverOfflineAfterS: LIMIT_S, driverPickupSilentS: PICKUP_S };
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
/** A driver held by ride r1: offered it, or on its trip past the pickup (the ride wants no more positions). */
const heldBy = (status: "offered" | "on_trip", secondsSilent: number) => ({
  ...driverRecord(NOW, { status, currentRideId: "r1", locationAt: ago(secondsSilent) }),
  etaDoneRideId: "r1",
});
const ctx = { now: NOW, correlationId: "c", newId: () => "ev_1", listing: { cellRefreshS: 60, driverFreshnessS: 30 }, silence: LIMITS, statusBefore: ON_DUTY };

describe("the silent timer: a driver who stops reporting is taken offline", () => {
  it("an available driver silent for the limit goes offline; one heard from since is looked at again at their last report + the limit", () => {
    expect(checkSilence(driverRecord(NOW, { locationAt: ago(LIMIT_S) }), NOW, LIMITS)).toEqual({ type: "offline" });
    expect(checkSilence(driverRecord(NOW, { locationAt: ago(LIMIT_S + 3600) }), NOW, LIMITS)).toEqual({ type: "offline" });
    const heard = driverRecord(NOW, { locationAt: ago(120) });
    expect(checkSilence(heard, NOW, LIMITS)).toEqual({ type: "again", at: NOW.getTime() + (LIMIT_S - 120) * 1000 });
  });

  it("a silent driver with an offer or a trip is left to it and looked at again a limit later; an offline one is nothing to do", () => {
    for (const status of ["offered", "on_trip"] as const) {
      const busy = heldBy(status, LIMIT_S * 3);
      expect(checkSilence(busy, NOW, LIMITS)).toEqual({ type: "again", at: NOW.getTime() + LIMIT_S * 1000 });
    }
    expect(checkSilence(driverRecord(NOW, { status: "offline", locationAt: ago(LIMIT_S * 3) }), NOW, LIMITS)).toBeNull();
    expect(checkSilence(null, NOW, LIMITS)).toBeNull();
  });

  it("is set (if sooner than where it is) from the last report while the driver is online, cleared once offline", () => {
    const online = driverRecord(NOW, { locationAt: ago(5) });
    expect(silentTimer(online, LIMITS, NOW)).toEqual({ name: SILENT_TIMER, at: NOW.getTime() + (LIMIT_S - 5) * 1000, ifEarlier: true });
    expect(silentTimer(driverRecord(NOW, { status: "offline" }), LIMITS, NOW)).toEqual({ name: SILENT_TIMER, at: null });
  });

  it("a change of the driver writes it: going online sets it, going offline clears it; a location report only sets it if missing", () => {
    const timersOf = (before: ReturnType<typeof driverRecord>, command: DriverCommand) => {
      const d = decideDriver(before, command, NOW);
      if (d.kind !== "applied") throw new Error(`not applied: ${d.kind}`);
      return planDriver(command, d.record, d.events, ctx).timers;
    };
    const offline = driverRecord(NOW, { status: "offline" });
    expect(timersOf(offline, { type: "online", location: { lat: 37.5, lng: 127 } })).toEqual([
      { name: SILENT_TIMER, at: NOW.getTime() + LIMIT_S * 1000, ifEarlier: true },
    ]);
    // `ifEarlier`: a timer already set is not moved later by the report (no alarm write every 4 s); one missing is set.
    expect(timersOf(driverRecord(NOW), { type: "locate", location: { lat: 37.51, lng: 127 } })).toEqual([
      { name: SILENT_TIMER, at: NOW.getTime() + LIMIT_S * 1000, ifEarlier: true },
    ]);
    expect(timersOf(driverRecord(NOW, { status: "offline" }), { type: "locate", location: { lat: 37.51, lng: 127 } })).toEqual([]);
    expect(timersOf(driverRecord(NOW), { type: "offline" })).toEqual([{ name: SILENT_TIMER, at: null }]);
    // An assignment brings it forward to the pickup limit (from the driver's last report, 5 s ago).
    expect(timersOf(driverRecord(NOW), { type: "reserve", reservation: { kind: "assign", rideId: "r1" }, freshnessS: 30 })).toEqual([
      { name: SILENT_TIMER, at: NOW.getTime() + (PICKUP_S - 5) * 1000, ifEarlier: true },
    ]);
  });

  it("the offline for silence says why, and is pushed to the driver's app; a driver's own offline is not", () => {
    const command: DriverCommand = { type: "offline", reason: "silent" };
    const d = decideDriver(driverRecord(NOW, { locationAt: ago(LIMIT_S) }), command, NOW);
    if (d.kind !== "applied") throw new Error("not applied");
    expect(d.events.map((e) => [e.type, e.data])).toEqual([["DriverWentOffline", { reason: "silent" }]]);
    const silenced = planDriver(command, d.record, d.events, ctx);
    expect(silenced.after.filter((e) => e.type === "broadcast")).toHaveLength(1);
    const own = decideDriver(driverRecord(NOW), { type: "offline" }, NOW);
    if (own.kind !== "applied") throw new Error("not applied");
    expect(own.events[0]?.data).toEqual({});
    const ownPlan = planDriver({ type: "offline" }, own.record, own.events, ctx);
    expect(ownPlan.after.filter((e) => e.type === "broadcast")).toEqual([]);
    // Told through the notification worker too (KakaoTalk, webhook): the app that went silent may not be there to hear it.
    const notices = (p: typeof ownPlan) => p.messages.filter((m) => m.queue === "notifications").map((m) => m.body);
    expect(notices(silenced)).toEqual([{ kind: "driver.notification", event: silenced.events[0], driver: d.record.driver }]);
    expect(notices(ownPlan)).toEqual([]);
  });

  it("a driver on a trip cannot be taken offline for silence (the refusal of a driver's own offline)", () => {
    const d = decideDriver(
      driverRecord(NOW, { status: "on_trip", currentRideId: "r1", locationAt: ago(LIMIT_S * 2) }),
      { type: "offline", reason: "silent" },
      NOW,
    );
    expect(d.kind).toBe("refused");
  });
});

describe("the silent timer and a ride that no longer claims its driver (a release lost to a crash)", () => {
  const held = heldBy("on_trip", 5);
  const asked: string[] = [];
  const answering = (answer: boolean | null) => async (rideId: string, driverId: string) => (asked.push(`${rideId} ${driverId}`), answer);

  it("a held driver's ride is asked; one that no longer claims them is let go of (release, reason unclaimed), the timer set again", async () => {
    asked.length = 0;
    const step = await silenceStep(held, NOW, LIMITS, answering(false));
    expect(asked).toEqual([`r1 ${held.driver.id}`]);
    expect(step).toEqual({ again: NOW.getTime() + (LIMIT_S - 5) * 1000, command: { type: "release", rideId: "r1", reason: "unclaimed" } });
    const released = decideDriver(held, step!.command!, NOW);
    if (released.kind !== "applied") throw new Error("not applied");
    expect(released.record.driver).toMatchObject({ status: "available", currentRideId: null });
    expect(released.events.map((e) => [e.type, e.data])).toEqual([["DriverReleased", { rideId: "r1", reason: "unclaimed" }]]);
  });

  it("a rejected driver a ride still claims is asked off it again (the rejection's one call may have been lost), silent or not", async () => {
    const rejected = (record: DriverRecord): DriverRecord => ({ ...record, driver: { ...record.driver, approval: "rejected" } });
    // Past the pickup (heard from, or silent past the limit), and on the way to it. (An offered driver is no case: the
    // rejection takes them offline, their offer withdrawn, and the ride's offer timer ends a withdrawal lost.)
    for (const record of [
      rejected(heldBy("on_trip", 5)),
      rejected(heldBy("on_trip", LIMIT_S)),
      rejected(driverRecord(NOW, { status: "on_trip", currentRideId: "r1" })),
    ]) {
      expect((await silenceStep(record, NOW, LIMITS, answering(true)))?.takeOff, record.driver.status).toEqual({
        rideId: "r1",
        driverId: "d1",
        why: "rejected",
      });
    }
    // A ride with no claim on them is let go of as for anyone; one that cannot be asked is asked next time.
    expect((await silenceStep(rejected(held), NOW, LIMITS, answering(false)))?.command).toEqual({ type: "release", rideId: "r1", reason: "unclaimed" });
    expect(await silenceStep(rejected(held), NOW, LIMITS, answering(null))).toEqual({ again: NOW.getTime() + (LIMIT_S - 5) * 1000 });
    // The rejection of a driver on the way to a pickup sets the timer within seconds, not at the pickup limit (minutes):
    // the rejection's calls may all have been lost, and the driver could pick the rider up meanwhile.
    const toPickup = driverRecord(NOW, { status: "on_trip", currentRideId: "r1" });
    const decided = decideDriver(toPickup, { type: "reject", reason: "documents" }, NOW);
    if (decided.kind !== "applied") throw new Error(`not applied: ${decided.kind}`);
    expect(planDriver({ type: "reject", reason: "documents" }, decided.record, decided.events, ctx).timers).toEqual([
      { name: SILENT_TIMER, at: NOW.getTime() + REJECTED_ASK_MS, ifEarlier: true },
    ]);
    // A report on the way does not move it later (`ifEarlier`) nor write the alarm at each report (a later time than where it is).
    const reported = planDriver({ type: "locate", location: { lat: 37.5, lng: 127 } }, decided.record, [], { ...ctx, now: new Date(NOW.getTime() + 4000) });
    expect(reported.timers).toEqual([{ name: SILENT_TIMER, at: NOW.getTime() + 4000 + REJECTED_ASK_MS, ifEarlier: true }]);
    // The ride still claims them: asked again, and again within seconds while on the way; past the pickup at the usual pace.
    const onTheWay = await silenceStep(decided.record, NOW, LIMITS, answering(true));
    expect(onTheWay).toEqual({ again: NOW.getTime() + REJECTED_ASK_MS, takeOff: { rideId: "r1", driverId: "d1", why: "rejected" } });
    expect((await silenceStep(rejected(heldBy("on_trip", 5)), NOW, LIMITS, answering(true)))?.again).toBe(NOW.getTime() + (LIMIT_S - 5) * 1000);
    // A ride that cannot be asked (the reason the rejection's calls were lost, likely) is asked again as soon.
    expect(await silenceStep(decided.record, NOW, LIMITS, answering(null))).toEqual({ again: NOW.getTime() + REJECTED_ASK_MS });
    // An approved driver on the way is not asked sooner than the pickup limit.
    expect(silentTimer(toPickup, LIMITS, NOW).at).toBe(NOW.getTime() + (PICKUP_S - 5) * 1000);
  });

  it("a ride that claims them, or cannot be asked, leaves them held: the timer alone is set again", async () => {
    expect(await silenceStep(held, NOW, LIMITS, answering(true))).toEqual({ again: NOW.getTime() + (LIMIT_S - 5) * 1000 });
    expect(await silenceStep(held, NOW, LIMITS, answering(null))).toEqual({ again: NOW.getTime() + (LIMIT_S - 5) * 1000 });
  });

  it("a ride that claims a driver silent past the limit is asked to take them off (takeOff), the timer set again a limit on", async () => {
    for (const status of ["offered", "on_trip"] as const) {
      const gone = heldBy(status, LIMIT_S);
      expect(await silenceStep(gone, NOW, LIMITS, answering(true))).toEqual({
        again: NOW.getTime() + LIMIT_S * 1000,
        takeOff: { rideId: "r1", driverId: gone.driver.id, why: "silent" },
      });
      // One second short of the limit is not silent yet; a ride that cannot be asked is asked again next time, taken off nothing.
      const almost = heldBy(status, LIMIT_S - 1);
      expect(await silenceStep(almost, NOW, LIMITS, answering(true))).toEqual({ again: NOW.getTime() + 1000 });
      expect(await silenceStep(gone, NOW, LIMITS, answering(null))).toEqual({ again: NOW.getTime() + LIMIT_S * 1000 });
    }
  });

  it("stillSilent: checked again before the ride is asked, false once the driver was heard from", () => {
    const gone = heldBy("on_trip", LIMIT_S);
    expect(stillSilent(gone, NOW, LIMITS)).toBe(true);
    expect(stillSilent({ ...gone, driver: { ...gone.driver, locationAt: ago(1) } }, NOW, LIMITS)).toBe(false);
    expect(stillSilent(null, NOW, LIMITS)).toBe(false);
  });

  it("nobody is asked for a driver held by no ride; an available one silent too long goes offline; an offline one is nothing", async () => {
    asked.length = 0;
    const available = driverRecord(NOW, { locationAt: ago(5) });
    expect(await silenceStep(available, NOW, LIMITS, answering(false))).toEqual({ again: NOW.getTime() + (LIMIT_S - 5) * 1000 });
    const silent = driverRecord(NOW, { locationAt: ago(LIMIT_S) });
    expect(await silenceStep(silent, NOW, LIMITS, answering(false))).toEqual({ command: { type: "offline", reason: "silent" } });
    expect(await silenceStep(driverRecord(NOW, { status: "offline" }), NOW, LIMITS, answering(false))).toBeNull();
    expect(asked).toEqual([]);
  });
});

describe("on the way to a pickup: a shorter limit, since a rider is waiting", () => {
  const toPickup = (secondsSilent: number) => driverRecord(NOW, { status: "on_trip", currentRideId: "r1", locationAt: ago(secondsSilent) });
  const claimed = async () => true;

  it("the pickup limit holds while the ride wants positions; once the driver arrived (etaDone), or never assigned, the offline limit", () => {
    expect(limitS(toPickup(5), LIMITS)).toBe(PICKUP_S);
    expect(limitS({ ...toPickup(5), etaDoneRideId: "r1" }, LIMITS)).toBe(LIMIT_S);
    // An older ride's etaDone says nothing of this one.
    expect(limitS({ ...toPickup(5), etaDoneRideId: "r0" }, LIMITS)).toBe(PICKUP_S);
    expect(limitS(driverRecord(NOW, { status: "offered", currentRideId: "r1" }), LIMITS)).toBe(LIMIT_S);
    expect(limitS(driverRecord(NOW), LIMITS)).toBe(LIMIT_S);
    // Never longer than the offline limit (a test setting of 3 s for both stays 3 s).
    expect(limitS(toPickup(5), { driverOfflineAfterS: 3, driverPickupSilentS: 180 })).toBe(3);
  });

  it("a driver silent for the pickup limit is taken off; one second short is looked at again a second later", async () => {
    // Past the pickup limit only: asked as `silent_on_the_way` (a ride whose driver arrived leaves them on).
    expect(await silenceStep(toPickup(PICKUP_S), NOW, LIMITS, claimed)).toEqual({
      again: NOW.getTime() + PICKUP_S * 1000,
      takeOff: { rideId: "r1", driverId: "d1", why: "silent_on_the_way" },
    });
    // Past the offline limit too: asked as `silent` (taken off at the pickup as well).
    expect((await silenceStep(toPickup(LIMIT_S), NOW, LIMITS, claimed))?.takeOff).toEqual({ rideId: "r1", driverId: "d1", why: "silent" });
    expect(await silenceStep(toPickup(PICKUP_S - 1), NOW, LIMITS, claimed)).toEqual({ again: NOW.getTime() + 1000 });
    expect(stillSilent(toPickup(PICKUP_S), NOW, LIMITS)).toBe(true);
    expect(stillSilent(toPickup(PICKUP_S - 1), NOW, LIMITS)).toBe(false);
  });

  it("past the pickup the same silence takes nobody off: the offline limit applies", async () => {
    const arrived = { ...toPickup(PICKUP_S), etaDoneRideId: "r1" };
    expect(await silenceStep(arrived, NOW, LIMITS, claimed)).toEqual({ again: NOW.getTime() + (LIMIT_S - PICKUP_S) * 1000 });
    expect(stillSilent(arrived, NOW, LIMITS)).toBe(false);
  });

  it("a ride that no longer claims a driver on the way to it is let go of as at any other time", async () => {
    const step = await silenceStep(toPickup(PICKUP_S), NOW, LIMITS, async () => false);
    expect(step).toEqual({ again: NOW.getTime() + PICKUP_S * 1000, command: { type: "release", rideId: "r1", reason: "unclaimed" } });
  });

  it("once released (taken off, or the trip ended), the timer is set from the offline limit again, never moved later than it is", () => {
    const released = decideDriver(toPickup(PICKUP_S), { type: "release", rideId: "r1" }, NOW);
    if (released.kind !== "applied") throw new Error("not applied");
    const timers = planDriver({ type: "release", rideId: "r1" }, released.record, released.events, ctx).timers;
    expect(timers).toEqual([{ name: SILENT_TIMER, at: NOW.getTime() + (LIMIT_S - PICKUP_S) * 1000, ifEarlier: true }]);
  });
});

describe("a pushed ride that let go of its driver (a trip's end whose release was lost)", () => {
  const onTrip = driverRecord(NOW, { status: "on_trip", currentRideId: "r1" });
  const release: DriverCommand = { type: "release", rideId: "r1", reason: "unclaimed" };

  it("a driver held for the ride is let go of once it is past the trip or cancelled, and only then", () => {
    const lets = RIDE_STATUSES.filter((status) => releaseForPush(onTrip, { id: "r1", status }) !== null);
    expect(lets).toEqual(["payment_pending", "completed", "cancelled"]);
    expect(releaseForPush(onTrip, { id: "r1", status: "completed" })).toEqual(release);
    const offered = driverRecord(NOW, { status: "offered", currentRideId: "r1" });
    expect(releaseForPush(offered, { id: "r1", status: "cancelled" })).toEqual(release);
  });

  it("another ride's push, a free or offline driver, or no driver at all: nothing", () => {
    expect(releaseForPush(onTrip, { id: "r0", status: "completed" }), "held for another ride now").toBeNull();
    expect(releaseForPush(driverRecord(NOW, { status: "available" }), { id: "r1", status: "completed" })).toBeNull();
    expect(releaseForPush(driverRecord(NOW, { status: "offline", currentRideId: "r1" }), { id: "r1", status: "completed" })).toBeNull();
    expect(releaseForPush(null, { id: "r1", status: "completed" })).toBeNull();
  });

  it("the release it calls for frees the driver (DriverReleased, reason unclaimed)", () => {
    const released = decideDriver(onTrip, releaseForPush(onTrip, { id: "r1", status: "payment_pending" })!, NOW);
    if (released.kind !== "applied") throw new Error("not applied");
    expect(released.record.driver).toMatchObject({ status: "available", currentRideId: null });
    expect(released.events.map((e) => [e.type, e.data])).toEqual([["DriverReleased", { rideId: "r1", reason: "unclaimed" }]]);
  });
});
