/**
 * `npm run bench:feed-memory`: what the operators' feed (one OpsFeed Durable Object for the city)
 * holds in memory at a Seoul-size peak, with every marker kept (before) and with the full markers
 * of only those changed last (`MARKERS_REMEMBERED`, src/ops-feed/marker-board.ts), in the same run.
 *
 * The real boards and merge rules, fed as the object is: FEED_RIDES open rides (each published
 * at three versions, as a ride moves), FEED_DRIVERS drivers on duty (each pushing its position
 * FEED_PUSHES times), markers parsed from JSON as they arrive. V8's heap in use after a full
 * collection, less the same before: Node's V8, which workerd also runs. A Durable Object has 128 MB.
 *
 * Prints a table; writes bench/results/feed-memory-<time>.json. Run with `node --expose-gc`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { isOpenRide, mergeDriver, newerRide, type DriverMarker, type RideMarker } from "../src/ops-feed/feed.ts";
import { MarkerBoard, MARKERS_REMEMBERED } from "../src/ops-feed/marker-board.ts";

const RIDES = Number(process.env.FEED_RIDES ?? 100_000);
const DRIVERS = Number(process.env.FEED_DRIVERS ?? 70_000);
const PUSHES = Number(process.env.FEED_PUSHES ?? 3);
/** A Durable Object's memory (Cloudflare's published limit, per isolate). */
const OBJECT_MEMORY_MB = 128;

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error("run with node --expose-gc (npm run bench:feed-memory)");

const T0 = Date.parse("2026-12-01T08:00:00.000Z");
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const id = (prefix: string, n: number) => `${prefix}_0m3k5q${n.toString(32).padStart(18, "0")}`;
/** As it arrives: parsed from a message, every string its own. */
const arrived = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function ride(n: number, version: number): RideMarker {
  const statuses = ["dispatching", "driver_assigned", "in_progress"] as const;
  return arrived({
    id: id("rd", n),
    status: statuses[(version - 1) % 3]!,
    product: "standard",
    riderId: id("r", n),
    driverId: version > 1 ? id("d", n % DRIVERS) : null,
    pickup: { lat: 37.45 + (n % 997) / 5000, lng: 126.8 + (n % 991) / 2500 },
    dropoff: { lat: 37.45 + (n % 983) / 5000, lng: 126.8 + (n % 977) / 2500 },
    createdAt: iso(n),
    updatedAt: iso(n + version * 1000),
    version,
  });
}

function driver(n: number, push: number): DriverMarker {
  return arrived({
    id: id("d", n),
    name: `Driver ${n}`,
    status: "available",
    approval: "approved",
    product: "standard",
    location: { lat: 37.45 + ((n + push) % 997) / 5000, lng: 126.8 + ((n + push) % 991) / 2500 },
    locationAt: iso(n + push * 4000),
    currentRideId: null,
    updatedAt: iso(n),
    version: 4,
  });
}

function heapMb(): number {
  collect!();
  return process.memoryUsage().heapUsed / 1e6;
}

/** The heap the two boards hold once fed the peak, with `remembered` full markers kept of each kind. */
function measure(remembered: number) {
  const base = heapMb();
  const rides = new MarkerBoard<RideMarker>((r) => isOpenRide(r.status), newerRide, remembered);
  const drivers = new MarkerBoard<DriverMarker>((d) => d.status !== "offline", mergeDriver, remembered);
  const started = performance.now();
  for (let v = 1; v <= 3; v++) for (let n = 0; n < RIDES; n++) rides.take(ride(n, v));
  for (let p = 0; p < PUSHES; p++) for (let n = 0; n < DRIVERS; n++) drivers.take(driver(n, p));
  const feedMs = performance.now() - started;
  const mb = heapMb() - base;
  // Read after the measure, so that the boards are alive when it is taken.
  return { mb, feedMs, rides: { onMap: rides.size, kept: rides.kept }, drivers: { onMap: drivers.size, kept: drivers.kept } };
}

const before = measure(Infinity);
const after = measure(MARKERS_REMEMBERED);
if (before.drivers.onMap !== after.drivers.onMap || before.rides.onMap !== after.rides.onMap)
  throw new Error(`the boards count differently: ${JSON.stringify({ before, after })}`);

const row = (name: string, m: typeof before) =>
  `${name.padEnd(28)} ${m.mb.toFixed(1).padStart(7)} MB ${((m.mb / OBJECT_MEMORY_MB) * 100).toFixed(0).padStart(4)} % ${String(m.rides.kept).padStart(8)} ${String(m.drivers.kept).padStart(8)} ${m.feedMs.toFixed(0).padStart(7)} ms`;
console.log(`operators' feed at a peak: ${RIDES} open rides (3 versions each), ${DRIVERS} drivers on duty (${PUSHES} pushes each)`);
console.log(`${"".padEnd(28)} ${"heap".padStart(10)} ${"of 128".padStart(6)} ${"rides".padStart(8)} ${"drivers".padStart(8)} ${"feeding".padStart(10)}`);
console.log(row("every marker kept (before)", before));
console.log(row(`${MARKERS_REMEMBERED} kept a kind (after)`, after));
console.log(`after / before: ${(after.mb / before.mb).toFixed(2)}; both count ${after.rides.onMap} rides and ${after.drivers.onMap} drivers on the map`);

const out = resolve("bench/results", `feed-memory-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
mkdirSync(resolve("bench/results"), { recursive: true });
writeFileSync(out, JSON.stringify({ rides: RIDES, drivers: DRIVERS, pushes: PUSHES, remembered: MARKERS_REMEMBERED, before, after }, null, 2));
console.log(`written ${out}`);
