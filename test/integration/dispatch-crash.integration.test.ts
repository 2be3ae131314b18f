/**
 * A ride's instance dying between two steps of a dispatch round, with real Ride and Driver
 * DOs: the Driver DO committed the reservation, the ride never committed the assignment.
 * The round wrote the driver ahead (`RideRecord.reserving`), so the next round takes that
 * driver and a cancellation releases them: no driver is left on a trip the ride never had.
 * And a timer whose run was cut short stays due, so that next round runs at all.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DriverDurableObject } from "../../src/durable-objects/driver";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import type { RideRecord } from "../../src/domain/ride-machine";
import { unwrap } from "../../src/lib/problem";
import { apart, onlineDriver, reservedBehindRide, until } from "./helpers";

type RideStub = Awaited<ReturnType<typeof reservedBehindRide>>["stub"];

/** What a dead instance leaves: the driver reserved for the ride (their DO committed it), the ride's record naming them as written ahead. */
const leftBehind = () => reservedBehindRide(true);

const dispatchDueNow = (stub: RideStub) =>
  runInDurableObject(stub, (_i: RideDurableObject, state) => {
    state.storage.sql.exec("DELETE FROM timers WHERE name = 'dispatch'");
    state.storage.sql.exec("INSERT INTO timers (name, due_at, payload) VALUES ('dispatch', ?, NULL)", Date.now() - 1);
  });

/** The driver heard from last a minute ago: silent past the freshness rule, so their own Driver DO refuses a reservation. */
const silenceOf = (driver: DurableObjectStub<DriverDurableObject>) =>
  runInDurableObject(driver, (_i: DriverDurableObject, state) => {
    const record = JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM driver").one().record) as { driver: { locationAt: string } };
    record.driver.locationAt = new Date(Date.now() - 60_000).toISOString();
    state.storage.sql.exec("UPDATE driver SET record = ?", JSON.stringify(record));
  });

/** Runs the ride's next round (its `dispatch` timer due now) and answers the record once it holds an offer. */
async function nextRoundOffers(stub: RideStub): Promise<RideRecord> {
  await dispatchDueNow(stub);
  await runDurableObjectAlarm(stub);
  const record = () =>
    runInDurableObject(
      stub,
      (_i: RideDurableObject, state) => JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one().record) as RideRecord,
    );
  return until(async () => ((await record()).offer ? record() : undefined), "the offer", 3000);
}

describe("Ride DO: an instance dying between the reservation and its commit", () => {
  it("the next round takes the driver written ahead, who holds the ride: the offer is theirs, and they can accept it", async () => {
    const { stub, ride, driver } = await leftBehind();
    const record = await nextRoundOffers(stub);
    expect(record.offer?.driverId).toBe(driver.id);
    expect(record.reserving).toBeUndefined();
    const accepted = unwrap(await stub.accept(driver.id, "req-accept"));
    expect(accepted.driver?.id).toBe(driver.id);
    expect(await driver.stub.get()).toMatchObject({ status: "on_trip", currentRideId: ride.id });
  });

  it("a round long after the crash (the first offer expired) shows the driver the offer the ride committed, until its expiry", async () => {
    const { stub, ride, driver } = await reservedBehindRide(true, Date.now() - 1000);
    expect(await driver.stub.offers()).toEqual([]);
    const record = await nextRoundOffers(stub);
    expect(record.offer?.driverId).toBe(driver.id);
    expect(await driver.stub.offers()).toEqual([expect.objectContaining({ rideId: ride.id, expiresAt: record.offer!.expiresAt })]);
  });

  it("a round long after the crash, the driver silent since, offers them nothing and lets them go: never left offered to a ride that forgot them", async () => {
    const { stub, ride, driver } = await reservedBehindRide(true, Date.now() - 1000);
    await silenceOf(driver.stub);
    await dispatchDueNow(stub);
    await runDurableObjectAlarm(stub);
    const released = await until(
      async () => {
        const d = await driver.stub.get();
        return d && d.currentRideId === null ? d : undefined;
      },
      "the driver let go",
      3000,
    );
    expect(released.status).not.toBe("offered");
    const record = await runInDurableObject(
      stub,
      (_i: RideDurableObject, state) => JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one().record) as RideRecord,
    );
    expect(record.ride).toMatchObject({ id: ride.id, status: "dispatching" });
    expect(record.offer ?? null).toBeNull();
    expect(record.reserving).toBeUndefined();
  });

  it("a first round that died (the ride still requested) and whose driver then refuses: the round's commit does not bring the driver back", async () => {
    const { stub, ride, driver } = await reservedBehindRide(true, Date.now() - 1000);
    await silenceOf(driver.stub);
    // What the first round's death leaves: the ride not yet dispatching, the driver written ahead.
    await runInDurableObject(stub, (_i: RideDurableObject, state) => {
      const record = JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one().record) as RideRecord;
      state.storage.sql.exec("UPDATE ride SET record = ?", JSON.stringify({ ...record, ride: { ...record.ride, status: "requested" } }));
    });
    await dispatchDueNow(stub);
    await runDurableObjectAlarm(stub);
    const record = await until(
      async () => {
        const r = await runInDurableObject(
          stub,
          (_i: RideDurableObject, state) => JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one().record) as RideRecord,
        );
        return r.ride.status === "dispatching" ? r : undefined;
      },
      "the round's commit",
      3000,
    );
    expect(record.ride.id).toBe(ride.id);
    expect(record.reserving).toBeUndefined();
  });

  it("a cancellation before that round releases the driver written ahead", async () => {
    const { stub, input, driver } = await leftBehind();
    const cancelled = unwrap(await stub.cancel({ id: input.riderId, role: "rider" }, "changed plans", "req-cancel"));
    expect(cancelled.status).toBe("cancelled");
    expect(await driver.stub.get()).toMatchObject({ status: "available", currentRideId: null });
  });
});

describe("Aggregates: a timer cut short stays due", () => {
  it("a timer whose run never ended (a process killed in the middle) is still due, for the object's next start to run", async () => {
    const { stub } = await onlineDriver(apart());
    let ran = 0;
    await runInDurableObject(stub, async (instance: DriverDurableObject, state) => {
      state.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = 'silent'", Date.now() - 1);
      // The run never ends: what a process killed in the middle of it looks like from storage.
      (instance as unknown as { onTimer: () => Promise<void> }).onTimer = () => ((ran += 1), new Promise<void>(() => undefined));
      void instance.alarm();
      await until(async () => (ran > 0 ? true : undefined), "the run started", 2000);
      expect(
        state.storage.sql
          .exec<{ name: string }>("SELECT name FROM timers")
          .toArray()
          .map((t) => t.name),
      ).toContain("silent");
    });
  });
});
