/**
 * Location reports that do not hammer the dispatch cell, with real Driver DOs, real
 * DispatchCells and a real Ride DO: reports within one cell write it once (going
 * online) until CELL_REFRESH_S has passed; crossing into another cell moves the entry;
 * a driver gone silent stays listed until its lease but is refused by its own Driver DO,
 * which then removes it, and no ride is offered to them; a ride past the pickup stops
 * receiving the driver's positions.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DispatchCellDurableObject } from "../../src/durable-objects/dispatch-cell";
import { cellOf, cellStub } from "../../src/durable-objects/stubs";
import { unwrap } from "../../src/lib/problem";
import { age, createRide, driverRecordOf as record, onlineDriver, testEnv, until } from "./helpers";

type Point = { lat: number; lng: number };
const OPS = { id: "ops", role: "ops" as const };

/** The driver's entry in the cell of `point`: position, lease and how many times it was written; undefined when not listed there. */
function entryIn(point: Point, driverId: string) {
  return runInDurableObject(cellStub(testEnv, cellOf(point)), (_i: DispatchCellDurableObject, state) => {
    type Row = { lat: number; lng: number; listed_until: number; writes: number };
    return state.storage.sql.exec<Row>("SELECT lat, lng, listed_until, writes FROM drivers WHERE driver_id = ?", driverId).toArray()[0];
  });
}

const listedNear = async (point: Point) => (await cellStub(testEnv, cellOf(point)).nearby(point, 5000, "standard", Date.now())).map((e) => e.driverId);

describe("Driver DO and DispatchCell: the cell is written when it needs to be", () => {
  it("20 reports within one cell write it once (going online); once CELL_REFRESH_S has passed the next report renews the entry", async () => {
    const start = { lat: 35.1, lng: 129.0 };
    const { id, stub } = await onlineDriver(start);
    const online = await entryIn(start, id);
    expect(online).toMatchObject({ ...start, writes: 1 });
    for (let i = 1; i <= 20; i++) unwrap(await stub.updateLocation({ lat: start.lat + i * 0.0001, lng: start.lng }));
    const after = await entryIn(start, id);
    expect(after!.writes).toBeLessThanOrEqual(2);
    expect(after).toEqual(online); // not written at all: the position and lease of going online
    expect((await stub.get())!.location).toEqual({ lat: start.lat + 0.002, lng: start.lng }); // the Driver DO has the exact position
    expect(await listedNear(start)).toContain(id);

    await age(stub, (r) => ({ ...r, indexedAt: r.indexedAt! - 120_000 }));
    const renewedAt = Date.now();
    unwrap(await stub.updateLocation({ lat: start.lat + 0.003, lng: start.lng }));
    const renewed = await entryIn(start, id);
    expect(renewed).toMatchObject({ lat: start.lat + 0.003, writes: 2 });
    expect(renewed!.listed_until).toBeGreaterThanOrEqual(renewedAt + 240_000);
  });

  it("crossing into another cell removes the driver from the old cell and lists them in the new one", async () => {
    const from = { lat: 35.3, lng: 129.2 };
    const to = { lat: 35.3, lng: 129.3 };
    expect(cellOf(from)).not.toBe(cellOf(to));
    const { id, stub } = await onlineDriver(from);
    unwrap(await stub.updateLocation(to));
    expect(await entryIn(from, id)).toBeUndefined();
    expect(await entryIn(to, id)).toMatchObject({ ...to, writes: 1 });
    expect(await listedNear(to)).toContain(id);
    expect((await record(stub)).indexedCell).toBe(cellOf(to));
  });

  it("a driver silent past DRIVER_FRESHNESS_S stays listed until the lease, is refused by reserve and then removed", async () => {
    const at = { lat: 35.5, lng: 128.8 };
    const { id, stub } = await onlineDriver(at);
    await age(stub, (r) => ({ ...r, driver: { ...r.driver, locationAt: new Date(Date.now() - 31_000).toISOString() } }));
    expect(await listedNear(at)).toContain(id);
    const refused = await stub.reserve({ kind: "assign", rideId: "rd_silent", product: "standard" }, 30, "c");
    expect(!refused.ok && refused.problem).toMatchObject({ code: "offer_not_available", detail: "driver location is stale" });
    await until(async () => ((await listedNear(at)).includes(id) ? undefined : true), "the silent driver to leave the cell");
    expect((await record(stub)).indexedCell).toBeNull();
    // Reporting again lists them at once.
    unwrap(await stub.updateLocation(at));
    expect(await listedNear(at)).toContain(id);
  });

  it("no ride is offered to a silent driver; the same driver reporting again gets it", async () => {
    const pickup = { lat: 34.8, lng: 128.5 };
    const { id, stub } = await onlineDriver(pickup);
    await age(stub, (r) => ({ ...r, driver: { ...r.driver, locationAt: new Date(Date.now() - 31_000).toISOString() } }));
    const { stub: ride, ride: created } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 } });
    // The first round finds them in the cell and is refused; the Driver DO takes itself out.
    await until(async () => ((await listedNear(pickup)).includes(id) ? undefined : true), "the silent driver to leave the cell");
    await new Promise((r) => setTimeout(r, 2_500)); // another dispatch round (DISPATCH_RETRY_S 2) finds nobody
    expect(unwrap(await ride.get(OPS))).toMatchObject({ status: "dispatching", driver: null });
    expect((await stub.get())!.status).toBe("available");
    expect(await stub.offers()).toEqual([]);

    unwrap(await stub.updateLocation(pickup));
    await until(async () => ((await stub.offers()).some((o) => o.rideId === created.id) ? true : undefined), "the offer once the driver reports");
  });
});

describe("Driver DO and Ride DO: positions go to the ride only while it wants them", () => {
  it("refreshes the ride's ETA on the way to the pickup; once the driver arrived the ride says it wants no more, and gets none", async () => {
    const pickup = { lat: 34.6, lng: 128.2 };
    const { id, stub } = await onlineDriver({ lat: pickup.lat + 0.02, lng: pickup.lng });
    const { stub: ride, ride: created } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.03, lng: pickup.lng + 0.03 } });
    await until(async () => ((await stub.offers()).some((o) => o.rideId === created.id) ? true : undefined), "the offer");
    const assigned = unwrap(await ride.accept(id, "req"));
    unwrap(await stub.updateLocation({ lat: pickup.lat + 0.005, lng: pickup.lng }));
    const closer = unwrap(await ride.get(OPS));
    expect(closer.etaSeconds!).toBeLessThan(assigned.etaSeconds!);
    expect((await record(stub)).etaDoneRideId).toBeUndefined();

    unwrap(await ride.advance(id, "arrive", {}, "req-arrive"));
    const arrived = unwrap(await ride.get(OPS));
    unwrap(await stub.updateLocation(pickup));
    expect((await record(stub)).etaDoneRideId).toBe(created.id);
    unwrap(await stub.updateLocation({ lat: pickup.lat + 0.0001, lng: pickup.lng }));
    expect(unwrap(await ride.get(OPS)).version).toBe(arrived.version);
    expect(await ride.driverMoved(id, pickup)).toEqual({ ok: true, value: { more: false } });
  });
});
