/**
 * `npm run bench:payouts`: what a payout run's earnings sum costs as the ledger's history
 * grows, before and after the earnings checkpoint (workers/payment/earnings-checkpoint.ts).
 *
 * Before, every run summed every settlement and refund adjustment up to its cut-off: its work
 * grew with all history, and D1 stops a query at 30 seconds. After, a run moves the
 * checkpoint (summing what was recorded since the last run) and reads the per-driver sums
 * plus the few minutes after the checkpoint.
 *
 * Over the real ledger migrations on Node's SQLite (what D1 runs), in memory: PAYOUTS_DAYS
 * days of history of PAYOUTS_ROWS_PER_DAY earnings among PAYOUTS_DRIVERS drivers, then
 * one run a day for PAYOUTS_RUNS days, each after a new day's earnings. Each run is timed
 * both ways on the same database, and both must sum the same or the bench fails. The first
 * run after deploying has no checkpoint yet: it sums all history once, like before.
 *
 * The same for the payouts each run reads (what each driver was paid): PAYOUTS_PAST_RUNS
 * daily runs before the bench's, each paying 70 % of the drivers; before, a run grouped them
 * all; after, it folds the final ones into one row a driver and reads those plus the open ones.
 * Both must decide the same payouts.
 *
 * Prints two tables; writes bench/results/payouts-<time>.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { payoutsDue, type EarningEntry } from "../src/payments/payout.ts";
import { earningHistory, payoutHistory, PAYOUTS_GROUPED_BEFORE, recordEarnings, recordPayouts, type PayoutRow } from "../test/support/ledger-history.ts";
import { sqliteD1 } from "../test/support/sqlite-d1.ts";
import { advanceEarningsCheckpoint, EARNINGS_SETTLED_MS, earnedUpTo, type LedgerSql } from "../workers/payment/earnings-checkpoint.ts";
import { foldFinalPayouts, payoutTotals } from "../workers/payment/payout-totals.ts";

const DAYS = Number(process.env.PAYOUTS_DAYS ?? 30);
const ROWS_PER_DAY = Number(process.env.PAYOUTS_ROWS_PER_DAY ?? 20_000);
const DRIVERS = Number(process.env.PAYOUTS_DRIVERS ?? 2_000);
const RUNS = Number(process.env.PAYOUTS_RUNS ?? 3);
/** Payout runs made before the bench's: one a day, each paying 70 % of the drivers. */
const PAST_RUNS = Number(process.env.PAYOUTS_PAST_RUNS ?? 365);
/** How past payouts ended: almost all paid, one in twenty refused for good. */
const PAST_STATES: Pick<PayoutRow, "status" | "retryable">[] = [
  ...Array.from({ length: 19 }, () => ({ status: "succeeded" as const, retryable: 0 as const })),
  { status: "failed", retryable: 0 },
];
/** A run's own payouts as it reads them again: some still open (pending, or unknown and retryable). */
const STATES: Pick<PayoutRow, "status" | "retryable">[] = [...PAST_STATES, { status: "pending", retryable: 0 }, { status: "failed", retryable: 1 }];
const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00.000Z");
/** D1's published limit on one query's duration. */
const D1_QUERY_LIMIT_MS = 30_000;
/** A Seoul-size day (BENCHMARKS.md, capacity: six peak hours at 100 rides a second), one settlement a ride. */
const SEOUL_SETTLEMENTS_A_DAY = 2_160_000;

/** The statement every payout run made before the checkpoint: all history up to the cut-off. */
const BEFORE = `SELECT driver_id, sum(earning) AS earning FROM (
  SELECT driver_id, earning, created_at FROM settlements UNION ALL SELECT driver_id, earning, created_at FROM settlement_adjustments)
  WHERE created_at <= ?1 GROUP BY driver_id`;

type Sums = { driverId: string; earning: number }[];
// The checkpoint's read leaves out drivers whose sum is zero; the statement before did not.
const sorted = (sums: Sums) =>
  sums
    .filter((e) => e.earning !== 0)
    .map(({ driverId, earning }) => ({ driverId, earning }))
    .sort((a, b) => a.driverId.localeCompare(b.driverId));

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** The median of three timings of `work`. */
async function median3<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const runs = [await timed(work), await timed(work), await timed(work)].sort((a, b) => a.ms - b.ms);
  return runs[1]!;
}

async function before(d1: LedgerSql, cutoff: string): Promise<Sums> {
  const { results } = await d1.prepare(BEFORE).bind(cutoff).all<{ driver_id: string; earning: number }>();
  return results.map((r) => ({ driverId: r.driver_id, earning: Number(r.earning) }));
}

interface RunFigure {
  run: number;
  rows: number;
  beforeMs: number;
  checkpointMs: number;
  readMs: number;
  afterMs: number;
  ratio: number;
  /** The previous run's cut-off read again now (a run resumed a day later: the checkpoint a day past it). */
  resumedMs: number | null;
}

interface PayoutFigure {
  run: number;
  payouts: number;
  beforeMs: number;
  foldMs: number;
  readMs: number;
  ratio: number;
}

const d1 = await sqliteD1("migrations/payments");
const loading = await timed(() => recordEarnings(d1, earningHistory(16, { rows: DAYS * ROWS_PER_DAY, drivers: DRIVERS, from: T0, spanMs: DAYS * DAY })));
console.log(`ledger: ${DAYS} days × ${ROWS_PER_DAY.toLocaleString("en")} earnings, ${DRIVERS} drivers (written in ${(loading.ms / 1000).toFixed(1)} s)`);
const pastCutoffs = Array.from({ length: PAST_RUNS }, (_, k) => new Date(T0 - (PAST_RUNS - k) * DAY).toISOString());
const pastPayouts = payoutHistory(17, { cutoffs: pastCutoffs, drivers: DRIVERS, share: 0.7, states: PAST_STATES });
await recordPayouts(d1, pastPayouts);
console.log(`payouts: ${PAST_RUNS} daily runs before, ${pastPayouts.length.toLocaleString("en")} payouts`);

function same(a: Sums, b: Sums, what: string): void {
  if (JSON.stringify(sorted(a)) === JSON.stringify(sorted(b))) return;
  console.error(`${what}: the checkpoint's sums differ from the full scan's`);
  process.exit(1);
}

const figures: RunFigure[] = [];
const payoutFigures: PayoutFigure[] = [];
let payoutCount = pastPayouts.length;
let previousCutoff: string | null = null;
for (let run = 1; run <= RUNS + 1; run++) {
  const dayStart = T0 + (DAYS + run - 1) * DAY;
  await recordEarnings(d1, earningHistory(100 + run, { rows: ROWS_PER_DAY, drivers: DRIVERS, from: dayStart, spanMs: DAY, prefix: `day${run}` }));
  // The run at midnight, one second after its cut-off: the checkpoint moves to ten minutes before.
  const cutoff = new Date(dayStart + DAY).toISOString();
  const target = new Date(dayStart + DAY + 1000 - EARNINGS_SETTLED_MS).toISOString();
  const old = await median3(() => before(d1, cutoff));
  const checkpoint = await timed(() => advanceEarningsCheckpoint(d1, target));
  const read = await median3(() => earnedUpTo(d1, cutoff));
  same(old.value, read.value, `run ${run}`);
  let resumedMs: number | null = null;
  if (previousCutoff !== null) {
    const earlier = previousCutoff;
    const resumed = await median3(() => earnedUpTo(d1, earlier));
    same(await before(d1, earlier), resumed.value, `run ${run}, the previous cut-off`);
    resumedMs = resumed.ms;
  }
  previousCutoff = cutoff;

  // The run's own payouts, then what it reads of all payouts, both ways; the rules must decide the same.
  const payouts = payoutHistory(200 + run, { cutoffs: [cutoff], drivers: DRIVERS, share: 0.7, states: STATES });
  await recordPayouts(d1, payouts);
  payoutCount += payouts.length;
  const grouped = await median3(() => payoutTotals(d1, cutoff, PAYOUTS_GROUPED_BEFORE));
  const fold = await timed(() => foldFinalPayouts(d1));
  const folded = await median3(() => payoutTotals(d1, cutoff));
  const earned: EarningEntry[] = read.value.map((e) => ({ ...e, createdAt: cutoff }));
  if (JSON.stringify(payoutsDue(cutoff, earned, grouped.value.records)) !== JSON.stringify(payoutsDue(cutoff, earned, folded.value.records))) {
    console.error(`run ${run}: the folded payouts decide otherwise than all payouts`);
    process.exit(1);
  }
  payoutFigures.push({ run, payouts: payoutCount, beforeMs: grouped.ms, foldMs: fold.ms, readMs: folded.ms, ratio: grouped.ms / (fold.ms + folded.ms) });
  const afterMs = checkpoint.ms + read.ms;
  figures.push({
    run,
    rows: (DAYS + run) * ROWS_PER_DAY,
    beforeMs: old.ms,
    checkpointMs: checkpoint.ms,
    readMs: read.ms,
    afterMs,
    ratio: old.ms / afterMs,
    resumedMs,
  });
}

const ms = (n: number) => n.toFixed(1).padStart(8);
console.log("\nrun  ledger rows   before ms   after ms (checkpoint + read)   before/after   previous cut-off resumed");
for (const f of figures) {
  const label = f.run === 1 ? "1st" : String(f.run).padStart(3);
  console.log(
    `${label}  ${f.rows.toLocaleString("en").padStart(11)}  ${ms(f.beforeMs)}    ${ms(f.afterMs)} (${f.checkpointMs.toFixed(1)} + ${f.readMs.toFixed(1)})`.padEnd(
      66,
    ) +
      `${f.ratio.toFixed(1)}×`.padEnd(15) +
      (f.resumedMs === null ? "" : `${f.resumedMs.toFixed(1)} ms`),
  );
}
const steady = figures.slice(1);
const perRowMs = steady.reduce((sum, f) => sum + f.beforeMs / f.rows, 0) / steady.length;
const daysToLimit = D1_QUERY_LIMIT_MS / (perRowMs * SEOUL_SETTLEMENTS_A_DAY);
console.log(
  `\nbefore: ${(perRowMs * 1e6).toFixed(0)} ns a row of history here; at a Seoul-size day (${SEOUL_SETTLEMENTS_A_DAY.toLocaleString("en")} settlements) ` +
    `a run's one query would pass D1's 30 s after about ${daysToLimit.toFixed(0)} days of history at this speed.` +
    `\nafter: a run sums one day (its checkpoint) and reads ${DRIVERS.toLocaleString("en")} drivers' sums, whatever the history.`,
);

console.log("\nrun  payout rows   before ms   after ms (fold + read)   before/after");
for (const f of payoutFigures) {
  const label = f.run === 1 ? "1st" : String(f.run).padStart(3);
  console.log(
    `${label}  ${f.payouts.toLocaleString("en").padStart(11)}  ${ms(f.beforeMs)}    ${ms(f.foldMs + f.readMs)} (${f.foldMs.toFixed(1)} + ${f.readMs.toFixed(1)})`.padEnd(
      60,
    ) + `${f.ratio.toFixed(1)}×`,
  );
}

const out = resolve("bench/results", `payouts-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
mkdirSync(resolve("bench/results"), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      days: DAYS,
      rowsPerDay: ROWS_PER_DAY,
      drivers: DRIVERS,
      pastRuns: PAST_RUNS,
      figures,
      payoutFigures,
      perRowNs: perRowMs * 1e6,
      seoulDaysToQueryLimit: daysToLimit,
    },
    null,
    2,
  ),
);
console.log(`wrote ${out}`);
