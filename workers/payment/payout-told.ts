/**
 * Drivers told of their payouts: the payouts answered for good (paid, or refused) not told yet,
 * and the mark that they were (workers/gateway/payout-notices.ts sends the news).
 */
import type { PayoutNotificationMessage } from "../../src/domain/events";
import { refusedOnOurSide } from "../../src/payments/payout";
import type { PayoutRow } from "./payout-store";

/** A payout answered for good (paid, or refused) whose driver was not told yet (workers/gateway/payout-notices.ts). */
export type UntoldPayout = PayoutNotificationMessage["payout"];

/**
 * The untold payouts answered for good (the same condition as `FINAL` in ./payout-totals.ts
 * and ledger migration 0007). The unary `+` keeps SQLite off `payouts_by_status`:
 * given the choice, it reads every payout ever paid by that index and filters them, where
 * the partial index `payouts_untold` holds only the few not told yet.
 */
export const UNTOLD_PAYOUTS_SQL = `SELECT id, driver_id, amount, cutoff, status, detail, updated_at FROM payouts
  WHERE told_at IS NULL AND (+status = 'succeeded' OR (+status = 'failed' AND +retryable = 0))
  ORDER BY updated_at, id LIMIT ?1`;

/**
 * The oldest payouts answered for good whose drivers were not told, at most `limit` (over the
 * partial index of the untold: pending and unknown ones are there too, and skipped).
 *
 * @example
 * const untold = await untoldPayouts(env.LEDGER_DB, 100);
 */
export async function untoldPayouts(d1: D1Database, limit: number): Promise<UntoldPayout[]> {
  const { results } = await d1
    .prepare(UNTOLD_PAYOUTS_SQL)
    .bind(limit)
    .all<Pick<PayoutRow, "id" | "driver_id" | "amount" | "cutoff" | "status" | "detail" | "updated_at">>();
  return results.map((r) => ({
    id: r.id,
    driverId: r.driver_id,
    amount: { amount: r.amount, currency: "KRW" },
    cutoff: r.cutoff,
    status: r.status === "succeeded" ? "succeeded" : "failed",
    answeredAt: r.updated_at,
    ...(r.status !== "succeeded" && refusedOnOurSide(r.detail) ? { onOurSide: true as const } : {}),
  }));
}

/**
 * Marks payouts told (their ids as one JSON array: D1 binds at most 100 values a statement).
 *
 * @example
 * await markPayoutsTold(env.LEDGER_DB, untold.map((p) => p.id), new Date().toISOString());
 */
export async function markPayoutsTold(d1: D1Database, ids: string[], now: string): Promise<void> {
  if (ids.length === 0) return;
  await d1.prepare(`UPDATE payouts SET told_at = ?2 WHERE told_at IS NULL AND id IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify(ids), now).run();
}
