/**
 * The capacity model of one deployment (issue 16): from the counts `npm run bench:cost`
 * measured per served ride and per location report, the load a city's peak puts on every
 * shared object, queue and database, against Cloudflare's published limits. Pure: the
 * counts and the peak in, the loads out (`bench/capacity.ts` prints them).
 *
 * Each load is linear in the ride rate (`base + perRide × rides/s`, the base being what the
 * drivers' reports cause), so the ride rate at which a component reaches half its limit is
 * `(limit / 2 − base) / perRide`; the smallest of those is the peak one deployment serves.
 */
import { CELL_PRECISION, DISTRICT_PRECISION } from "../../src/domain/geo.ts";
import { keyOf as key, sumOf as sum, type Counters } from "./counters.ts";

/** Dispatch cells in a district: 5 geohash bits a character. */
const CELLS_PER_DISTRICT = 2 ** (5 * (CELL_PRECISION - DISTRICT_PRECISION));

/** Published limits: a Durable Object's soft limit, a queue's message throughput, a D1 database at 1 ms a query. */
export const LIMITS = { objectRequestsPerS: 1000, queueMessagesPerS: 5000, d1QueriesPerS: 1000 } as const;

export interface Peak {
  drivers: number;
  reportIntervalS: number;
  ridesPerS: number;
  /** Share of all drivers (and of ride requests) in the densest dispatch cell. */
  hottestCellShare: number;
  /** CELL_REFRESH_S: a listed driver's lease renewal. */
  cellRefreshS: number;
  /** How long a driver stays in one cell on average (a precision-5 cell is about 4 km across). */
  cellDwellS: number;
  /** The operators' feed takes at most this many driver positions a second (src/ops-feed). */
  opsFeedPositionsPerS: number;
  /** Share of ride requests in the busiest dispatch district (precision 4, 32 cells; Seoul spans about six). */
  hottestDistrictShare: number;
  /** Products a cell can list (each told to the district on its own). */
  products: number;
}

export const SEOUL_PEAK: Peak = {
  drivers: 70_000,
  reportIntervalS: 4,
  ridesPerS: 100,
  hottestCellShare: 0.1,
  cellRefreshS: 120,
  cellDwellS: 600,
  opsFeedPositionsPerS: 200,
  hottestDistrictShare: 0.5,
  products: 5,
};

export interface Load {
  component: string;
  kind: "object" | "queue" | "database";
  limit: number;
  /** Requests (or messages, or statements) a second caused by the drivers' reports alone. */
  base: number;
  /** … and per ride requested a second. */
  perRide: number;
  /** At the peak. */
  perSecond: number;
  share: number;
  /** The ride rate at which this component reaches half its limit. */
  ridesAtHalf: number;
}

function load(component: string, kind: Load["kind"], limit: number, base: number, perRide: number, peak: Peak): Load {
  const perSecond = base + perRide * peak.ridesPerS;
  return { component, kind, limit, base, perRide, perSecond, share: perSecond / limit, ridesAtHalf: perRide > 0 ? (limit / 2 - base) / perRide : Infinity };
}

/**
 * @example
 * const { loads, first } = capacity(servedRide.counters, report.counters, SEOUL_PEAK);
 */
export function capacity(perRide: Counters, perReport: Counters, peak: Peak): { loads: Load[]; first: Load } {
  const reportsPerS = peak.drivers / peak.reportIntervalS;
  const loads: Load[] = [];
  // Queues: every message sent, by queue (reports send none).
  const queues = new Set(Object.keys({ ...perRide, ...perReport }).flatMap((k) => (key(k).startsWith("queue:sent:") ? [key(k).slice(11)] : [])));
  for (const q of [...queues].sort()) {
    const of = (c: Counters) => sum(c, (k) => key(k) === `queue:sent:${q}`);
    loads.push(load(`queue ${q}`, "queue", LIMITS.queueMessagesPerS, of(perReport) * reportsPerS, of(perRide), peak));
  }
  // D1 runs one query at a time: its load is its busy time (`meta.duration` of the writes and of the consumers' reads
  // alone, ms per second, out of 1,000), where measured; else every write statement counted as a 1 ms query, the
  // conservative reading.
  const dbs = new Set(Object.keys(perRide).flatMap((k) => (/^d1:.*:statements$/.test(key(k)) ? [key(k).split(":")[1]!] : [])));
  for (const db of [...dbs].sort()) {
    const of = (c: Counters, what: string) => sum(c, (k) => key(k) === `d1:${db}:${what}`);
    const busy = (c: Counters) => of(c, "ms") + of(c, "readMs");
    const measured = of(perRide, "ms") > 0;
    const at = (c: Counters) => (measured ? busy(c) : of(c, "statements"));
    const label = `D1 ${db} (${measured ? "busy ms" : "write statements as 1 ms queries"}; ${of(perRide, "statements").toFixed(1)} statements a ride)`;
    loads.push(load(label, "database", LIMITS.d1QueriesPerS, at(perReport) * reportsPerS, at(perRide), peak));
  }
  // The objects every ride or report shares: the payment breaker (one per provider) and the operators' feed (one per deployment).
  const calls = (c: Counters, cls: string) => sum(c, (k) => key(k).startsWith(`do:${cls}:`));
  loads.push(load("object PAYMENT_BREAKER (one per provider)", "object", LIMITS.objectRequestsPerS, 0, calls(perRide, "PAYMENT_BREAKER"), peak));
  const feedPositions = Math.min(peak.opsFeedPositionsPerS, calls(perReport, "OPS_FEED") * reportsPerS);
  loads.push(load("object OPS_FEED (one per deployment)", "object", LIMITS.objectRequestsPerS, feedPositions, calls(perRide, "OPS_FEED"), peak));
  // The densest dispatch cell: its drivers' lease renewals and cell changes, and the rides near it (every cell call of a ride).
  const cellDrivers = peak.drivers * peak.hottestCellShare;
  const leaseWrites = cellDrivers * (1 / peak.cellRefreshS + 1 / peak.cellDwellS);
  loads.push(
    load(
      `object DISPATCH_CELL, the densest (${Math.round(cellDrivers)} drivers)`,
      "object",
      LIMITS.objectRequestsPerS,
      leaseWrites,
      calls(perRide, "DISPATCH_CELL") * peak.hottestCellShare,
      peak,
    ),
  );
  // The busiest district: its share of the rides' district calls, and its 32 cells telling it of their supply,
  // once per half lease per cell and product (the lease is CELL_REFRESH_S plus at least as much again: twice it by default).
  const districtTells = (CELLS_PER_DISTRICT * peak.products) / peak.cellRefreshS;
  loads.push(
    load(
      `object DISPATCH_DISTRICT, the busiest (${peak.hottestDistrictShare * 100} % of rides)`,
      "object",
      LIMITS.objectRequestsPerS,
      districtTells,
      calls(perRide, "DISPATCH_DISTRICT") * peak.hottestDistrictShare,
      peak,
    ),
  );
  // One driver's object and one ride's object: their own traffic only.
  loads.push(
    load(
      "object DRIVER (each)",
      "object",
      LIMITS.objectRequestsPerS,
      calls(perReport, "DRIVER") / peak.reportIntervalS,
      calls(perRide, "DRIVER") / peak.drivers,
      peak,
    ),
  );
  const first = loads.reduce((a, b) => (b.share > a.share ? b : a));
  return { loads, first };
}

/** The ride rate one deployment serves with every component at most half its limit, and the component that sets it. */
export function servedPeak(loads: Load[]): { ridesPerS: number; limitedBy: string } {
  const worst = loads.reduce((a, b) => (b.ridesAtHalf < a.ridesAtHalf ? b : a));
  return { ridesPerS: Math.max(0, worst.ridesAtHalf), limitedBy: worst.component };
}
