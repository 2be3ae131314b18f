/**
 * Dispatch that waits instead of polling (decision 12), with real Ride, Driver and
 * DispatchCell objects: a ride that finds nobody registers in the cells around its
 * pickup and sets no retry timer; a driver going online (or freed) near it wakes it, oldest
 * ride first, and it is offered to that driver at once; a ride that no longer waits is
 * forgotten by the cell; the deadline still cancels a ride nobody woke.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DispatchCellDurableObject } from "../../src/durable-objects/dispatch-cell";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import type { DispatchDistrictDurableObject } from "../../src/durable-objects/dispatch-district";
import { cellOf, cellStub, districtStub } from "../../src/durable-objects/stubs";
import { WAKE_CANDIDATES } from "../../src/durable-objects/waiters";
import { districtOf } from "../../src/domain/geo";
import type { Product } from "../../src/domain/types";
import { unwrap } from "../../src/lib/problem";
import { createRide, onlineDriver, sqlOf, testEnv, uniqueId, until } from "./helpers";

type Point = { lat: number; lng: number };
const RIDER = { id: "r1", role: "rider" as const };
/** A pickup of its own: far from every other test's drivers. */
// Each test's place 44 km north of the last one's, so no test's rides or drivers are near another's.
let places = 0;
const somewhere = (): Point => ({ lat: 34.0 + places++ * 0.4 + Math.random() * 0.05, lng: 127.5 + Math.random() * 0.05 });
const north = (p: Point, m: number): Point => ({ lat: p.lat + m / 111_320, lng: p.lng });

const waitersIn = (point: Point, cell = cellStub(testEnv, cellOf(point))) =>
  runInDurableObject(cell, (instance: DispatchCellDurableObject) =>
    sqlOf(instance)
      .exec<{ ride_id: string }>("SELECT ride_id FROM waiters ORDER BY since")
      .toArray()
      .map((r) => r.ride_id),
  );
/** The rides waiting near `point`: in its cell, or with its district (for a cell that lists nobody). */
const waitingNear = async (point: Point) => {
  const withDistrict = await runInDurableObject(districtStub(testEnv, districtOf(cellOf(point))), (instance: DispatchDistrictDurableObject) =>
    sqlOf(instance)
      .exec<{ ride_id: string }>("SELECT ride_id FROM waiters ORDER BY since")
      .toArray()
      .map((r) => r.ride_id),
  );
  return [...(await waitersIn(point)), ...withDistrict];
};
const timersOf = (stub: DurableObjectStub<RideDurableObject>) =>
  runInDurableObject(stub, (_i: RideDurableObject, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM timers ORDER BY name")
      .toArray()
      .map((r) => r.name),
  );
const statusOf = async (stub: DurableObjectStub<RideDurableObject>) => {
  const got = await stub.get(RIDER);
  return got.ok ? got.value : undefined;
};

describe("DispatchCell: waiting demand", () => {
  const at = { lat: 37.5, lng: 127 };
  const entry = (driverId: string, point: Point, products: Product[] = ["standard"]) => {
    const now = Date.now();
    return { driverId, ...point, product: products[0]!, products, reportedAt: now, listedUntil: now + 60_000 };
  };

  it("a newly listed driver is answered the waiting rides it can serve, oldest first, within their radius; a renewal is answered none", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const until = Date.now() + 60_000;
    await cell.wait({ rideId: "old", product: "standard", pickup: at, radiusM: 5000, until }, Date.now() - 2000);
    await cell.wait({ rideId: "parcel", product: "parcel_small", pickup: at, radiusM: 5000, until }, Date.now() - 1500);
    await cell.wait({ rideId: "young", product: "standard", pickup: at, radiusM: 5000, until }, Date.now() - 1000);
    await cell.wait({ rideId: "near-only", product: "standard", pickup: north(at, 3000), radiusM: 1000, until }, Date.now() - 3000);
    await cell.wait({ rideId: "lapsed", product: "standard", pickup: at, radiusM: 5000, until: Date.now() - 1 }, Date.now() - 4000);
    expect((await cell.upsert(entry("d1", at), true)).waiting).toEqual(["old", "young"]);
    expect((await cell.upsert(entry("d1", at), false)).waiting).toEqual([]);
    // Registering again keeps a ride's place in line.
    await cell.wait({ rideId: "old", product: "standard", pickup: at, radiusM: 5000, until }, Date.now());
    expect((await cell.upsert(entry("d2", at), true)).waiting[0]).toBe("old");
    await cell.forget(["old"]);
    expect((await cell.upsert(entry("d3", at, ["standard", "parcel_small"]), true)).waiting).toEqual(["parcel", "young"]);
  });

  it("a ride waits in line by its request (`since`), not by when it registered here; one of before, by its registration", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const now = Date.now();
    const until = now + 60_000;
    await cell.wait({ rideId: "registered-first", product: "standard", pickup: at, radiusM: 5000, until, since: now - 5_000 }, now - 1_000);
    // Requested before it (its first offer declined): registered here only now.
    await cell.wait({ rideId: "requested-first", product: "standard", pickup: at, radiusM: 5000, until, since: now - 30_000 }, now);
    await cell.wait({ rideId: "of-before", product: "standard", pickup: at, radiusM: 5000, until }, now - 10_000);
    expect((await cell.upsert(entry("d1", at), true)).waiting).toEqual(["requested-first", "of-before", "registered-first"]);
  });

  it("a driver back after their listing lapsed (silent past its lease, or its renewals failed) wakes the rides waiting, though their own record names this cell still", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const now = Date.now();
    // Listed once, the lease long run out: the driver went silent, and no ride tried them meanwhile.
    await cell.upsert({ ...entry("d_back", at), reportedAt: now - 300_000, listedUntil: now - 1 }, true);
    await cell.wait({ rideId: "waiting", product: "standard", pickup: at, radiusM: 5000, until: now + 60_000 }, now);
    // Their next report is a renewal to their Driver DO (same cell, same version), but new here.
    expect((await cell.upsert(entry("d_back", at), false)).waiting).toEqual(["waiting"]);
    // A renewal of a listing still live answers none.
    expect((await cell.upsert(entry("d_back", at), false)).waiting).toEqual([]);
  });

  it("a ride gone from a list is forgotten as of that list's answer: one that registered again since stays", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const until = Date.now() + 60_000;
    const waiter = (rideId: string) => ({ rideId, product: "standard" as const, pickup: at, radiusM: 5000, until });
    await cell.wait(waiter("served"), Date.now());
    await cell.wait(waiter("back"), Date.now());
    const page = await cell.upsert(entry("d1", at), true);
    expect(page.waiting).toEqual(["served", "back"]);
    // "back" answered its wake not_waiting (its offer out); the offer ended and it registered again before the forget came.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await cell.wait(waiter("back"), Date.now());
    await cell.forget(["served", "back"], page.at);
    expect(await waitersIn(at, cell)).toEqual(["back"]);
    // The same through nextWaiting, which forgets a page's gone rides before answering the next.
    await cell.wait(waiter("gone"), Date.now());
    const next = await cell.upsert(entry("d2", at), true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await cell.wait(waiter("back"), Date.now());
    expect((await cell.nextWaiting("d2", ["back", "gone"], [], next.at)).waiting).toEqual(["back"]);
    expect(await waitersIn(at, cell)).toEqual(["back"]);
  });

  it("registering answers the drivers listed for the ride now, so one listed meanwhile is not missed", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    await cell.upsert(entry("d1", at), true);
    await cell.upsert(entry("far", north(at, 7000)), true);
    const { listed } = await cell.wait({ rideId: "r1", product: "standard", pickup: at, radiusM: 5000, until: Date.now() + 60_000 }, Date.now());
    expect(listed).toEqual(["d1"]);
  });

  it("a search that finds nobody registers the ride in the same call; one that finds a driver does not", async () => {
    const empty = cellStub(testEnv, uniqueId("cell"));
    const waiter = { rideId: "r1", product: "standard" as const, pickup: at, radiusM: 5000, until: Date.now() + 60_000 };
    // A driver of another product, or beyond the ride's radius, is nobody for this ride.
    await empty.upsert(entry("courier", at, ["parcel_small"]), true);
    await empty.upsert(entry("far", north(at, 7000)), true);
    expect(await empty.search(waiter, Date.now())).toEqual({ entries: [], waiting: true });
    expect((await empty.upsert(entry("d1", at), true)).waiting).toEqual(["r1"]);

    const listed = cellStub(testEnv, uniqueId("cell"));
    await listed.upsert(entry("d2", at), true);
    const found = await listed.search(waiter, Date.now());
    expect(found.waiting).toBe(false);
    expect(found.entries.map((e) => e.driverId)).toEqual(["d2"]);
    expect((await listed.upsert(entry("d3", at), true)).waiting).toEqual([]);
  });
});

describe("Ride DO: waiting for a driver, woken by one", () => {
  it("a ride with nobody near waits with its district with no retry timer; a driver going online wakes it and gets the offer within a second", async () => {
    const pickup = somewhere();
    const { stub, ride } = await createRide({ pickup, dropoff: north(pickup, 3000) });
    await until(async () => ((await waitingNear(pickup)).includes(ride.id) ? true : undefined), "the ride waiting near its pickup");
    expect((await statusOf(stub))?.status).toBe("dispatching");
    // Only the deadline (and the payment watchdog) move it on: no polling round.
    expect(await timersOf(stub)).not.toContain("dispatch");
    const started = Date.now();
    const driver = await onlineDriver(north(pickup, 800));
    await until(async () => ((await driver.stub.offers()).some((o) => o.rideId === ride.id) ? true : undefined), "the offer", 5000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await driver.stub.get()).toMatchObject({ status: "offered", currentRideId: ride.id });
  });

  it("the oldest waiting ride is woken first; a cancelled one is forgotten and the next one gets the driver", async () => {
    const pickup = somewhere();
    const first = await createRide({ pickup, dropoff: north(pickup, 3000) });
    await until(async () => ((await waitingNear(pickup)).includes(first.ride.id) ? true : undefined), "the first ride waiting");
    const second = await createRide({ pickup: north(pickup, 100), dropoff: north(pickup, 3000) });
    await until(async () => ((await waitingNear(pickup)).includes(second.ride.id) ? true : undefined), "the second ride waiting");
    const third = await createRide({ pickup: north(pickup, 200), dropoff: north(pickup, 3000) });
    await until(async () => ((await waitingNear(pickup)).includes(third.ride.id) ? true : undefined), "the third ride waiting");
    unwrap(await first.stub.cancel(RIDER, undefined, "req"));
    const driver = await onlineDriver(pickup);
    await until(async () => ((await driver.stub.offers()).some((o) => o.rideId === second.ride.id) ? true : undefined), "the offer to the second ride");
    await until(async () => (!(await waitersIn(pickup)).includes(first.ride.id) ? true : undefined), "the cancelled ride forgotten");
    expect(await waitersIn(pickup)).toContain(third.ride.id);
    // Declined: the driver is excluded, the second ride waits again, and the driver's release wakes the third.
    unwrap(await second.stub.decline(driver.id, "req"));
    await until(async () => ((await driver.stub.offers()).some((o) => o.rideId === third.ride.id) ? true : undefined), "the offer to the third ride");
  });

  it("a ride whose round is on its way answers a second driver queued (who goes on to the next ride), and still runs a round after it: that one may have searched before this driver was listed", async () => {
    const pickup = somewhere();
    const { stub, ride } = await createRide({ pickup, dropoff: north(pickup, 3000) });
    await until(async () => ((await waitingNear(pickup)).includes(ride.id) ? true : undefined), "the ride waiting");
    const dueAt = Date.now() + 1000;
    await runInDurableObject(stub, (_i: RideDurableObject, state) => {
      state.storage.sql.exec("INSERT INTO timers (name, due_at) VALUES ('dispatch', ?) ON CONFLICT(name) DO UPDATE SET due_at = excluded.due_at", dueAt);
    });
    expect(await stub.wake("d-listed-meanwhile")).toBe("queued");
    const dispatchDue = () =>
      runInDurableObject(
        stub,
        (_i: RideDurableObject, state) =>
          state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE name = 'dispatch'").toArray()[0]?.due_at ?? null,
      );
    expect(await dispatchDue(), "a round is run right after, not left to the one on its way").not.toBe(dueAt);
    await until(async () => ((await dispatchDue()) === null ? true : undefined), "the round run, and its timer cleared");
  });

  it("rides that no longer wait at the head of the line (more than a driver is answered at once) do not hide the one still waiting behind them", async () => {
    const pickup = somewhere();
    const rides = [];
    for (let i = 0; i <= WAKE_CANDIDATES; i++) {
      const ride = await createRide({ pickup: north(pickup, 20 * i), dropoff: north(pickup, 3000) });
      await until(async () => ((await waitingNear(pickup)).includes(ride.ride.id) ? true : undefined), `ride ${i} waiting`);
      rides.push(ride);
    }
    const last = rides.pop()!;
    for (const cancelled of rides) unwrap(await cancelled.stub.cancel(RIDER, undefined, "req"));
    const driver = await onlineDriver(pickup);
    await until(async () => ((await driver.stub.offers()).some((o) => o.rideId === last.ride.id) ? true : undefined), "the offer to the ride still waiting");
    await until(async () => ((await waitersIn(pickup)).length === 1 ? true : undefined), "the cancelled rides forgotten");
  });
});
