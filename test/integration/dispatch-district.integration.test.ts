/**
 * The dispatch district (decision 12): the supply map of its cells and the rides waiting
 * on those that list nobody, with real DispatchDistrict and DispatchCell objects. A cell
 * tells its district when it starts listing a product and again before that lapses, not
 * on every listing; the district hands the cell the rides waiting within reach of it,
 * which the cell then wakes like its own.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DispatchCellDurableObject } from "../../src/durable-objects/dispatch-cell";
import type { DispatchDistrictDurableObject } from "../../src/durable-objects/dispatch-district";
import { cellOf, cellStub, districtStub } from "../../src/durable-objects/stubs";
import { CELL_PRECISION, cellsCovering, districtOf } from "../../src/domain/geo";
import type { Product } from "../../src/domain/types";
import type { Waiter } from "../../src/ride/dispatch";
import { testEnv } from "./helpers";

type Point = { lat: number; lng: number };
/** A place of its own, far from every other test's drivers and rides. */
// Each test's place 44 km north of the last one's: farther than a district and a radius, so no test finds another's cells listed
// (random places in one 0.8° square shared a district about one run in four).
let places = 0;
const somewhere = (): Point => ({ lat: 33.0 + places++ * 0.4 + Math.random() * 0.05, lng: 128.5 + Math.random() * 0.05 });
const north = (p: Point, m: number): Point => ({ lat: p.lat + m / 111_320, lng: p.lng });
const waiterAt = (rideId: string, pickup: Point, patch: Partial<Waiter> = {}): Waiter => ({
  rideId,
  product: "standard",
  pickup,
  radiusM: 5000,
  until: Date.now() + 60_000,
  ...patch,
});
const entry = (driverId: string, point: Point, listedUntil = Date.now() + 240_000, products: Product[] = ["standard"]) => ({
  driverId,
  ...point,
  product: products[0]!,
  products,
  reportedAt: Date.now(),
  listedUntil,
});
const supplyRows = (district: string) =>
  runInDurableObject(districtStub(testEnv, district), (_i: DispatchDistrictDurableObject, state) =>
    state.storage.sql
      .exec<{ cell: string; product: string; listed_until: number }>("SELECT cell, product, listed_until FROM supply ORDER BY cell, product")
      .toArray(),
  );

describe("DispatchDistrict: the supply map", () => {
  it("answers the cells listing the ride's product now; registers the ride only when none do", async () => {
    const p = somewhere();
    const cells = cellsCovering(p, 5000, CELL_PRECISION).filter((c) => districtOf(c) === districtOf(cellOf(p)));
    const district = districtStub(testEnv, districtOf(cellOf(p)));
    const now = Date.now();
    await district.listed(cells[0]!, ["parcel_small"], now + 60_000, now);
    await district.listed(cells[1]!, ["standard"], now - 1, now - 60_000); // lapsed
    expect(await district.supply(cells, waiterAt("r-none", p), now)).toEqual({ listing: [], waiting: true });
    await district.listed(cells[1]!, ["standard"], now + 60_000, now);
    expect(await district.supply(cells, waiterAt("r-some", p), now)).toEqual({ listing: [cells[1]], waiting: false });
    // A later registration answers the cells that started listing meanwhile.
    expect(await district.wait([cells[0]!, cells[1]!], waiterAt("r-some", p), now)).toEqual({ listing: [cells[1]] });
    const waiting = await runInDurableObject(district, (_i: DispatchDistrictDurableObject, state) =>
      state.storage.sql
        .exec<{ ride_id: string }>("SELECT ride_id FROM waiters ORDER BY since, ride_id")
        .toArray()
        .map((r) => r.ride_id),
    );
    expect(waiting).toEqual(expect.arrayContaining(["r-none", "r-some"]));
  });

  it("hands a cell that starts listing the rides of its products waiting within reach of it, oldest first; not lapsed ones", async () => {
    const p = somewhere();
    const cell = cellOf(p);
    const district = districtStub(testEnv, districtOf(cell));
    const now = Date.now();
    await district.wait([cell], waiterAt("old", p), now - 3000);
    await district.wait([cell], waiterAt("young", north(p, 200)), now - 1000);
    await district.wait([cell], waiterAt("parcel", p, { product: "parcel_small" }), now - 2000);
    await district.wait([cell], waiterAt("lapsed", p, { until: now - 1 }), now - 4000);
    await district.wait([], waiterAt("far", north(p, 30_000), { radiusM: 1000 }), now - 5000);
    const { waiters } = await district.listed(cell, ["standard"], now + 60_000, now);
    expect(waiters.map((w) => w.rideId)).toEqual(["old", "young"]);
    expect(waiters[0]).toMatchObject({ product: "standard", pickup: p, radiusM: 5000, since: now - 3000 });
  });
});

describe("DispatchCell and its district", () => {
  it("tells its district when it starts listing a product, not at every renewal, and again before the telling lapses", async () => {
    const p = somewhere();
    const cellName = cellOf(p);
    const cell = cellStub(testEnv, cellName);
    const district = districtOf(cellName);
    const lease = Date.now() + 240_000;
    await cell.upsert(entry("d1", p, lease), true);
    expect((await supplyRows(district)).filter((r) => r.cell === cellName)).toEqual([{ cell: cellName, product: "standard", listed_until: lease }]);
    // Renewals and more drivers within the first half of the telling: the district is not asked again.
    await cell.upsert(entry("d1", p, lease + 10_000), false);
    await cell.upsert(entry("d2", north(p, 100), lease + 20_000), true);
    expect((await supplyRows(district)).find((r) => r.cell === cellName)?.listed_until).toBe(lease);
    // A product the district was not told of is told at once.
    await cell.upsert(entry("courier", p, lease + 30_000, ["parcel_small"]), true);
    expect((await supplyRows(district)).filter((r) => r.cell === cellName).map((r) => r.product)).toEqual(["parcel_small", "standard"]);
    // Once the telling would lapse within half a lease, the next renewal tells it again.
    await runInDurableObject(cell, (_i: DispatchCellDurableObject, state) => {
      state.storage.sql.exec("UPDATE district_told SET listed_until = ? WHERE product = 'standard'", Date.now() + 1000);
    });
    await cell.upsert(entry("d1", p, lease + 40_000), false);
    expect((await supplyRows(district)).find((r) => r.cell === cellName && r.product === "standard")?.listed_until).toBe(lease + 40_000);
  });

  it("takes over the rides waiting with its district and answers them to the driver who made it list, even on a renewal", async () => {
    const p = somewhere();
    const cellName = cellOf(p);
    const district = districtStub(testEnv, districtOf(cellName));
    const radius = cellsCovering(p, 5000, CELL_PRECISION);
    const now = Date.now();
    expect((await district.supply(radius, waiterAt("first", p), now - 2000)).waiting).toBe(true);
    expect((await district.supply(radius, waiterAt("second", north(p, 300)), now - 1000)).waiting).toBe(true);
    const cell = cellStub(testEnv, cellName);
    expect((await cell.upsert(entry("d1", north(p, 100)), false)).waiting).toEqual(["first", "second"]);
    const held = await runInDurableObject(cell, (_i: DispatchCellDurableObject, state) =>
      state.storage.sql.exec<{ ride_id: string; since: number }>("SELECT ride_id, since FROM waiters ORDER BY since").toArray(),
    );
    expect(held).toEqual([
      { ride_id: "first", since: now - 2000 },
      { ride_id: "second", since: now - 1000 },
    ]);
    // From now on the district lists the cell: a new ride searches it (and would wait there).
    expect((await district.supply(radius, waiterAt("third", p), Date.now())).listing).toEqual([cellName]);
  });

  it("hands a ride over in line by its request, and its copy from before does not cut the deadline the ride registered in the cell since", async () => {
    const p = somewhere();
    const cellName = cellOf(p);
    const district = districtStub(testEnv, districtOf(cellName));
    const radius = cellsCovering(p, 5000, CELL_PRECISION);
    const now = Date.now();
    const oldDeadline = now + 30_000;
    const newDeadline = now + 90_000;
    // Registered with the district first at its old deadline, its place in line its request (20 s ago), not this call.
    expect((await district.supply(radius, waiterAt("backed-out", p, { until: oldDeadline, since: now - 20_000 }), now)).waiting).toBe(true);
    expect((await district.supply(radius, waiterAt("younger", p), now - 5_000)).waiting).toBe(true);
    // A driver backed out since: the ride registered in the cell with its new, later deadline (not with the district).
    const cell = cellStub(testEnv, cellName);
    await cell.wait(waiterAt("backed-out", p, { until: newDeadline, since: now - 20_000 }), now);
    // The cell starts listing: the district hands over its copies (the old deadline among them), oldest request first.
    expect((await cell.upsert(entry("d1", p), false)).waiting).toEqual(["backed-out", "younger"]);
    const held = await runInDurableObject(cell, (_i: DispatchCellDurableObject, state) =>
      state.storage.sql.exec<{ ride_id: string; since: number; until: number }>("SELECT ride_id, since, until FROM waiters ORDER BY since").toArray(),
    );
    expect(held.map((w) => w.ride_id)).toEqual(["backed-out", "younger"]);
    expect(held[0]).toMatchObject({ since: now - 20_000, until: newDeadline });
  });
});
