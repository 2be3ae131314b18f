/**
 * The driver's `silent` timer, with real Driver DOs, dispatch cells and alarms: an available
 * driver who stops reporting is taken offline after DRIVER_OFFLINE_AFTER_S and drops out of
 * the cell; one on the way to a pickup is taken off the ride after DRIVER_PICKUP_SILENT_S; one heard from since stays available and is looked at again later; one held by a
 * ride that no longer claims them (a release lost to a crash: a trip's end, a take-off) lets go of it, at the ride's next
 * push or at the silent timer; and while the
 * timer is set, the driver's commits write no relay fallback of their own.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DriverDurableObject } from "../../src/durable-objects/driver";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import type { RideCall } from "../../src/durable-objects/ride-effects";
import type { TimelineItem } from "../../src/durable-objects/ride-ledger";
import type { PaymentResult } from "../../src/domain/events";
import { causeIds, type Cause } from "../../src/domain/ride-machine";
import { fail, unwrap, type Outcome } from "../../src/lib/problem";
import { cellOf, cellStub } from "../../src/durable-objects/stubs";
import { age, apart, createRide, driverRecordOf, offerOf, rideStub, onlineDriver, reservedBehindRide, rideInProgress, testEnv, until } from "./helpers";

type DriverStub = Awaited<ReturnType<typeof onlineDriver>>["stub"];
const LIMIT_MS = Number(testEnv.DRIVER_OFFLINE_AFTER_S) * 1000;
/** On the way to a pickup (DRIVER_PICKUP_SILENT_S): shorter, a rider is waiting. */
const PICKUP_MS = Number(testEnv.DRIVER_PICKUP_SILENT_S) * 1000;

/** The driver's timers, outbox size, events and alarm. */
const tables = (stub: DriverStub) =>
  runInDurableObject(stub, async (_i: DriverDurableObject, state) => ({
    timers: state.storage.sql.exec<{ name: string; due_at: number }>("SELECT name, due_at FROM timers ORDER BY name").toArray(),
    outbox: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n,
    events: state.storage.sql.exec<{ type: string; data: string }>("SELECT type, data FROM events ORDER BY version").toArray(),
    alarm: await state.storage.getAlarm(),
  }));

/** The answers of the ride's commands asked by a Driver DO taking a silent driver off (caused by `silent-…`, no request), from here on. */
async function watchDeclines(rideId: string): Promise<Promise<Outcome<unknown>>[]> {
  const answers: Promise<Outcome<unknown>>[] = [];
  await runInDurableObject(rideStub(rideId), (instance: RideDurableObject) => {
    type Command = (cause: Cause, ...rest: unknown[]) => Promise<Outcome<unknown>>;
    const self = instance as unknown as { command: Command };
    const command = self.command.bind(instance);
    self.command = (cause, ...rest) => {
      const answer = command(cause, ...rest);
      if (causeIds(cause).causationId?.startsWith("silent-")) answers.push(answer);
      return answer;
    };
  });
  return answers;
}

/** Makes the ride's releases of its driver fail, as a Driver DO down would: `tried` counts them, `down = false` lets them through. */
async function failReleases(stub: Awaited<ReturnType<typeof createRide>>["stub"]) {
  const releases = { tried: 0, down: true };
  await runInDurableObject(stub, (instance: RideDurableObject) => {
    const self = instance as unknown as { perform: (effect: RideCall) => Promise<Outcome<unknown>> };
    const perform = self.perform.bind(instance);
    self.perform = async (effect) =>
      effect.type === "releaseDriver" && releases.down ? (releases.tried++, fail("unavailable", "driver object down")) : perform(effect);
  });
  return releases;
}

/** Makes the `silent` timer due now, as time would have. */
const silentDueNow = (stub: DriverStub) =>
  runInDurableObject(
    stub,
    (_i: DriverDurableObject, state) => void state.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = 'silent'", Date.now() - 1),
  );

const point = () => ({ lat: 34.6 + Math.random() * 0.2, lng: 127.6 + Math.random() * 0.2 });
const listedNear = async (at: { lat: number; lng: number }) =>
  (await cellStub(testEnv, cellOf(at)).nearby(at, 5000, "standard", Date.now())).map((e) => e.driverId);

describe("Driver DO: a driver who stops reporting", () => {
  it("going online sets the silent timer at the report + DRIVER_OFFLINE_AFTER_S, and the alarm with it", async () => {
    expect(LIMIT_MS).toBeGreaterThan(0);
    const { stub } = await onlineDriver(point());
    const reportedAt = Date.parse((await driverRecordOf(stub)).driver.locationAt!);
    const t = await until(async () => {
      const now = await tables(stub);
      return now.outbox === 0 ? now : undefined;
    }, "the outbox relayed");
    expect(t.timers).toEqual([{ name: "silent", due_at: reportedAt + LIMIT_MS }]);
    expect(t.alarm).toBe(reportedAt + LIMIT_MS);
  });

  it("an available driver silent past the limit is taken offline by the alarm, says why, and drops out of the cell", async () => {
    const at = point();
    const { id, stub } = await onlineDriver(at);
    expect(await listedNear(at)).toContain(id);
    await age(stub, (r) => ({ ...r, driver: { ...r.driver, locationAt: new Date(Date.now() - LIMIT_MS - 1000).toISOString() } }));
    await silentDueNow(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    expect((await stub.get())?.status).toBe("offline");
    const t = await tables(stub);
    expect(t.events.at(-1)).toEqual({ type: "DriverWentOffline", data: JSON.stringify({ reason: "silent" }) });
    expect(t.timers.filter((x) => x.name === "silent")).toEqual([]);
    expect(await listedNear(at)).not.toContain(id);
    // Offline for silence is like any offline: the driver comes back by going online.
    expect((await stub.goOnline(at, "back")).ok).toBe(true);
    expect(await listedNear(at)).toContain(id);
  });

  it("a driver heard from since the timer was set stays available, and is looked at again at the last report + the limit", async () => {
    const at = point();
    const { id, stub } = await onlineDriver(at);
    expect((await stub.updateLocation({ lat: at.lat + 0.0001, lng: at.lng })).ok).toBe(true);
    const reportedAt = Date.parse((await driverRecordOf(stub)).driver.locationAt!);
    await silentDueNow(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    expect((await stub.get())?.status).toBe("available");
    const t = await tables(stub);
    expect(t.timers).toEqual([{ name: "silent", due_at: reportedAt + LIMIT_MS }]);
    expect(t.alarm).toBe(reportedAt + LIMIT_MS);
    expect(await listedNear(at)).toContain(id);
  });

  it("a location report never moves the timer, and sets it if it is missing (a driver online since before it existed)", async () => {
    const at = point();
    const { stub } = await onlineDriver(at);
    const set = (await tables(stub)).timers;
    expect((await stub.updateLocation({ lat: at.lat + 0.0001, lng: at.lng })).ok).toBe(true);
    expect((await tables(stub)).timers).toEqual(set);
    await runInDurableObject(stub, (_i: DriverDurableObject, state) => void state.storage.sql.exec("DELETE FROM timers WHERE name = 'silent'"));
    expect((await stub.updateLocation({ lat: at.lat + 0.0002, lng: at.lng })).ok).toBe(true);
    const reportedAt = Date.parse((await driverRecordOf(stub)).driver.locationAt!);
    expect((await tables(stub)).timers).toEqual([{ name: "silent", due_at: reportedAt + LIMIT_MS }]);
  });

  it("a driver on a trip is not taken offline for silence: looked at again a limit later", async () => {
    const { driver, ride } = await rideInProgress();
    const { stub } = driver;
    // Their first report past the pickup: the ride says it wants no more positions, and the Driver DO knows the pickup is behind.
    expect((await stub.updateLocation({ ...ride.pickup, lat: ride.pickup.lat + 0.0001 })).ok).toBe(true);
    await until(async () => ((await driverRecordOf(stub)).etaDoneRideId === ride.id ? true : undefined), "the ride wants no more positions");
    const asked = await watchDeclines(ride.id);
    await age(stub, (r) => ({ ...r, driver: { ...r.driver, locationAt: new Date(Date.now() - LIMIT_MS * 2).toISOString() } }));
    await silentDueNow(stub);
    const before = Date.now();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.get()).toMatchObject({ status: "on_trip", currentRideId: ride.id });
    const silent = (await tables(stub)).timers.find((x) => x.name === "silent");
    expect(silent!.due_at).toBeGreaterThanOrEqual(before + LIMIT_MS);
    // The ride, asked to take them off, says no: past the pickup the trip is theirs to end.
    const answers = await until(async () => (asked.length > 0 ? asked : undefined), "the ride asked");
    expect(await Promise.all(answers)).toMatchObject([{ ok: false, problem: { code: "offer_not_available" } }]);
    expect(unwrap(await rideStub(ride.id).get({ id: "ops", role: "ops" }))).toMatchObject({ status: "in_progress", driver: { id: driver.id } });
  });
});

/** The ride once it dispatches again (its driver taken off). */
const dispatchingAgain = (stub: Awaited<ReturnType<typeof createRide>>["stub"]) =>
  until(async () => {
    const now = unwrap(await stub.get({ id: "ops", role: "ops" }));
    return now.status === "dispatching" ? now : undefined;
  }, "the ride dispatching again");

/** A ride offered to a driver online at its pickup (offer mode), not yet accepted. */
async function offeredRide() {
  const pickup = apart();
  const driver = await onlineDriver(pickup);
  const { stub, ride, input } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 } });
  await until(async () => ((await driver.stub.offers()).some((o) => o.rideId === ride.id) ? true : undefined), "the offer");
  return { stub, ride, input, driver };
}

describe("Driver DO: a driver assigned to a pickup who goes silent", () => {
  it("accepting brings the silent timer forward to the last report + DRIVER_PICKUP_SILENT_S, and the alarm with it", async () => {
    expect(PICKUP_MS).toBeGreaterThan(0);
    expect(PICKUP_MS).toBeLessThan(LIMIT_MS);
    const { stub, driver } = await offeredRide();
    const reportedAt = Date.parse((await driverRecordOf(driver.stub)).driver.locationAt!);
    expect((await tables(driver.stub)).timers).toEqual([{ name: "silent", due_at: reportedAt + LIMIT_MS }]);
    unwrap(await stub.accept(driver.id, "req"));
    const t = await tables(driver.stub);
    expect(t.timers).toEqual([{ name: "silent", due_at: reportedAt + PICKUP_MS }]);
    expect(t.alarm).toBe(reportedAt + PICKUP_MS);
  });

  it("is taken off it at the silent check: the ride dispatches again without them (why silent), and they are released", async () => {
    const { stub, driver } = await offeredRide();
    expect(unwrap(await stub.accept(driver.id, "req")).status).toBe("driver_assigned");
    // Silent past the pickup limit, well short of the offline limit.
    await age(driver.stub, (r) => ({ ...r, driver: { ...r.driver, locationAt: new Date(Date.now() - PICKUP_MS - 1000).toISOString() } }));
    await silentDueNow(driver.stub);
    const checkedAt = Date.now();
    expect(await runDurableObjectAlarm(driver.stub)).toBe(true);

    expect((await dispatchingAgain(stub)).driver).toBeNull();
    const timeline = unwrap((await stub.timeline({ id: "ops", role: "ops" })) as Outcome<TimelineItem[]>);
    expect(timeline.find((e) => e.type === "DriverUnassigned")?.data).toEqual({ driverId: driver.id, why: "silent" });
    expect(await driver.stub.get()).toMatchObject({ status: "available", currentRideId: null });
    // Not offered the ride again, and looked at again a limit on (then taken offline, being available and silent).
    expect(await stub.claims(driver.id)).toBe(false);
    const silent = (await tables(driver.stub)).timers.find((x) => x.name === "silent");
    expect(silent!.due_at).toBeGreaterThanOrEqual(checkedAt + PICKUP_MS);
  });

  it("one who arrived before going silent is left on past the pickup limit (their Driver DO had not heard), and taken off at the offline limit", async () => {
    const { stub, ride, driver } = await offeredRide();
    unwrap(await stub.accept(driver.id, "req"));
    expect(unwrap(await stub.advance(driver.id, "arrive", {}, "req-arrive")).status).toBe("driver_arrived");
    const asked = await watchDeclines(ride.id);
    const silentFor = (ms: number) => age(driver.stub, (r) => ({ ...r, driver: { ...r.driver, locationAt: new Date(Date.now() - ms).toISOString() } }));
    await silentFor(PICKUP_MS + 1000);
    await silentDueNow(driver.stub);
    expect(await runDurableObjectAlarm(driver.stub)).toBe(true);
    const first = await until(async () => (asked.length > 0 ? asked.slice() : undefined), "the ride asked");
    expect(await Promise.all(first)).toMatchObject([{ ok: false, problem: { code: "offer_not_available" } }]);
    expect(unwrap(await stub.get({ id: "ops", role: "ops" }))).toMatchObject({ status: "driver_arrived", driver: { id: driver.id } });

    await silentFor(LIMIT_MS + 1000);
    await silentDueNow(driver.stub);
    expect(await runDurableObjectAlarm(driver.stub)).toBe(true);
    expect((await dispatchingAgain(stub)).driver).toBeNull();
    // Released, and silent past the offline limit: the release brings the timer forward, which takes them offline.
    const gone = await until(async () => ((await driver.stub.get())?.status === "offline" ? await driver.stub.get() : undefined), "the driver offline");
    expect(gone).toMatchObject({ status: "offline", currentRideId: null });
  });

  it("one heard from within the limit is left on the ride", async () => {
    const { stub, ride, driver } = await offeredRide();
    unwrap(await stub.accept(driver.id, "req"));
    await age(driver.stub, (r) => ({ ...r, driver: { ...r.driver, locationAt: new Date(Date.now() - PICKUP_MS + 60_000).toISOString() } }));
    await silentDueNow(driver.stub);
    expect(await runDurableObjectAlarm(driver.stub)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(unwrap(await stub.get({ id: "ops", role: "ops" }))).toMatchObject({ status: "driver_assigned", driver: { id: driver.id } });
    expect(await driver.stub.get()).toMatchObject({ status: "on_trip", currentRideId: ride.id });
  });
});

describe("Driver DO: held by a ride that no longer claims them (a release lost to a crash)", () => {
  /** A driver offered a dispatching ride that does not know them (a lost round and a lost release), or names them as written ahead. */
  async function heldBy(writtenAhead: boolean) {
    const { stub, ride, driver } = await reservedBehindRide(writtenAhead);
    expect(await stub.claims(driver.id)).toBe(writtenAhead);
    return { ride, driver };
  }

  it("lets go of it at the silent timer (DriverReleased, reason unclaimed) and is available and listed again", async () => {
    const { ride, driver } = await heldBy(false);
    expect(await driver.stub.get()).toMatchObject({ status: "offered", currentRideId: ride.id });
    await silentDueNow(driver.stub);
    expect(await runDurableObjectAlarm(driver.stub)).toBe(true);

    expect(await driver.stub.get()).toMatchObject({ status: "available", currentRideId: null });
    const t = await tables(driver.stub);
    expect(t.events.at(-1)).toEqual({ type: "DriverReleased", data: JSON.stringify({ rideId: ride.id, reason: "unclaimed" }) });
    expect(t.timers.map((x) => x.name)).toEqual(["silent"]);
    const at = (await driverRecordOf(driver.stub)).driver.location!;
    await until(async () => ((await listedNear(at)).includes(driver.id) ? true : undefined), "the driver listed again");
  });

  it("a trip's end whose release is lost: the ride ends at once, and the driver lets go of it at the silent timer", async () => {
    const { stub, ride, driver } = await rideInProgress();
    // The release after the commit fails, as a process killed right after the commit would lose it.
    const releases = await failReleases(stub);
    const ended = unwrap(await stub.advance(driver.id, "complete", {}, "req-complete"));
    expect(ended.status).not.toBe("in_progress");
    expect(releases.tried).toBe(1);
    // The driver still thinks they are on the trip; the ride no longer claims them.
    expect(await driver.stub.get()).toMatchObject({ status: "on_trip", currentRideId: ride.id });
    expect(await stub.claims(driver.id)).toBe(false);
    await silentDueNow(driver.stub);
    expect(await runDurableObjectAlarm(driver.stub)).toBe(true);
    expect(await driver.stub.get()).toMatchObject({ status: "available", currentRideId: null });
    expect((await tables(driver.stub)).events.at(-1)).toEqual({ type: "DriverReleased", data: JSON.stringify({ rideId: ride.id, reason: "unclaimed" }) });
  });

  it("a trip's end whose release is lost: the ride's next commit pushes it to the driver, who lets go of it then, not at the silent timer", async () => {
    const { stub, ride, driver } = await rideInProgress();
    await failReleases(stub);
    expect(unwrap(await stub.advance(driver.id, "complete", {}, "req-complete")).status).toBe("payment_pending");
    expect(await driver.stub.get()).toMatchObject({ status: "on_trip", currentRideId: ride.id });
    const silentBefore = (await tables(driver.stub)).timers;
    // The ride's next commit (here its hold's answer; in a served ride, the capture's) that the driver did not make is pushed to them.
    const result: PaymentResult = {
      rideId: ride.id,
      action: "authorize",
      outcome: "succeeded",
      idempotencyKey: `${ride.id}:authorize`,
      providerRef: "pi_push",
      detail: null,
      amount: ride.quote,
    };
    unwrap(await stub.applyPaymentResult(result));
    const freed = await until(async () => ((await driver.stub.get())?.status === "available" ? await driver.stub.get() : undefined), "the driver let go");
    expect(freed).toMatchObject({ status: "available", currentRideId: null });
    const after = await tables(driver.stub);
    expect(after.events.at(-1)).toEqual({ type: "DriverReleased", data: JSON.stringify({ rideId: ride.id, reason: "unclaimed" }) });
    expect(after.timers, "the silent timer did not fire: it is as it was").toEqual(silentBefore);
  });

  it("a silent driver's take-off whose release is lost: the ride dispatches again at once, and the driver lets go of it at the next silent check", async () => {
    const { stub, ride, driver } = await offeredRide();
    unwrap(await stub.accept(driver.id, "req"));
    // The release fails, as a process killed right after the take-off's commit would lose it (before, the ride released first:
    // killed then, it kept a driver who no longer held it, and nobody asked again for two hours).
    const releases = await failReleases(stub);
    await age(driver.stub, (r) => ({ ...r, driver: { ...r.driver, locationAt: new Date(Date.now() - PICKUP_MS - 1000).toISOString() } }));
    await silentDueNow(driver.stub);
    expect(await runDurableObjectAlarm(driver.stub)).toBe(true);

    expect((await dispatchingAgain(stub)).driver).toBeNull();
    await until(async () => (releases.tried > 0 ? true : undefined), "the release tried");
    expect(await stub.claims(driver.id)).toBe(false);
    expect(await driver.stub.get()).toMatchObject({ status: "on_trip", currentRideId: ride.id });
    // The next check (a pickup limit on) asks the ride, which no longer claims them.
    await silentDueNow(driver.stub);
    expect(await runDurableObjectAlarm(driver.stub)).toBe(true);
    expect(await driver.stub.get()).toMatchObject({ status: "available", currentRideId: null });
    expect((await tables(driver.stub)).events.at(-1)).toEqual({ type: "DriverReleased", data: JSON.stringify({ rideId: ride.id, reason: "unclaimed" }) });
  });

  it("a rider's cancel whose release fails is made all the same (not a 503), and its push to the driver frees them", async () => {
    const { stub, ride, input, driver } = await offeredRide();
    unwrap(await stub.accept(driver.id, "req"));
    const releases = await failReleases(stub);
    // Released first, a driver's object that could not be reached made the cancel fail; the rider's cancel no longer waits on it.
    expect(unwrap(await stub.cancel({ id: input.riderId, role: "rider" }, "changed plans", "req-cancel")).status).toBe("cancelled");
    expect(releases.tried).toBe(1);
    expect(await stub.claims(driver.id)).toBe(false);
    const freed = await until(async () => ((await driver.stub.get())?.status === "available" ? await driver.stub.get() : undefined), "the driver let go");
    expect(freed).toMatchObject({ status: "available", currentRideId: null });
    expect((await tables(driver.stub)).events.at(-1)).toEqual({ type: "DriverReleased", data: JSON.stringify({ rideId: ride.id, reason: "unclaimed" }) });
  });

  it("a declined offer whose release fails changes nothing (503): the offer stays, and the decline sent again frees the driver", async () => {
    const { stub, ride, driver } = await offeredRide();
    const releases = await failReleases(stub);
    // Released after the commit, a lost release would leave the driver offered, refused by every other ride, for ten minutes.
    expect(await stub.decline(driver.id, "req-decline")).toMatchObject({ ok: false, problem: { code: "unavailable" } });
    expect(await stub.claims(driver.id)).toBe(true);
    expect(await driver.stub.get()).toMatchObject({ status: "offered", currentRideId: ride.id });
    releases.down = false;
    expect((await stub.decline(driver.id, "req-decline-2")).ok).toBe(true);
    expect(await stub.claims(driver.id)).toBe(false);
    expect(await driver.stub.get()).toMatchObject({ status: "available", currentRideId: null });
  });

  it("stays held while the ride claims them (a round wrote them ahead, its commit not yet made)", async () => {
    const { ride, driver } = await heldBy(true);
    await silentDueNow(driver.stub);
    expect(await runDurableObjectAlarm(driver.stub)).toBe(true);
    expect(await driver.stub.get()).toMatchObject({ status: "offered", currentRideId: ride.id });
    expect((await tables(driver.stub)).events.at(-1)?.type).toBe("DriverOffered");
  });
});

describe("Driver DO: no relay fallback while the silent timer is set", () => {
  it("a reservation and a release leave their messages unsent for a while with no `outbox` timer and the alarm unmoved", async () => {
    const { stub } = await onlineDriver(point());
    const alarmBefore = (
      await until(async () => {
        const t = await tables(stub);
        return t.outbox === 0 ? t : undefined;
      }, "the outbox relayed")
    ).alarm;
    // Every send waits for the test: the relay after each commit is still running while the tables are read.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await runInDurableObject(stub, (instance: DriverDurableObject) => {
      instance.send = async () => void (await held);
    });
    // An offer, then its release (an assignment brings the timer forward to the pickup limit, tested above).
    expect((await stub.reserve(offerOf("rd_nofallback"), 30, "c")).ok).toBe(true);
    expect((await stub.release("rd_nofallback", "c"))?.status).toBe("available");
    const during = await tables(stub);
    expect(during.outbox).toBeGreaterThan(0);
    expect(during.timers.map((x) => x.name)).toEqual(["silent"]);
    expect(during.alarm).toBe(alarmBefore);

    release();
    const after = await until(async () => {
      const t = await tables(stub);
      return t.outbox === 0 ? t : undefined;
    }, "the outbox relayed");
    expect(after.timers.map((x) => x.name)).toEqual(["silent"]);
    expect(after.alarm).toBe(alarmBefore);
  });
});
