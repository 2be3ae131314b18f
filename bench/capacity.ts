/**
 * `npm run capacity`: the capacity model (issue 16) over the latest `npm run bench:cost`
 * result in bench/results (or the file given): the load a Seoul-size peak puts on every
 * shared object, queue and D1 database, the first limit it reaches, and the ride rate one
 * deployment serves with everything at most half its published limit. Writes
 * bench/results/capacity-<time>.json. Settings: CAPACITY_DRIVERS (70000),
 * CAPACITY_REPORT_S (4), CAPACITY_RIDES (100), CAPACITY_HOT_SHARE (0.1).
 *
 * With a `npm run bench:storage` result in bench/results (the latest, or CAPACITY_STORAGE=file),
 * also what a day of the peak's rides adds to every store, and when each D1 database holds half
 * its size limit. Settings: CAPACITY_PEAK_HOURS (6: a day's rides in hours at the peak rate),
 * DELIVERY_LOG_RETENTION_DAYS (30: the days the notification database keeps, as the gateway's var),
 * VIEWS_WINDOW_DAYS and LEDGER_WINDOW_DAYS (30 each: the days the views and the ledger keep, as
 * the gateway's vars). With what the storage result measured handed over by the views' window,
 * also what a driver's object holds a year.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { capacity, SEOUL_PEAK, servedPeak, type Load, type Peak } from "./support/capacity.ts";
import {
  firstFull,
  LEDGER_WINDOW_DAYS,
  ownerLoad,
  RETENTION_DAYS,
  SEOUL_DAY,
  storage,
  STORAGE_LIMITS,
  VIEWS_WINDOW_DAYS,
  type StorageLoad,
} from "./support/storage-model.ts";
import type { Counters } from "./support/counters.ts";
import { retentionDaysOf } from "../src/notifications/retention.ts";

type CostResult = { phases: { what: string; counters: Counters }[] };

const dir = resolve(import.meta.dirname, "results");
const latest = (kind: string) =>
  readdirSync(dir)
    .filter((f) => new RegExp(`^${kind}-.*\\.json$`).test(f))
    .sort()
    .map((f) => resolve(dir, f))
    .pop();
const num = (v: string | undefined, fallback: number) => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : fallback);
const f = (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(2)) : "∞");
const peak: Peak = {
  ...SEOUL_PEAK,
  drivers: num(process.env.CAPACITY_DRIVERS, SEOUL_PEAK.drivers),
  reportIntervalS: num(process.env.CAPACITY_REPORT_S, SEOUL_PEAK.reportIntervalS),
  ridesPerS: num(process.env.CAPACITY_RIDES, SEOUL_PEAK.ridesPerS),
  hottestCellShare: num(process.env.CAPACITY_HOT_SHARE, SEOUL_PEAK.hottestCellShare),
};
const file = process.argv[2] ?? latest("cost");
const storageFile = process.env.CAPACITY_STORAGE ?? latest("storage");
if (!file && !storageFile) throw new Error("no bench/results/cost-*.json nor storage-*.json: run `npm run bench:cost` or `npm run bench:storage` first");

// Rates: the load on every shared component at the peak, from the latest bench:cost result.
let rates: { from: string; loads: Load[]; first: string; served: ReturnType<typeof servedPeak> } | null = null;
if (file) {
  const result = JSON.parse(readFileSync(file, "utf8")) as CostResult;
  const phase = (what: string) => {
    const found = result.phases.find((p) => p.what.startsWith(what));
    if (!found) throw new Error(`${file} has no "${what}" phase`);
    return found.counters;
  };
  const { loads, first } = capacity(phase("served ride"), phase("location report"), peak);
  const served = servedPeak(loads);
  console.log(`counts from ${file}`);
  console.log(
    `peak: ${peak.drivers} drivers reporting every ${peak.reportIntervalS} s, ${peak.ridesPerS} ride requests a second, ${peak.hottestCellShare * 100} % of drivers in the densest cell\n`,
  );
  console.log("| component | limit /s | from reports /s | per ride | at the peak /s | share of limit | rides/s at half the limit |");
  console.log("|---|---|---|---|---|---|---|");
  for (const l of loads)
    console.log(`| ${l.component} | ${l.limit} | ${f(l.base)} | ${f(l.perRide)} | ${f(l.perSecond)} | ${(l.share * 100).toFixed(1)} % | ${f(l.ridesAtHalf)} |`);
  console.log(`\nfirst limit reached: ${first.component} (${(first.share * 100).toFixed(1)} % of its limit at the peak)`);
  console.log(`one deployment serves ${f(served.ridesPerS)} ride requests a second with every component at most half its limit (set by ${served.limitedBy})`);
  rates = { from: file, loads, first: first.component, served };
}

// Storage: what a day of the peak's rides leaves, from the latest bench:storage result.
let stored: { from: string; loads: StorageLoad[]; firstFull: string | null; owners: { store: string; bytesPerRide: number; ridesToHalf: number }[] } | null =
  null;
if (storageFile) {
  const { perRide, keptPerRide } = JSON.parse(readFileSync(storageFile, "utf8")) as {
    perRide: { byStore: Record<string, number> };
    keptPerRide?: { byStore: Record<string, number> };
  };
  const city = { ...SEOUL_DAY, ridesPerS: peak.ridesPerS, drivers: peak.drivers, peakHoursADay: num(process.env.CAPACITY_PEAK_HOURS, SEOUL_DAY.peakHoursADay) };
  // The delivery log's retention as the deployment sets it (the gateway's var of the same name, read by the same rule).
  const retention = {
    ...RETENTION_DAYS,
    "D1 notifications": retentionDaysOf(process.env.DELIVERY_LOG_RETENTION_DAYS),
    // At least a day, as the gateway reads it outside development.
    "D1 views": Math.max(1, num(process.env.VIEWS_WINDOW_DAYS, VIEWS_WINDOW_DAYS)),
    "D1 ledger": Math.max(1, num(process.env.LEDGER_WINDOW_DAYS, LEDGER_WINDOW_DAYS)),
  };
  const loads = storage(perRide.byStore, city, retention);
  const full = firstFull(loads);
  const gb = (b: number) => (b / 1e9).toFixed(2);
  console.log(`\nstorage, bytes a served ride from ${storageFile}; a day is ${city.peakHoursADay} hours at the peak's ${city.ridesPerS} rides a second`);
  console.log(`(a D1 database holds at most ${gb(STORAGE_LIMITS.d1DatabaseBytes)} GB, an account's D1 databases ${gb(STORAGE_LIMITS.d1AccountBytes)} GB)\n`);
  console.log(
    "| store | bytes a ride | GB a day | share of a D1 database's limit a day | keeps (days) | days to half the limit | rides a day under half for good |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const l of loads) {
    const d1 = l.store.startsWith("D1 ");
    console.log(
      `| ${l.store} | ${l.bytesPerRide.toFixed(0)} | ${gb(l.bytesPerDay)} | ${d1 ? `${(l.shareADay * 100).toFixed(1)} %` : "(no shared limit)"} | ${Number.isFinite(l.retentionDays) ? l.retentionDays : "all"} | ${f(l.daysToHalf)} | ${d1 ? (l.ridesADayUnderHalf > 0 ? f(l.ridesADayUnderHalf) : "none: it only grows") : ""} |`,
    );
  }
  if (full) console.log(`\nfirst database to hold half its size: ${full.store}, in ${f(full.daysToHalf)} days`);
  else console.log("\nevery D1 database stays under half its size limit for good");
  // The owners' objects: each its own 10 GB; a driver's grows with the driver's rides a day.
  const owners = Object.entries(keptPerRide?.byStore ?? {})
    .filter(([store, bytes]) => store.startsWith("object ") && bytes > 0)
    .map(([store, bytes]) => ({ store, ...ownerLoad(bytes) }));
  const ridesADayPerDriver = (city.ridesPerS * 3600 * city.peakHoursADay) / city.drivers;
  if (owners.length > 0) console.log(`\nhanded over by the views' window, into each owner's object (${f(ridesADayPerDriver)} rides a day a driver):\n`);
  for (const o of owners)
    console.log(
      `| ${o.store} | ${o.bytesPerRide.toFixed(0)} bytes a ride | ${f(o.ridesToHalf)} rides to half of one object's 10 GB${o.store.includes("Driver") ? ` (${f(o.ridesToHalf / ridesADayPerDriver / 365)} years of a driver)` : ""} |`,
    );
  stored = { from: storageFile, loads, firstFull: full?.store ?? null, owners };
}
mkdirSync(dir, { recursive: true });
const out = resolve(dir, `capacity-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(out, JSON.stringify({ peak, ...(rates ?? {}), storage: stored }, null, 2));
console.log(`written ${out}`);
