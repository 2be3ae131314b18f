/**
 * Geometry for dispatch and quotes: great-circle distance, ETA and geohash cells.
 * Plain functions, unit-tested in Node.
 */
import type { LatLng } from "./types";

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * Great-circle distance in metres (haversine).
 *
 * @example
 * distanceMeters({ lat: 37.5219, lng: 126.9245 }, { lat: 37.4982, lng: 126.9531 }); // ≈ 3,600
 */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** How roads and traffic turn a straight line into a drive. */
export interface RoadModel {
  /** Road distance ÷ straight-line distance. */
  roadFactor: number;
  /** Average city speed, km/h. */
  citySpeedKmh: number;
}

export const DEFAULT_ROAD_MODEL: RoadModel = { roadFactor: 1.3, citySpeedKmh: 25 };

/** Estimated road distance (m) and driving time (s) between two points. */
export function estimateDrive(a: LatLng, b: LatLng, model: RoadModel = DEFAULT_ROAD_MODEL) {
  const meters = Math.round(distanceMeters(a, b) * model.roadFactor);
  const seconds = Math.round(meters / ((model.citySpeedKmh * 1000) / 3600));
  return { distanceMeters: meters, durationSeconds: seconds };
}

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/**
 * Geohash of a point. Precision 5 cells are about 4.9 km × 4.9 km at the equator
 * (3.9 km wide at Seoul's latitude): a handful of cells covers a 5 km search.
 *
 * @example
 * geohash({ lat: 37.5219, lng: 126.9245 }, 5); // "wydm2"
 */
export function geohash(p: LatLng, precision: number): string {
  let latLo = -90,
    latHi = 90,
    lngLo = -180,
    lngHi = 180;
  let out = "";
  let bits = 0,
    ch = 0,
    even = true;
  while (out.length < precision) {
    if (even) {
      const mid = (lngLo + lngHi) / 2;
      if (p.lng >= mid) {
        ch = (ch << 1) | 1;
        lngLo = mid;
      } else {
        ch <<= 1;
        lngHi = mid;
      }
    } else {
      const mid = (latLo + latHi) / 2;
      if (p.lat >= mid) {
        ch = (ch << 1) | 1;
        latLo = mid;
      } else {
        ch <<= 1;
        latHi = mid;
      }
    }
    even = !even;
    if (++bits === 5) {
      out += BASE32[ch];
      bits = 0;
      ch = 0;
    }
  }
  return out;
}

/** Size in degrees of a geohash cell of the given precision. */
export function cellSizeDegrees(precision: number) {
  const totalBits = precision * 5;
  const lngBits = Math.ceil(totalBits / 2);
  const latBits = Math.floor(totalBits / 2);
  return { lat: 180 / 2 ** latBits, lng: 360 / 2 ** lngBits };
}

/** The geohash precision of the dispatch cells: drivers are listed in, and rides search, cells at this precision only. */
export const CELL_PRECISION = 5;

/**
 * The dispatch cell a point falls in (the name of its DispatchCell object).
 *
 * @example
 * dispatchCell({ lat: 37.5219, lng: 126.9245 }); // "wydm2"
 */
export function dispatchCell(point: LatLng): string {
  return geohash(point, CELL_PRECISION);
}

/**
 * The geohash precision of dispatch districts: one district (about 31 × 19 km at Seoul)
 * holds the map of which of its 32 cells list drivers, and the rides waiting on cells that
 * list nobody (decision 12): a ride far from every driver asks its district, not every cell.
 */
export const DISTRICT_PRECISION = 4;

/**
 * The district a dispatch cell belongs to (the name of its DispatchDistrict object): the
 * cell's geohash cut to `DISTRICT_PRECISION`.
 *
 * @example
 * districtOf("wydm2"); // "wydm"
 */
export function districtOf(cell: string): string {
  return cell.slice(0, DISTRICT_PRECISION);
}

/**
 * Cells grouped by their district, in order (one call to each district asks for its cells).
 *
 * @example
 * cellsByDistrict(["wydm2", "wydm3", "wydq0"]); // [["wydm", ["wydm2", "wydm3"]], ["wydq", ["wydq0"]]]
 */
export function cellsByDistrict(cells: string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const cell of cells) {
    const district = districtOf(cell);
    const group = groups.get(district);
    if (group) group.push(cell);
    else groups.set(district, [cell]);
  }
  return [...groups];
}

/**
 * Every geohash cell that comes within `radiusM` of `center`: the pickup's own cell and
 * its neighbours out to the search radius. Cells of the bounding box whose nearest point
 * is farther than the radius (the box's corners) are left out: no driver in them could
 * be within the radius, and each one left out is one dispatch-cell call (and, where
 * nobody is listed, one waiting registration) fewer a ride. At 5 km and precision 5
 * around Seoul that is about 9.8 cells instead of 10.9.
 *
 * @example
 * cellsCovering({ lat: 37.5219, lng: 126.9245 }, 1500, 5); // ["wydm2", ...]: the cells within 1.5 km of Yeouido
 */
export function cellsCovering(center: LatLng, radiusM: number, precision: number): string[] {
  const dLat = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  const cosLat = Math.max(0.01, Math.cos(rad(center.lat)));
  const dLng = Math.min(180, dLat / cosLat);
  const size = cellSizeDegrees(precision);
  const lastRow = Math.round(180 / size.lat) - 1;
  const rowOf = (lat: number) => Math.min(lastRow, Math.floor((lat + 90) / size.lat));
  const colOf = (lng: number) => Math.floor((lng + 180) / size.lng);
  // The nearest point of a cell is found on the lat/lng grid, which a great circle at the
  // cell's side can beat by a hair: a small margin keeps every cell the circle touches.
  const reach = radiusM * 1.01 + 1;
  const cells = new Set<string>();
  for (let row = rowOf(Math.max(-90, center.lat - dLat)); row <= rowOf(Math.min(90, center.lat + dLat)); row++) {
    const south = row * size.lat - 90;
    for (let col = colOf(center.lng - dLng); col <= colOf(center.lng + dLng); col++) {
      const west = col * size.lng - 180; // not wrapped: the nearest point is measured on the same side as the center
      const nearest = { lat: clamp(center.lat, south, south + size.lat), lng: clamp(center.lng, west, west + size.lng) };
      if (distanceMeters(center, nearest) > reach) continue;
      const middle = west + size.lng / 2;
      cells.add(geohash({ lat: south + size.lat / 2, lng: ((((middle + 180) % 360) + 360) % 360) - 180 }, precision));
    }
  }
  return [...cells].sort();
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
