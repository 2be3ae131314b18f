/**
 * The Driver DO as the lock on a driver: of two reservations racing for one driver,
 * exactly one wins; releases are idempotent and only free the ride that holds it.
 * And the Ride DO's timers are safe to run twice.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import type { RideRecord } from "../../src/domain/ride-machine";
import { createRide, testEnv, uniqueId } from "./helpers";

const offer = (rideId: string) => ({
  kind: "offer" as const,
  offer: { rideId, pickup: { lat: 37.5, lng: 127 }, dropoff: { lat: 37.51, lng: 127.01 }, product: "standard" as const, quote: { amount: 9800, currency: "KRW" as const }, expiresAt: new Date(Date.now() + 15_000).toISOString() },
});

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
    const results = await Promise.all(rides.map((r, i) => stub.reserve(i % 2 ? offer(r) : { kind: "assign", rideId: r }, 30, "c")));
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
    expect((await stub.reserve(offer("rd_o1"), 30, "c")).ok).toBe(true);
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
      state.storage.sql.exec<{ type: string }>("SELECT type FROM events ORDER BY version").toArray().map((e) => e.type),
    );
    expect(events.filter((t) => t === "RideCancelled")).toHaveLength(1);
    const now = await stub.get({ id: ride.riderId, role: "rider" });
    expect(now.ok && now.value.cancellation).toEqual({ by: "system", reason: "no_driver_available" });
  });
});
