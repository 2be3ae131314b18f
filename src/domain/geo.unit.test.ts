import { describe, expect, it } from "vitest";
import { cellsCovering, distanceMeters, estimateDrive, geohash } from "./geo";

const yeouido = { lat: 37.5219, lng: 126.9245 };
const seoulCityHall = { lat: 37.5665, lng: 126.978 };
const busan = { lat: 35.1796, lng: 129.0756 };

describe("geo", () => {
  it("measures great-circle distances", () => {
    expect(distanceMeters(yeouido, yeouido)).toBe(0);
    expect(distanceMeters(seoulCityHall, busan) / 1000).toBeGreaterThan(320);
    expect(distanceMeters(seoulCityHall, busan) / 1000).toBeLessThan(330);
  });

  it("turns a straight line into a drive with the road factor and city speed", () => {
    const drive = estimateDrive({ lat: 37.5, lng: 127 }, { lat: 37.509, lng: 127 }, { roadFactor: 1.5, citySpeedKmh: 36 });
    expect(drive.distanceMeters).toBeCloseTo(1501, -1);
    expect(drive.durationSeconds).toBeCloseTo(150, -1);
  });

  it("computes geohashes (known values)", () => {
    expect(geohash({ lat: 57.64911, lng: 10.40744 }, 11)).toBe("u4pruydqqvj");
    expect(geohash(yeouido, 5)).toBe("wydm2");
  });

  it("covers the search radius with the pickup's cell and its neighbours", () => {
    const cells = cellsCovering(yeouido, 5000, 5);
    expect(cells).toContain(geohash(yeouido, 5));
    expect(cells.length).toBeGreaterThanOrEqual(4);
    expect(cells.length).toBeLessThanOrEqual(16);
    // every point 5 km away in any direction is in a covered cell
    for (let bearing = 0; bearing < 360; bearing += 15) {
      const dLat = (5000 / 111_320) * Math.cos((bearing * Math.PI) / 180);
      const dLng = ((5000 / 111_320) * Math.sin((bearing * Math.PI) / 180)) / Math.cos((yeouido.lat * Math.PI) / 180);
      const p = { lat: yeouido.lat + dLat * 0.99, lng: yeouido.lng + dLng * 0.99 };
      expect(cells).toContain(geohash(p, 5));
    }
  });

  it("covers every point within the radius, wherever the center is in its cell", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let c = 0; c < 200; c++) {
      const center = { lat: 37.4 + random() * 0.3, lng: 126.8 + random() * 0.4 };
      const radius = c % 2 === 0 ? 5000 : 1500;
      const cells = new Set(cellsCovering(center, radius, 5));
      for (let i = 0; i < 50; i++) {
        // a point at a random bearing, just inside the radius (great-circle destination)
        const bearing = random() * 2 * Math.PI;
        const d = (radius * 0.999) / 6_371_008.8;
        const la1 = (center.lat * Math.PI) / 180;
        const la2 = Math.asin(Math.sin(la1) * Math.cos(d) + Math.cos(la1) * Math.sin(d) * Math.cos(bearing));
        const lo2 = (center.lng * Math.PI) / 180 + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(la1), Math.cos(d) - Math.sin(la1) * Math.sin(la2));
        const p = { lat: (la2 * 180) / Math.PI, lng: (lo2 * 180) / Math.PI };
        expect(distanceMeters(center, p)).toBeLessThanOrEqual(radius);
        expect(cells.has(geohash(p, 5)), `${geohash(p, 5)} within ${radius} m of ${JSON.stringify(center)}`).toBe(true);
      }
    }
  });

  it("leaves out the cells of the box that no point within the radius falls in", () => {
    // The 5 km box around Yeouido spans 3 rows × 4 columns of cells (each 4.9 km tall, 3.9 km wide):
    // 12 cells, of which a corner one lies wholly farther than 5 km.
    const cells = cellsCovering(yeouido, 5000, 5);
    const boxCorners = [
      { lat: yeouido.lat + 0.0449, lng: yeouido.lng + 0.0567 },
      { lat: yeouido.lat + 0.0449, lng: yeouido.lng - 0.0567 },
      { lat: yeouido.lat - 0.0449, lng: yeouido.lng + 0.0567 },
      { lat: yeouido.lat - 0.0449, lng: yeouido.lng - 0.0567 },
    ].map((p) => geohash(p, 5));
    const dropped = boxCorners.filter((cell) => !cells.includes(cell));
    expect(dropped.length).toBeGreaterThan(0);
    expect(cells).toHaveLength(11);
    expect(cells.length).toBeLessThan(new Set([...cells, ...boxCorners]).size);
    expect(cellsCovering(yeouido, 100, 5)).toEqual([geohash(yeouido, 5)]);
  });
});
