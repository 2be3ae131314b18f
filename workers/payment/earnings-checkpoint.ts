/**
 * What each driver earned up to a cut-off, without summing all history at every run.
 *
 * `driver_earnings` holds every driver's earnings recorded at or before the checkpoint's
 * `through`; a run reads only the gap between the checkpoint and its cut-off (a range of
 * the `*_by_time` indexes), added or taken away. Before, every run summed every settlement and adjustment ever made: at a
 * Seoul-size day that is two million more rows each day, in one query.
 *
 * Invariant: no settlement or adjustment commits with a `created_at` at or before
 * `through` once `through` is set. Rows take their time from the worker's clock just
 * before their insert, so the checkpoint trails the clock by EARNINGS_SETTLED_MS, far more
 * than one statement can take. A late queue message does not break it: its row takes the
 * time it is written, not the ride's. One exception, on purpose: a refund past the ledger's
 * window puts a ride's old rows back (./ledger-window.ts, `restoreLedger`) with their old
 * times. They were summed before they were let go, so they are in `driver_earnings` already;
 * a balance reads only rows after `through`, and a payout run of a cut-off before them (whose
 * read would take them back out) is refused (`let_go_before`).
 */
import type { EarningEntry } from "../../src/payments/payout";

/**
 * What this needs of the ledger's D1 database: structural, so that the payouts bench (a
 * Node script, no Workers types) runs the same statements over node:sqlite.
 */
export interface LedgerSql {
  prepare(sql: string): LedgerStatement;
  batch(statements: LedgerStatement[]): Promise<{ meta: { changes?: number } }[]>;
}
interface LedgerStatement {
  bind(...values: unknown[]): LedgerStatement;
  first<T>(): Promise<T | null>;
  all<T>(): Promise<{ results: T[] }>;
}

/** How far behind the clock the checkpoint stays: longer than any insert can take to commit. */
export const EARNINGS_SETTLED_MS = 10 * 60_000;

/** Where the checkpoint stands, in SQL ('' before the first move). */
export const CHECKPOINT = "coalesce((SELECT through FROM earnings_checkpoint WHERE id = 1), '')";

/**
 * What one driver (?1) has earned, in SQL: the checkpoint's sum plus what was recorded after
 * it. The rows before it may have been let go by the ledger's window (./ledger-window.ts), and
 * a row put back by a refund is already in the sum.
 */
export const DRIVER_EARNED = `(coalesce((SELECT earned FROM driver_earnings WHERE driver_id = ?1), 0)
  + (SELECT coalesce(sum(earning), 0) FROM settlements WHERE driver_id = ?1 AND created_at > ${CHECKPOINT})
  + (SELECT coalesce(sum(earning), 0) FROM settlement_adjustments WHERE driver_id = ?1 AND created_at > ${CHECKPOINT}))`;

const earningsIn = (from: string, to: string) =>
  `SELECT driver_id, earning FROM settlements WHERE created_at > ${from} AND created_at <= ${to}
   UNION ALL SELECT driver_id, earning FROM settlement_adjustments WHERE created_at > ${from} AND created_at <= ${to}`;

/** Where the checkpoint stands ('' before the first run: nothing summed yet). */
export async function checkpointThrough(d1: LedgerSql): Promise<string> {
  const row = await d1.prepare(`SELECT ${CHECKPOINT} AS through`).first<{ through: string }>();
  return row?.through ?? "";
}

/** Settlements one batch folds in at most: a statement well inside D1's 30 s (BENCHMARKS.md, payouts). */
export const CHECKPOINT_STEP_ROWS = 100_000;
/** Batches one call makes at most; what is left waits for the next call (the read sums it meanwhile). */
export const CHECKPOINT_STEPS_PER_CALL = 20;

/**
 * Moves the checkpoint forward towards `target`, adding to each driver's sum what was
 * recorded in between, in steps of about `stepRows` settlements (a first move over a long
 * history, or after the cron stood still, is many steps and no giant statement). Each step
 * is one D1 batch (a transaction) that applies only if the checkpoint still stands where it
 * was read: of two callers moving it at once, the second adds nothing and stops, so no
 * earning is counted twice. Answers where the checkpoint stands after.
 *
 * @example
 * await advanceEarningsCheckpoint(env.LEDGER_DB, new Date(Date.now() - EARNINGS_SETTLED_MS).toISOString());
 */
export async function advanceEarningsCheckpoint(
  d1: LedgerSql,
  target: string,
  limits: { stepRows: number; steps: number } = { stepRows: CHECKPOINT_STEP_ROWS, steps: CHECKPOINT_STEPS_PER_CALL },
): Promise<{ through: string; steps: number }> {
  let through = await checkpointThrough(d1);
  let steps = 0;
  while (through < target && steps < limits.steps) {
    const next = await stepEnd(d1, through, target, limits.stepRows);
    if (!(await moveCheckpoint(d1, through, next))) return { through: await checkpointThrough(d1), steps };
    through = next;
    steps += 1;
  }
  return { through, steps };
}

/** Where a step from `through` ends: the time of the settlement `stepRows` after it, or `target` when fewer are left. */
async function stepEnd(d1: LedgerSql, through: string, target: string, stepRows: number): Promise<string> {
  const row = await d1
    .prepare("SELECT created_at FROM settlements WHERE created_at > ?1 AND created_at <= ?2 ORDER BY created_at LIMIT 1 OFFSET ?3")
    .bind(through, target, stepRows - 1)
    .first<{ created_at: string }>();
  return row?.created_at ?? target;
}

/**
 * The batch that moves the checkpoint from `through` (as read) to `target`; nothing when it
 * no longer stands at `through` (another run moved it since). True when it moved.
 */
export async function moveCheckpoint(d1: LedgerSql, through: string, target: string): Promise<boolean> {
  const [, moved] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO driver_earnings (driver_id, earned)
         SELECT driver_id, sum(earning) FROM (${earningsIn("?1", "?2")}) WHERE ${CHECKPOINT} = ?1 GROUP BY driver_id
         ON CONFLICT(driver_id) DO UPDATE SET earned = earned + excluded.earned`,
      )
      .bind(through, target),
    d1
      .prepare(
        `INSERT INTO earnings_checkpoint (id, through) SELECT 1, ?2 WHERE ${CHECKPOINT} = ?1
         ON CONFLICT(id) DO UPDATE SET through = excluded.through`,
      )
      .bind(through, target),
  ]);
  return (moved?.meta.changes ?? 0) === 1;
}

/** Later than any row's time: the end of the range "after the cut-off". */
export const END_OF_TIME = "9999-12-31T23:59:59.999Z";

/**
 * The statement of earnedUpTo (exported for its tests); ?1 is the cut-off. Each range is
 * empty unless the cut-off is on its side of the checkpoint; drivers whose sum is zero
 * (every earning after the cut-off, say) are left out. `later` is what was recorded after the
 * cut-off (refunds among it): a run of a past cut-off pays no more than the driver's balance now.
 */
export const EARNED_UP_TO = `WITH checkpoint AS (SELECT ${CHECKPOINT} AS through)
  SELECT driver_id, sum(earning) AS earning, sum(later) AS later FROM (
    SELECT driver_id, earned AS earning, 0 AS later FROM driver_earnings
    UNION ALL SELECT driver_id, earning, 0 FROM (${earningsIn("(SELECT through FROM checkpoint)", "?1")})
    UNION ALL SELECT driver_id, -earning, 0 FROM (${earningsIn("?1", "(SELECT through FROM checkpoint)")})
    UNION ALL SELECT driver_id, 0, earning FROM (${earningsIn("?1", `'${END_OF_TIME}'`)})
  ) GROUP BY driver_id HAVING sum(earning) <> 0`;

/**
 * Each driver's earnings at or before the cut-off, one summed entry per driver (dated at
 * the cut-off), in one statement (one consistent read), from the checkpoint's sums: plus
 * what was recorded after the checkpoint up to a later cut-off, or minus what was recorded
 * after an earlier cut-off up to the checkpoint (a run resumed, `more`, once the cron has
 * moved past its cut-off). Either way it reads the gap, not the history. What was recorded
 * after the cut-off comes as a second entry, dated `END_OF_TIME`: `payoutsDue` leaves it out
 * of what the cut-off pays, but pays no more than the two together (a refund since).
 *
 * @example
 * const earned = await earnedUpTo(env.LEDGER_DB, "2026-01-01T00:00:00.000Z");
 */
export async function earnedUpTo(d1: LedgerSql, cutoff: string): Promise<EarningEntry[]> {
  const { results } = await d1.prepare(EARNED_UP_TO).bind(cutoff).all<{ driver_id: string; earning: number; later: number }>();
  return results.flatMap((r) => [
    { driverId: r.driver_id, earning: Number(r.earning), createdAt: cutoff },
    ...(Number(r.later) !== 0 ? [{ driverId: r.driver_id, earning: Number(r.later), createdAt: END_OF_TIME }] : []),
  ]);
}
