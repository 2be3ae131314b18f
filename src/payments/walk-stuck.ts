/**
 * When a reconciliation walk moves on (the ledger's older holds, workers/payment/hold-walk.ts;
 * the provider's open holds, ./provider-walk.ts). A walk comes back to a page only a whole pass
 * later (hours at a city's volume), so it moves past a page only once every hold on it was
 * judged: one whose ride or provider did not answer (the breaker open, an object down) is read
 * again next run. But a hold that fails run after run (an object broken for good, a provider
 * answering the same error under its key for a day) must not stop the walk, and every hold
 * behind it, for good: stuck for `WALK_STUCK_MS`, the walk leaves it behind, logged, and goes on.
 */

/** How long a walk may stay on a page one of whose holds keeps failing (the views' ledger passes keep it too). */
export const WALK_STUCK_MS = 3_600_000;

/** Where a walk stands after a run: its position (null: from the newest again), since when it has been stuck there. */
export interface WalkAfterRun<P> {
  position: P | null;
  stuckSince: number | null;
  /** The run gave up on the page's failing holds (stuck for `WALK_STUCK_MS`): worth a log line. */
  leftBehind: boolean;
}

/**
 * The walk's position after a run that read the page at `at` and would go on to `next`.
 *
 * @example
 * walkAfterRun({ at: p1, next: p2, stuckSince: null, failed: true, now }); // { position: p1, stuckSince: now, leftBehind: false }
 */
export function walkAfterRun<P>(run: { at: P; next: P | null; stuckSince: number | null; failed: boolean; now: number }): WalkAfterRun<P> {
  if (!run.failed) return { position: run.next, stuckSince: null, leftBehind: false };
  const since = run.stuckSince ?? run.now;
  if (run.now - since >= WALK_STUCK_MS) return { position: run.next, stuckSince: null, leftBehind: true };
  return { position: run.at, stuckSince: since, leftBehind: false };
}
