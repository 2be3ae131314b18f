/**
 * The simulator's service area: the Seoul outline the operator console draws
 * (web/console/seoul.json, good to a few hundred metres), its hot spots, and seeded sampling
 * of points inside it. Pure: the outline is read once, every draw comes from the given
 * `random` stream.
 *
 * @example
 * const random = seeded(7);
 * const p = nearSpot(random, HOT_SPOTS[0]!, 1000); // inside the outline, about 1 km around Gangnam
 */
import { readFileSync } from "node:fs";

export interface Point {
  lat: number;
  lng: number;
}

export interface HotSpot extends Point {
  name: string;
  /** Relative share of the hot-spot demand (and of the drivers who start near it). */
  weight: number;
}

interface SeoulOutline {
  bounds: { south: number; north: number; west: number; east: number };
  outline: [number, number][];
}

const seoul = JSON.parse(readFileSync(new URL("../../web/console/seoul.json", import.meta.url), "utf8")) as SeoulOutline;

/** The service area's bounding box and outline ([lat, lng] pairs, closed implicitly). */
export const BOUNDS = seoul.bounds;
export const OUTLINE: readonly (readonly [number, number])[] = seoul.outline;

/** Where demand concentrates at an evening peak, weighted by how busy each is. */
export const HOT_SPOTS: readonly HotSpot[] = [
  { name: "Gangnam", lat: 37.4979, lng: 127.0276, weight: 3 },
  { name: "Hongdae", lat: 37.5563, lng: 126.9236, weight: 2 },
  { name: "Jamsil", lat: 37.5133, lng: 127.1001, weight: 2 },
  { name: "Yeouido", lat: 37.5219, lng: 126.9245, weight: 2 },
  { name: "Seoul Station", lat: 37.5547, lng: 126.9707, weight: 2 },
  { name: "Jongno", lat: 37.5704, lng: 126.992, weight: 1.5 },
  { name: "Itaewon", lat: 37.5345, lng: 126.9946, weight: 1 },
  { name: "Konkuk Univ.", lat: 37.5404, lng: 127.0692, weight: 1 },
];

const M_PER_DEG_LAT = 111_320;
const mPerDegLng = (lat: number) => M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);

/** True when `p` lies inside the outline (ray casting; a point on an edge may go either way). */
export function inArea(p: Point): boolean {
  if (p.lat < BOUNDS.south || p.lat > BOUNDS.north || p.lng < BOUNDS.west || p.lng > BOUNDS.east) return false;
  let inside = false;
  for (let i = 0, j = OUTLINE.length - 1; i < OUTLINE.length; j = i++) {
    const [latI, lngI] = OUTLINE[i]!;
    const [latJ, lngJ] = OUTLINE[j]!;
    if (latI > p.lat !== latJ > p.lat && p.lng < ((lngJ - lngI) * (p.lat - latI)) / (latJ - latI) + lngI) inside = !inside;
  }
  return inside;
}

/** Great-circle distance in metres. */
export function distanceM(a: Point, b: Point): number {
  const r = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point `meters` east and `northM` north of `p` (flat-earth, fine at city scale). */
export function offset(p: Point, eastM: number, northM: number): Point {
  return { lat: p.lat + northM / M_PER_DEG_LAT, lng: p.lng + eastM / mPerDegLng(p.lat) };
}

/** `p` rounded to 6 decimals (about 10 cm), as the schedule stores and hashes points. */
export const round6 = (p: Point): Point => ({ lat: Math.round(p.lat * 1e6) / 1e6, lng: Math.round(p.lng * 1e6) / 1e6 });

/** A standard normal draw (Box–Muller) from `random`. */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A point uniformly inside the outline (rejection from the bounding box). */
export function uniformInArea(random: () => number): Point {
  for (;;) {
    const p = { lat: BOUNDS.south + random() * (BOUNDS.north - BOUNDS.south), lng: BOUNDS.west + random() * (BOUNDS.east - BOUNDS.west) };
    if (inArea(p)) return round6(p);
  }
}

/** A point around `center` (normal, σ = `sigmaM` each way) inside the outline; the centre itself after 50 misses. */
export function nearSpot(random: () => number, center: Point, sigmaM: number): Point {
  for (let i = 0; i < 50; i++) {
    const p = offset(center, gaussian(random) * sigmaM, gaussian(random) * sigmaM);
    if (inArea(p)) return round6(p);
  }
  return round6(center);
}

/** A point `minM`–`maxM` from `from` in a random direction, inside the outline (`from` itself after 50 misses). */
export function ringPoint(random: () => number, from: Point, minM: number, maxM: number): Point {
  for (let i = 0; i < 50; i++) {
    const d = minM + random() * (maxM - minM);
    const angle = random() * 2 * Math.PI;
    const p = offset(from, d * Math.cos(angle), d * Math.sin(angle));
    if (inArea(p)) return round6(p);
  }
  return round6(from);
}

/** One hot spot, drawn by weight. */
export function pickSpot(random: () => number, spots: readonly HotSpot[] = HOT_SPOTS): HotSpot {
  const total = spots.reduce((s, h) => s + h.weight, 0);
  let x = random() * total;
  for (const spot of spots) {
    x -= spot.weight;
    if (x < 0) return spot;
  }
  return spots[spots.length - 1]!;
}

/** The point `fraction` (0–1) of the way from `a` to `b`. */
export function lerp(a: Point, b: Point, fraction: number): Point {
  const f = Math.max(0, Math.min(1, fraction));
  return { lat: a.lat + (b.lat - a.lat) * f, lng: a.lng + (b.lng - a.lng) * f };
}

/** `from` moved up to `meters` towards `to` (`to` itself when nearer). */
export function towards(from: Point, to: Point, meters: number): Point {
  const d = distanceM(from, to);
  return d <= meters || d === 0 ? { ...to } : lerp(from, to, meters / d);
}
