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
});
