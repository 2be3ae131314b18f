/**
 * The ledger's window run (its rules and statements: workers/payment/ledger-window.ts): reads
 * the rides past the window a chunk at a time (the deferred ones due, then the walk's holds),
 * hands each that goes to its own Ride DO, then has the ledger delete what was kept, defer what
 * was met too early or not kept, and move its cursor. Pure but for the injected calls.
 *
 * A Ride DO that fails does not stop the walk: its ride is deferred and judged again later, so
 * one object that never answers costs a retry now and then, not the window. Nothing is deleted
 * from the ledger that no Ride DO kept.
 */
import { failedOf } from "../lib/at-once";
import type { LedgerChunk, RideLedger } from "./kept-ledger";

/**
 * How long after its hold a ride is surely over (`STALE_RIDE_S`, 2 h, moves any ride on, and its
 * capture follows): the walk reads the holds this long past the cut-off, so that it meets few
 * rides too early (each one it meets is deferred and read again). None with a window of 0 days
 * (development: what bench:storage measures).
 */
export const SETTLE_LAG_MS = 3 * 3_600_000;

/** Rides one read judges at most: those that go are kept, then let go, before the next read. */
export const LEDGER_CHUNK = 200;

/** The payment worker's and the rides' calls (injected: the cron's are a service binding and Ride DO stubs). */
export interface LedgerHandoverDeps {
  pastWindow(before: string, limit: number): Promise<LedgerChunk>;
  keep(rideId: string, ledger: RideLedger): Promise<void>;
  letGo(rides: { kept: string[]; later: string[]; never: string[] }, cutoff: string, after: LedgerChunk["after"]): Promise<number>;
}

/** What a run did: rides the ledger let go, rides judged, deferred, and whose Ride DO did not keep them. */
export interface LedgerRun {
  rides: number;
  judged: number;
  later: number;
  notKept: number;
}

/**
 * Judges up to `maxRides` rides past the window created before `before`, and hands those that
 * go to their Ride DOs.
 *
 * @example
 * const run = await handOverLedger(deps, new Date(Date.now() - 30 * 86_400_000), 2_000);
 */
export async function handOverLedger(deps: LedgerHandoverDeps, before: Date, maxRides: number, chunk = LEDGER_CHUNK): Promise<LedgerRun> {
  const run: LedgerRun = { rides: 0, judged: 0, later: 0, notKept: 0 };
  while (run.judged < maxRides) {
    const limit = Math.min(chunk, maxRides - run.judged);
    const { rides, after, walked, cutoff } = await deps.pastWindow(before.toISOString(), limit);
    run.judged += rides.length;
    const going = rides.flatMap((r) => (r.verdict === "go" && r.ledger ? [{ rideId: r.rideId, ledger: r.ledger }] : []));
    const failed = new Set((await failedOf(going, (r) => deps.keep(r.rideId, r.ledger), "ledger window: a ride did not keep its rows")).map((r) => r.rideId));
    const kept = going.map((r) => r.rideId).filter((id) => !failed.has(id));
    const later = [...rides.filter((r) => r.verdict === "later").map((r) => r.rideId), ...failed];
    const never = rides.filter((r) => r.verdict === "never").map((r) => r.rideId);
    if (rides.length > 0 || after) run.rides += await deps.letGo({ kept, later, never }, cutoff, after);
    run.later += later.length;
    run.notKept += failed.size;
    // The last chunk: fewer rides than asked, or nothing walked (only deferred ones were due).
    if (rides.length < limit || walked === 0) break;
  }
  return run;
}
