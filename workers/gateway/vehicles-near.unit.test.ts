/**
 * The nearby-vehicles search (`GET /v1/rental-vehicles?lat=&lng=&radius=`) over the real views
 * migrations in Node's SQLite: its box wraps across the ±180° meridian, where a vehicle a few
 * hundred metres away has a longitude of the other sign.
 */
import { describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { lngRanges, vehiclesNear } from "./rental-queries";

async function withVehicles(rows: [id: string, lat: number, lng: number][]) {
  const db = await sqliteD1("migrations/views");
  for (const [id, lat, lng] of rows) {
    const snapshot = JSON.stringify({ id, kind: "bike", location: { lat, lng }, status: "available" });
    await db
      .prepare(
        "INSERT INTO rental_vehicles (id, kind, status, lat, lng, version, created_at, updated_at, snapshot) VALUES (?, 'bike', 'available', ?, ?, 1, 'a', 'a', ?)",
      )
      .bind(id, lat, lng, snapshot)
      .run();
  }
  return db as unknown as D1Database;
}

describe("vehicles near a point", () => {
  it("the box's longitudes split where they cross ±180°, and cover the whole circle near a pole", () => {
    expect(lngRanges(126.9, 0.01)).toEqual([[126.89, 126.91].map((x) => expect.closeTo(x, 9))]);
    const east = lngRanges(179.995, 0.01);
    expect(east).toHaveLength(2);
    expect(east[0]).toEqual([expect.closeTo(179.985, 9), 180]);
    expect(east[1]).toEqual([-180, expect.closeTo(-179.995, 9)]);
    const west = lngRanges(-179.995, 0.01);
    expect(west[0]).toEqual([expect.closeTo(179.995, 9), 180]);
    expect(west[1]).toEqual([-180, expect.closeTo(-179.985, 9)]);
    expect(lngRanges(10, 200)).toEqual([[-180, 180]]);
  });

  it("finds a vehicle across the meridian, nearest first, and nothing beyond the radius", async () => {
    // At the equator 0.001° of longitude is about 111 m.
    const db = await withVehicles([
      ["rv_across", 0, -179.9995],
      ["rv_same_side", 0, 179.997],
      ["rv_far", 0, -179.98],
    ]);
    const found = await vehiclesNear(db, { lat: 0, lng: 179.9999 }, 1000);
    expect(found.map((v) => v.id)).toEqual(["rv_across", "rv_same_side"]);
    const fromWest = await vehiclesNear(db, { lat: 0, lng: -179.9999 }, 1000);
    expect(fromWest.map((v) => v.id)).toEqual(["rv_across", "rv_same_side"]);
  });
});
