/**
 * What each driver was paid, for a payout run, without grouping every payout row ever made.
 *
 * A payout in a final state (succeeded, or refused for good: `failed`, not retryable) never
 * changes again: `answerPayout` only answers pending and retryable ones. So final payouts are
 * folded into one row per driver (`driver_payouts`: the amount they took, how many payouts) and
 * marked `folded`; a run reads those sums plus the few payouts not folded yet (pending,
 * retryable, or answered since the last fold). Before, every run grouped all payouts: one
 * row per driver paid per run, for ever.
 */
import type { PayoutRecord } from "../../src/payments/payout";
import type { LedgerSql } from "./earnings-checkpoint";

const FINAL = "(status = 'succeeded' OR (status = 'failed' AND retryable = 0))";

/**
 * Folds the final payouts not folded yet into each driver's sums: one D1 batch (a
 * transaction), so the rows summed are exactly the rows marked. Answers how many it folded.
 *
 * @example
 * await foldFinalPayouts(env.LEDGER_DB);
 */
export async function foldFinalPayouts(d1: LedgerSql): Promise<number> {
  const [, marked] = await d1.batch([
    d1.prepare(
      `INSERT INTO driver_payouts (driver_id, taken, payouts)
       SELECT driver_id, sum(CASE WHEN status = 'succeeded' THEN amount ELSE 0 END), count(*) FROM payouts
       WHERE folded = 0 AND ${FINAL} GROUP BY driver_id
       ON CONFLICT(driver_id) DO UPDATE SET taken = taken + excluded.taken, payouts = payouts + excluded.payouts`,
    ),
    d1.prepare(`UPDATE payouts SET folded = 1 WHERE folded = 0 AND ${FINAL}`),
  ]);
  return marked?.meta.changes ?? 0;
}

/**
 * The statement of payoutTotals (exported for its query-plan test); ?1 is the cut-off. A
 * driver's folded payouts read as one succeeded record of what they took; a folded payout
 * of this cut-off reads as a record of nothing taken, so that the rules still see the
 * cut-off paid.
 */
export const PAYOUT_TOTALS = `SELECT driver_id, 'succeeded' AS status, 0 AS retryable, 0 AS this_cutoff, taken AS amount, payouts AS n FROM driver_payouts
  UNION ALL
  SELECT driver_id, status, retryable, cutoff = ?1, sum(amount), count(*) FROM payouts WHERE folded = 0 GROUP BY driver_id, status, retryable, cutoff = ?1
  UNION ALL
  SELECT DISTINCT driver_id, 'failed', 0, 1, 0, 0 FROM payouts WHERE cutoff = ?1 AND folded = 1`;

/**
 * Every driver's payouts summed by status and whether they are of this cut-off (what the
 * rules look at), and how many payout rows each driver has (the claim's guard), in one
 * statement (one consistent read). `statement` is for the tests and the bench, which read
 * the same with the statement of before (all payouts grouped) to compare.
 *
 * @example
 * const { records, rows } = await payoutTotals(env.LEDGER_DB, cutoff);
 */
export async function payoutTotals(d1: LedgerSql, cutoff: string, statement = PAYOUT_TOTALS): Promise<{ records: PayoutRecord[]; rows: Map<string, number> }> {
  const { results } = await d1
    .prepare(statement)
    .bind(cutoff)
    .all<{ driver_id: string; status: string; retryable: number; this_cutoff: number; amount: number; n: number }>();
  const rows = new Map<string, number>();
  const records = results.map((r) => {
    rows.set(r.driver_id, (rows.get(r.driver_id) ?? 0) + Number(r.n));
    return {
      driverId: r.driver_id,
      amount: Number(r.amount),
      status: r.status as PayoutRecord["status"],
      retryable: Number(r.retryable) === 1,
      cutoff: Number(r.this_cutoff) === 1 ? cutoff : "",
    };
  });
  return { records, rows };
}
