/**
 * The map's geometry, with no tile server: an equirectangular projection of the service area
 * (longitude shrunk by cos(latitude), so a kilometre is as long both ways), the outline and the
 * Han river from seoul.json as SVG paths, and a labelled grid every 0.05°.
 */
import seoul from "./seoul.json";
import type { LatLng } from "./types";

export const BOUNDS = seoul.bounds;
export const WIDTH = 1000;
const KM_PER_DEG_LAT = 111.32;
const lngScale = Math.cos((((BOUNDS.north + BOUNDS.south) / 2) * Math.PI) / 180);
/** The height that keeps the map's proportions at WIDTH. */
export const HEIGHT = Math.round((WIDTH * (BOUNDS.north - BOUNDS.south)) / ((BOUNDS.east - BOUNDS.west) * lngScale));

export interface Point {
  x: number;
  y: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function project(p: LatLng): Point {
  return {
    x: round(((p.lng - BOUNDS.west) / (BOUNDS.east - BOUNDS.west)) * WIDTH),
    y: round(((BOUNDS.north - p.lat) / (BOUNDS.north - BOUNDS.south)) * HEIGHT),
  };
}

export function inArea(p: LatLng): boolean {
  return p.lat >= BOUNDS.south && p.lat <= BOUNDS.north && p.lng >= BOUNDS.west && p.lng <= BOUNDS.east;
}

/** An SVG path through [lat, lng] pairs; `close` ends it with Z. */
export function pathOf(points: readonly (readonly number[])[], close: boolean): string {
  const d = points
    .map(([lat = 0, lng = 0], i) => {
      const { x, y } = project({ lat, lng });
      return `${i === 0 ? "M" : "L"}${x},${y}`;
    })
    .join("");
  return close ? `${d}Z` : d;
}

export const OUTLINE = pathOf(seoul.outline, true);
export const RIVER = pathOf(seoul.river, false);
export const PLACES = seoul.places.map((p) => ({ name: p.name, ...project(p) }));

export interface GridLine {
  label: string;
  from: Point;
  to: Point;
}

/** Grid lines every `step` degrees inside the bounds, labelled with their coordinate. */
export function grid(step = 0.05): { lat: GridLine[]; lng: GridLine[] } {
  const lines = (from: number, to: number) => {
    const out: number[] = [];
    for (let v = Math.ceil(from / step) * step; v <= to + 1e-9; v += step) out.push(Math.round(v * 100) / 100);
    return out;
  };
  return {
    lat: lines(BOUNDS.south, BOUNDS.north).map((lat) => ({
      label: `${lat.toFixed(2)}°N`,
      from: project({ lat, lng: BOUNDS.west }),
      to: project({ lat, lng: BOUNDS.east }),
    })),
    lng: lines(BOUNDS.west, BOUNDS.east).map((lng) => ({
      label: `${lng.toFixed(2)}°E`,
      from: project({ lat: BOUNDS.north, lng }),
      to: project({ lat: BOUNDS.south, lng }),
    })),
  };
}

/** The map's scale bar: how many SVG units make `km` kilometres. */
export function kmToUnits(km: number): number {
  return round((km / KM_PER_DEG_LAT / (BOUNDS.north - BOUNDS.south)) * HEIGHT);
}
