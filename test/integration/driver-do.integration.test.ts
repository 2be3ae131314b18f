/**
 * The Driver DO as the lock on a driver: of two reservations racing for one driver,
 * exactly one wins; releases are idempotent and only free the ride that holds it. A
 * driver rejected by ops loses its offer (the ride moves on) and can confirm nothing; a ride
 * they were assigned goes to another driver before the pickup, and is theirs to finish after.
 * And the Ride DO's timers are safe to run twice. A new driver is listed in the fleet before
 * their first commit (none registered while it cannot answer), and a ride's calls to the
 * driver's and the rider's objects carry the correlation id of the request behind them.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DriverDurableObject } from "../../src/durable-objects/driver";
import { fleetStub } from "../../src/durable-objects/stubs";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import type { RideRecord } from "../../src/domain/ride-machine";
import type { Ride } from "../../src/domain/types";
import { apart, createRide, offerOf, onlineDriver as onlineAt, rideInProgress, testEnv, uniqueId, until } from "./helpers";

/** The ride as an operator reads it. */
async function rideNow(ride: DurableObjectStub<RideDurableObject>): Promise<Ride | null> {
  const read = await ride.get({ id: "ops", role: "ops" });
  return read.ok ? read.value : null;
}

/** A driver online at `pickup` who took the offer of a ride requested there and arrived at the pickup. */
async function arrivedAt(pickup: { lat: number; lng: number }) {
  const a = await onlineAt(pickup);
  const { stub: ride, ride: created } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 } });
  await until(async () => ((await a.stub.offers()).some((o) => o.rideId === created.id) ? true : undefined), "the offer to a");
  expect((await ride.accept(a.id, "req")).ok).toBe(true);
  expect((await ride.advance(a.id, "arrive", {}, "arrive")).ok).toBe(true);
  return { pickup, a, ride, created };
}

async function onlineDriver() {
  const id = uniqueId("d");
  const stub = testEnv.DRIVER.get(testEnv.DRIVER.idFromName(id));
  await stub.register(id, { name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" } }, true, "c");
  const online = await stub.goOnline({ lat: 37.5, lng: 127 }, "c");
  expect(online.ok).toBe(true);
  return { id, stub };
}

describe("Driver DO: one ride at a time", () => {
  it("of many reservations racing for one driver, exactly one wins", async () => {
    const { stub } = await onlineDriver();
    const rides = Array.from({ length: 8 }, (_, i) => `rd_race${i}`);
    const results = await Promise.all(rides.map((r, i) => stub.reserve(i % 2 ? offerOf(r) : { kind: "assign", rideId: r }, 30, "c")));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const winner = rides[results.findIndex((r) => r.ok)]!;
    const now = await stub.get();
    expect(now?.currentRideId).toBe(winner);
    expect(["offered", "on_trip"]).toContain(now?.status);
    for (const r of results.filter((x) => !x.ok)) expect(!r.ok && r.problem.code).toBe("offer_not_available");
  });

  it("releasing another ride changes nothing; releasing its own frees it, twice is fine", async () => {
    const { stub } = await onlineDriver();
    expect((await stub.reserve({ kind: "assign", rideId: "rd_mine" }, 30, "c")).ok).toBe(true);
    expect((await stub.release("rd_other", "c"))?.status).toBe("on_trip");
    expect((await stub.release("rd_mine", "c"))?.status).toBe("available");
    expect((await stub.release("rd_mine", "c"))?.status).toBe("available");
    expect((await stub.reserve({ kind: "assign", rideId: "rd_next" }, 30, "c")).ok).toBe(true);
  });

  it("confirming an offer turns it into the trip; a confirm for another ride is refused", async () => {
    const { stub } = await onlineDriver();
    expect((await stub.reserve(offerOf("rd_o1"), 30, "c")).ok).toBe(true);
    expect((await stub.confirm("rd_o2", "c")).ok).toBe(false);
    const confirmed = await stub.confirm("rd_o1", "c");
    expect(confirmed.ok && confirmed.value.status).toBe("on_trip");
    expect(await stub.offers()).toEqual([]);
  });

  it("a driver whose location is older than the freshness limit is not reserved", async () => {
    const { stub } = await onlineDriver();
    const stale = await stub.reserve({ kind: "assign", rideId: "rd_s" }, 0.001, "c");
    expect(stale.ok).toBe(false);
  });
});

describe("Driver DO: a ride's pushes to the driver's sockets", () => {
  it("a push older than one already sent is dropped; each newer one goes out (the ride's pushes are not ordered on the way)", async () => {
    const { stub } = await onlineDriver();
    const sent: number[] = [];
    await runInDurableObject(stub, (instance: DriverDurableObject) => {
      // The sockets, as the broadcast sees them: what went out to them.
      (instance as unknown as { broadcast: (message: string) => number }).broadcast = (message) => {
        sent.push((JSON.parse(message) as { ride: Ride }).ride.version);
        return 1;
      };
    });
    const ride = (version: number, status: Ride["status"]) => ({ id: "rd_pushed", version, status }) as Ride;
    expect(await stub.rideChanged(ride(6, "cancelled"))).toBe(1); // the cancel, arriving first
    expect(await stub.rideChanged(ride(5, "driver_assigned"))).toBe(0); // the ETA change before it, overtaken
    expect(await stub.rideChanged(ride(6, "cancelled"))).toBe(0);
    expect(await stub.rideChanged(ride(7, "cancelled"))).toBe(1);
    expect(sent).toEqual([6, 7]);
  });
});

describe("Driver DO: the alarm after a crash", () => {
  it("a timer with no alarm (a crash between the commit and setAlarm) is re-armed when the object starts again", async () => {
    const { stub } = await onlineDriver();
    const dueAt = Date.now() + 60_000;
    await runInDurableObject(stub, async (_instance: DriverDurableObject, state) => {
      state.storage.sql.exec("DELETE FROM timers");
      state.storage.sql.exec("INSERT INTO timers (name, due_at, payload) VALUES ('outbox', ?, NULL)", dueAt);
      await state.storage.deleteAlarm();
      expect(await state.storage.getAlarm()).toBeNull();
      // The next start of the object, over the same storage: what the runtime does after a crash.
      new DriverDurableObject(state, testEnv);
      expect(await until(async () => (await state.storage.getAlarm()) ?? undefined, "the alarm", 3000)).toBe(dueAt);
    });
  });
});

describe("Driver DO: rejection by ops", () => {
  it("takes back an open offer: the ride moves on at once, the driver is offline and cannot take it", async () => {
    const pickup = { lat: 33.1 + Math.random() * 0.05, lng: 126.2 + Math.random() * 0.05 };
    const a = await onlineAt(pickup);
    const { stub: ride, ride: created } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 } });
    await until(async () => ((await a.stub.offers()).some((o) => o.rideId === created.id) ? true : undefined), "the offer to a");

    const rejected = await a.stub.setApproval({ type: "reject" }, "ops-req");
    expect(rejected.ok && rejected.value).toMatchObject({ approval: "rejected", status: "offline", currentRideId: null });
    expect(await a.stub.offers()).toEqual([]);
    const record = await runInDurableObject(ride, (_i: RideDurableObject, state) => {
      const row = state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one();
      const types = state.storage.sql
        .exec<{ type: string }>("SELECT type FROM events ORDER BY version")
        .toArray()
        .map((e) => e.type);
      return { record: JSON.parse(row.record) as RideRecord, types };
    });
    expect(record.record.offer).toBeNull();
    expect(record.record.excludedDriverIds).toContain(a.id);
    expect(record.types).toContain("OfferWithdrawn");
    const accepted = await ride.accept(a.id, "late");
    expect(!accepted.ok && accepted.problem.code).toBe("offer_not_available");

    // The next driver gets the ride.
    const b = await onlineAt({ lat: pickup.lat + 0.001, lng: pickup.lng });
    await until(async () => ((await b.stub.offers()).some((o) => o.rideId === created.id) ? true : undefined), "the offer to b");
    const taken = await ride.accept(b.id, "req");
    expect(taken.ok && taken.value.driver?.id).toBe(b.id);
  });

  it("takes a rejected driver off a ride before the pickup: it goes to another driver, the rider is told, the rejected driver is freed and offline", async () => {
    const { pickup, a, ride, created } = await arrivedAt({ lat: 33.2 + Math.random() * 0.05, lng: 126.3 + Math.random() * 0.05 });

    const rejected = await a.stub.setApproval({ type: "reject", reason: "licence revoked" }, "ops-reject");
    expect(rejected.ok && rejected.value).toMatchObject({ approval: "rejected" });
    // The ride lets go of them once the rejection has left the driver's queue, then releases them: offline, not available.
    await until(async () => ((await rideNow(ride))?.status === "dispatching" ? true : undefined), "the ride dispatching again");
    await until(async () => ((await a.stub.get())?.currentRideId === null ? true : undefined), "a released");
    expect(await a.stub.get()).toMatchObject({ status: "offline", currentRideId: null });
    const events = await runInDurableObject(ride, (_i: RideDurableObject, state) =>
      state.storage.sql.exec<{ type: string; data: string }>("SELECT type, data FROM events ORDER BY version").toArray(),
    );
    expect(events.map((e) => e.type).slice(-2)).toEqual(["DriverUnassigned", "DriverReleased"]);
    expect(JSON.parse(events.at(-2)!.data)).toEqual({ driverId: a.id, why: "rejected" });
    expect((await rideNow(ride))?.driver).toBeNull();

    // The next driver gets the ride; the rejected one is never offered it again.
    const b = await onlineAt({ lat: pickup.lat + 0.001, lng: pickup.lng });
    await until(async () => ((await b.stub.offers()).some((o) => o.rideId === created.id) ? true : undefined), "the offer to b");
    expect((await ride.accept(b.id, "req-b")).ok).toBe(true);
    const again = await ride.accept(a.id, "late");
    expect(!again.ok && again.problem.code).toBe("offer_not_available");
  });

  it("leaves a trip under way to its rejected driver, who goes offline at its end", async () => {
    const { a, ride, created } = await arrivedAt({ lat: 33.3 + Math.random() * 0.05, lng: 126.4 + Math.random() * 0.05 });
    expect((await ride.advance(a.id, "start", {}, "start")).ok).toBe(true);

    expect((await a.stub.setApproval({ type: "reject" }, "ops-reject")).ok).toBe(true);
    // The withdrawal the rejection sends changes nothing on a trip under way (sent again here: it is idempotent).
    expect(await ride.withdrawOffer(a.id, "driver_rejected", "ops-reject-2")).toEqual({ ok: true, value: null });
    expect(await rideNow(ride)).toMatchObject({ status: "in_progress", driver: { id: a.id } });
    expect(await a.stub.get()).toMatchObject({ status: "on_trip", currentRideId: created.id });
    expect((await ride.advance(a.id, "complete", {}, "complete")).ok).toBe(true);
    await until(async () => ((await a.stub.get())?.currentRideId === null ? true : undefined), "a released");
    expect(await a.stub.get()).toMatchObject({ status: "offline", approval: "rejected" });
  });

  it("a rejected driver confirms nothing, even an offer the ride still shows (the rejection raced the accept)", async () => {
    const { stub } = await onlineDriver();
    expect((await stub.reserve(offerOf("rd_raced"), 30, "c")).ok).toBe(true);
    // No such Ride DO holds this offer: the withdrawal finds nothing to do, the driver is still refused.
    await stub.setApproval({ type: "reject" }, "c");
    const confirmed = await stub.confirm("rd_raced", "c");
    expect(!confirmed.ok && confirmed.problem.code).toBe("driver_not_approved");
  });

  it("a driver rejected on a trip finishes it, then goes offline rather than available", async () => {
    const { stub } = await onlineDriver();
    expect((await stub.reserve({ kind: "assign", rideId: "rd_trip" }, 30, "c")).ok).toBe(true);
    const rejected = await stub.setApproval({ type: "reject" }, "c");
    expect(rejected.ok && rejected.value).toMatchObject({ status: "on_trip", currentRideId: "rd_trip" });
    expect((await stub.release("rd_trip", "c"))?.status).toBe("offline");
    expect((await stub.goOnline({ lat: 37.5, lng: 127 }, "c")).ok).toBe(false);
  });

  it("a driver with a ride keeps the plate the rider was told (409) and stays approved; freed, the new plate waits for an operator", async () => {
    const { stub, id } = await onlineDriver();
    expect((await stub.reserve({ kind: "assign", rideId: "rd_plate" }, 30, "c")).ok).toBe(true);
    const newPlate = { name: "Kim", vehicle: { plate: "12가3456", model: "Sonata", product: "standard" as const } };
    const refused = await stub.register(id, newPlate, false, "c");
    expect(!refused.ok && refused.problem.code).toBe("invalid_transition");
    expect(await stub.get()).toMatchObject({ status: "on_trip", currentRideId: "rd_plate", approval: "approved", vehicle: { plate: "30우8281" } });
    expect((await stub.release("rd_plate", "c"))?.status).toBe("available");
    const changed = await stub.register(id, newPlate, false, "c");
    expect(changed.ok && changed.value).toMatchObject({ approval: "pending", status: "offline", vehicle: { plate: "12가3456" } });
  });
});

describe("Ride DO: timers run twice do nothing twice", () => {
  it("the dispatch deadline, fired twice, cancels once", async () => {
    const { stub, ride } = await createRide();
    await runInDurableObject(stub, (_i: RideDurableObject, state) => {
      const row = state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one();
      const record = JSON.parse(row.record) as RideRecord;
      record.dispatchDeadlineAt = new Date(Date.now() - 1000).toISOString();
      state.storage.sql.exec("UPDATE ride SET record = ?", JSON.stringify(record));
      state.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = 'deadline'", Date.now() - 1000);
    });
    await runDurableObjectAlarm(stub);
    // the same timer again, as after a crash before it was cleared
    await runInDurableObject(stub, (_i: RideDurableObject, state) => {
      state.storage.sql.exec("INSERT OR REPLACE INTO timers (name, due_at, payload) VALUES ('deadline', ?, NULL)", Date.now() - 1000);
    });
    await runDurableObjectAlarm(stub);
    const events = await runInDurableObject(stub, (_i: RideDurableObject, state) =>
      state.storage.sql
        .exec<{ type: string }>("SELECT type FROM events ORDER BY version")
        .toArray()
        .map((e) => e.type),
    );
    expect(events.filter((t) => t === "RideCancelled")).toHaveLength(1);
    const now = await stub.get({ id: ride.riderId, role: "rider" });
    expect(now.ok && now.value.cancellation).toEqual({ by: "system", reason: "no_driver_available" });
  });
});

describe("Driver DO: a new driver listed in the fleet", () => {
  const profile = { name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" as const } };
  const listedDrivers = () => fleetStub(testEnv).pageOf("drivers", null, 100_000);

  it("a first registration the fleet cannot take registers nothing (503 to retry); taken again, the driver is listed, and a profile change asks no fleet", async () => {
    const id = uniqueId("d");
    const stub = testEnv.DRIVER.get(testEnv.DRIVER.idFromName(id));
    let fleetAsked = 0;
    const overloaded = () => Object.assign(new Error("Durable Object is overloaded. Too many requests queued."), { overloaded: true });
    const downFleet = { idFromName: (name: string) => name, get: () => ({ addDrivers: async () => (fleetAsked++, Promise.reject(overloaded())) }) };
    /** Runs `body` on the live object with a fleet that cannot answer; its own fleet put back after. */
    const whileFleetDown = <T>(body: (object: DriverDurableObject, state: DurableObjectState) => Promise<T>) =>
      runInDurableObject(stub, async (instance: DriverDurableObject, state) => {
        const wired = instance as unknown as { env: Env };
        const own = wired.env;
        wired.env = { ...own, FLEET: downFleet } as unknown as Env;
        try {
          return await body(instance, state);
        } finally {
          wired.env = own;
        }
      });
    await whileFleetDown(async (object, state) => {
      const refused = await object.register(id, profile, false, "c1");
      expect(refused).toMatchObject({ ok: false, problem: { code: "unavailable" } });
      expect(fleetAsked).toBe(1);
      expect(object.get()).toBeNull();
      // Nothing written: an object never committed to has not even its tables.
      const tables = state.storage.sql.exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
      );
      expect(tables.toArray()).toEqual([]);
    });
    expect(await stub.get()).toBeNull();

    expect((await stub.register(id, profile, false, "c2")).ok).toBe(true);
    expect(await listedDrivers()).toContain(id);
    await whileFleetDown(async (object) => {
      const renamed = await object.register(id, { ...profile, name: "Park" }, false, "c3");
      expect(renamed.ok && renamed.value.name).toBe("Park");
      expect(fleetAsked, "a registered driver's change never calls the fleet").toBe(1);
    });
  });
});

describe("Ride DO: its calls to a driver's and a rider's objects carry the request's correlation id", () => {
  /** The correlation ids of an object's events of `type`, oldest first. */
  const under = <T extends Rpc.DurableObjectBranded>(stub: DurableObjectStub<T>, type: string) =>
    runInDurableObject(stub, (_i: T, state) =>
      state.storage.sql
        .exec<{ correlation_id: string }>("SELECT correlation_id FROM events WHERE type = ? ORDER BY position", type)
        .toArray()
        .map((r) => r.correlation_id),
    );
  const releasedUnder = (stub: DurableObjectStub<DriverDurableObject>) => under(stub, "DriverReleased");

  it("a driver's accept: the driver confirmed under the accept's request id", async () => {
    const pickup = apart();
    const a = await onlineAt(pickup);
    const { stub: ride, ride: created } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 } });
    await until(async () => ((await a.stub.offers()).some((o) => o.rideId === created.id) ? true : undefined), "the offer to a");
    expect((await ride.accept(a.id, "req-accept")).ok).toBe(true);
    expect(await under(a.stub, "DriverReserved")).toEqual(["req-accept"]);
  });

  it("a trip's end whose hold was declined on the way: the fare added to the rider's dues under the complete's request id", async () => {
    const { stub: ride, ride: created, input, driver } = await rideInProgress({ riderId: uniqueId("r") });
    const declined = { rideId: created.id, action: "authorize" as const, outcome: "declined" as const, idempotencyKey: `${created.id}:authorize` };
    expect((await ride.applyPaymentResult({ ...declined, providerRef: null, detail: "card_declined", amount: created.quote })).ok).toBe(true);
    const requestId = uniqueId("req");
    const ended = await ride.advance(driver.id, "complete", {}, requestId);
    expect(ended.ok && ended.value.payment.status).toBe("failed");
    expect(await under(testEnv.RIDER.get(testEnv.RIDER.idFromName(input.riderId)), "DuesIncurred")).toEqual([requestId]);
  });

  it("an offered driver freed before the rider's cancel commits: the cancel's request id, not the ride's", async () => {
    const pickup = apart();
    const a = await onlineAt(pickup);
    const { stub: ride, ride: created, input } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 } });
    await until(async () => ((await a.stub.offers()).some((o) => o.rideId === created.id) ? true : undefined), "the offer to a");
    expect((await ride.cancel({ id: input.riderId, role: "rider" }, undefined, "req-cancel")).ok).toBe(true);
    expect(await releasedUnder(a.stub)).toEqual(["req-cancel"]);
  });

  it("a driver freed after the trip's end commits: the complete's request id", async () => {
    const { stub: ride, driver } = await rideInProgress();
    expect((await ride.advance(driver.id, "complete", {}, "req-complete")).ok).toBe(true);
    // Freed after the commit, before `advance` answers (its deferred calls run once it left the queue).
    expect(await releasedUnder(testEnv.DRIVER.get(testEnv.DRIVER.idFromName(driver.id)))).toEqual(["req-complete"]);
  });
});
