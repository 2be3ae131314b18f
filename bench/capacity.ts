/**
 * `npm run capacity`: the capacity model (issue 16) over the latest `npm run bench:cost`
 * result in bench/results (or the file given): the load a Seoul-size peak puts on every
 * shared object, queue and D1 database, the first limit it reaches, and the ride rate one
 * deployment serves with everything at most half its published limit. Writes
 * bench/results/capacity-<time>.json. Settings: CAPACITY_DRIVERS (70000),
 * CAPACITY_REPORT_S (4), CAPACITY_RIDES (100), CAPACITY_HOT_SHARE (0.1).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { capacity, SEOUL_PEAK, servedPeak, type Peak } from "./support/capacity.ts";
import type { Counters } from "./support/counters.ts";

type CostResult = { phases: { what: string; counters: Counters }[] };

const dir = resolve(import.meta.dirname, "results");
const file =
  process.argv[2] ??
  readdirSync(dir)
    .filter((f) => /^cost-.*\.json$/.test(f))
    .sort()
    .map((f) => resolve(dir, f))
    .pop();
if (!file) throw new Error("no bench/results/cost-*.json: run `npm run bench:cost` first");
const result = JSON.parse(readFileSync(file, "utf8")) as CostResult;
const phase = (what: string) => {
  const found = result.phases.find((p) => p.what.startsWith(what));
  if (!found) throw new Error(`${file} has no "${what}" phase`);
  return found.counters;
};
const num = (v: string | undefined, fallback: number) => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : fallback);
const peak: Peak = {
  ...SEOUL_PEAK,
  drivers: num(process.env.CAPACITY_DRIVERS, SEOUL_PEAK.drivers),
  reportIntervalS: num(process.env.CAPACITY_REPORT_S, SEOUL_PEAK.reportIntervalS),
  ridesPerS: num(process.env.CAPACITY_RIDES, SEOUL_PEAK.ridesPerS),
  hottestCellShare: num(process.env.CAPACITY_HOT_SHARE, SEOUL_PEAK.hottestCellShare),
};
const { loads, first } = capacity(phase("served ride"), phase("location report"), peak);
const served = servedPeak(loads);
const f = (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(2)) : "∞");
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
mkdirSync(dir, { recursive: true });
const out = resolve(dir, `capacity-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(out, JSON.stringify({ from: file, peak, loads, first: first.component, served }, null, 2));
console.log(`written ${out}`);
