/**
 * Re-sizing a payout before its first request goes out.
 *
 * A claim's amount is what its driver was owed when it was claimed, and a claim may wait days
 * before any request goes out: the payouts' breaker held it back, or a lookup found that the
 * provider, which has forgotten its key, never made it. A refund in between takes back part of
 * what the driver earned. Sent at its claimed amount, the payout would pay money the driver no
 * longer has, and their balance would go negative by the refund.
 *
 * So a payout no request has gone out for (`requested` = 0 and no destination pinned, ledger
 * migration 0012: a payment worker from before it, after a rollback, pins as it sends) is re-sized
 * just before it goes out, to the driver's balance beside every other payout that holds its
 * amount. It is lowered, or cancelled when nothing is left: failed for good at an amount of 0
 * (what it pays: at its claim, the driver's list showed a failed payout of all they were once
 * owed), with its driver not told (they never heard of it; their balance shows why). It is never raised: what was
 * earned since is the next cut-off's. A payout the provider may have seen keeps its amount: the
 * first request may have paid it, and a key reused with another amount is refused.
 */
import { DRIVER_EARNED } from "./earnings-checkpoint";

/** A payout that holds its amount (src/payments/payout.ts `holdsAmount`), in SQL. */
const HOLDS_AMOUNT = "(status = 'succeeded' OR status = 'pending' OR (status = 'failed' AND retryable = 1))";

/**
 * A driver's (?1) balance beside payout ?2: what they earned, minus every other payout that
 * holds its amount (the final ones from their folded sum, ./payout-totals.ts).
 */
export const BALANCE_BESIDE = `SELECT ${DRIVER_EARNED}
  - coalesce((SELECT taken FROM driver_payouts WHERE driver_id = ?1), 0)
  - (SELECT coalesce(sum(amount), 0) FROM payouts WHERE driver_id = ?1 AND folded = 0 AND id <> ?2 AND ${HOLDS_AMOUNT}) AS balance`;

/** The detail of a payout cancelled before it went out. */
export const NOTHING_LEFT = "cancelled: refunds since its claim took back what it would pay";

/** The amount to send; `cancelled` (nothing left to pay); `lost` (another call took the payout meanwhile: not this call's). */
export type Resized = { amount: number } | "cancelled" | "lost";

/**
 * Re-sizes payout `payout`, taken by this call at `takenAt` and never requested, to its
 * driver's balance now.
 *
 * @example
 * const resized = await resizePayout(env.LEDGER_DB, { id: "po_1", driverId: "d1", amount: 8000 }, takenAt, new Date().toISOString());
 * // { amount: 4000 } after a refund of 4,000 since the claim
 */
export async function resizePayout(d1: D1Database, payout: { id: string; driverId: string; amount: number }, takenAt: string, now: string): Promise<Resized> {
  const row = await d1.prepare(BALANCE_BESIDE).bind(payout.driverId, payout.id).first<{ balance: number }>();
  const balance = Number(row?.balance ?? 0);
  if (balance >= payout.amount) return { amount: payout.amount };
  // Only while it is as this call took it, and never requested (nor pinned: a previous payment worker, after a
  // rollback, pins as it sends without marking): one another call took or sent since is that call's.
  const ours = "id = ?1 AND status = 'pending' AND updated_at = ?2 AND requested = 0 AND destination IS NULL";
  const changed =
    balance > 0
      ? await d1.prepare(`UPDATE payouts SET amount = ?3 WHERE ${ours}`).bind(payout.id, takenAt, balance).run()
      : await d1
          .prepare(`UPDATE payouts SET status = 'failed', retryable = 0, amount = 0, detail = ?3, told_at = ?4, updated_at = ?4 WHERE ${ours}`)
          .bind(payout.id, takenAt, NOTHING_LEFT, now)
          .run();
  if ((changed.meta.changes ?? 0) !== 1) return "lost";
  return balance > 0 ? { amount: balance } : "cancelled";
}
