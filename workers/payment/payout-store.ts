/**
 * The ledger's payout tables (src/payments/ledger-schema.ts: payout_runs, payouts,
 * payout_accounts) and the reads over settlements that payouts and the commission report
 * need. Sums are taken in SQL, grouped so that the pure rules (src/payments/payout.ts)
 * see everything they decide on; pages are keyset pages with opaque cursors.
 */
import { capturedRide, splitsWhere } from "./splits-sql";
import { DRIVER_EARNED } from "./earnings-checkpoint";
import { decodeCursor, encodeCursor, pageLimit } from "../../src/payments/page-cursor";
import type { PayoutStatus } from "../../src/payments/payout";
import type { Page } from "./pages";

/** A payout as the API shows it. */
export interface PayoutItem {
  id: string;
  runId: string;
  driverId: string;
  amount: { amount: number; currency: "KRW" };
  cutoff: string;
  status: PayoutStatus;
  providerRef: string | null;
  detail: string | null;
  createdAt: string;
  updatedAt: string;
}

export type PayoutRow = {
  id: string;
  run_id: string;
  driver_id: string;
  amount: number;
  currency: string;
  cutoff: string;
  status: string;
  provider_ref: string | null;
  detail: string | null;
  created_at: string;
  updated_at: string;
};

function asItem(r: PayoutRow): PayoutItem {
  return {
    id: r.id,
    runId: r.run_id,
    driverId: r.driver_id,
    amount: { amount: r.amount, currency: "KRW" },
    cutoff: r.cutoff,
    status: r.status as PayoutStatus,
    providerRef: r.provider_ref,
    detail: r.detail,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Claims a payout (status pending) in one statement, only if the driver still has
 * `expectedRows` payout rows: a concurrent run that claimed in between makes this one
 * step back (one statement is atomic in D1), so two runs never pay the same earnings.
 * True when this call claimed it.
 */
export async function claimPayout(
  d1: D1Database,
  claim: { id: string; runId: string; driverId: string; amount: number; cutoff: string; provider: string; now: string },
  expectedRows: number,
): Promise<boolean> {
  const result = await d1
    .prepare(
      `INSERT OR IGNORE INTO payouts (id, run_id, driver_id, amount, currency, cutoff, status, retryable, provider, created_at, updated_at, requested)
       SELECT ?1, ?2, ?3, ?4, 'KRW', ?5, 'pending', 0, ?6, ?7, ?7, 0
       WHERE (SELECT count(*) FROM payouts WHERE driver_id = ?3) = ?8`,
    )
    .bind(claim.id, claim.runId, claim.driverId, claim.amount, claim.cutoff, claim.provider, claim.now, expectedRows)
    .run();
  return (result.meta.changes ?? 0) === 1;
}

/**
 * Takes a payout for one call to send: as it was seen (`seenAt`, its `updated_at` when read), still
 * unanswered, now `pending` and touched. False when another call took it first, or it was answered:
 * two calls that read the same payout (the cron's resend and an operator's run) send it once, and a
 * payout waiting its turn behind others in a long call is not taken for a dead call's claim.
 */
export async function takePayout(d1: D1Database, id: string, seenAt: string, now: string): Promise<boolean> {
  const result = await d1
    .prepare(
      `UPDATE payouts SET status = 'pending', retryable = 0, updated_at = ?3
       WHERE id = ?1 AND updated_at = ?2 AND (status = 'pending' OR (status = 'failed' AND retryable = 1))`,
    )
    .bind(id, seenAt, now)
    .run();
  return (result.meta.changes ?? 0) === 1;
}

/**
 * Payouts whose outcome is unknown: failed without an answer, or claimed and left (a run that died) before `staleBefore`;
 * the longest untouched first, so one that keeps failing (a 5xx replayed under its key for a day) goes behind the others.
 */
export async function unansweredPayouts(d1: D1Database, staleBefore: string, limit: number): Promise<(PayoutItem & { requested: boolean })[]> {
  const { results } = await d1
    .prepare(
      `SELECT * FROM payouts WHERE (status = 'failed' AND retryable = 1) OR (status = 'pending' AND updated_at < ?1)
       ORDER BY updated_at, id LIMIT ?2`,
    )
    .bind(staleBefore, limit)
    .all<PayoutRow & { requested: number; destination: string | null }>();
  // A destination pinned is a request too: a previous payment worker (a rollback) pins it as it sends, without marking.
  return results.map((r) => ({ ...asItem(r), requested: Number(r.requested) === 1 || r.destination !== null }));
}

/**
 * Records a provider's answer; a payout already answered for good (succeeded, or refused) is left
 * as it is. True when this answer was recorded (false: another call answered it for good first).
 */
export async function answerPayout(
  d1: D1Database,
  id: string,
  answer: { status: "succeeded" | "failed"; retryable: boolean; providerRef: string | null; detail: string | null; now: string },
): Promise<boolean> {
  const result = await d1
    .prepare(
      `UPDATE payouts SET status = ?2, retryable = ?3, provider_ref = ?4, detail = ?5, updated_at = ?6
       WHERE id = ?1 AND (status = 'pending' OR (status = 'failed' AND retryable = 1))`,
    )
    .bind(id, answer.status, answer.retryable ? 1 : 0, answer.providerRef, answer.detail, answer.now)
    .run();
  return (result.meta.changes ?? 0) > 0;
}

/**
 * Records a payout run (its id derives from the cut-off); a run of the same cut-off
 * already recorded is left as it is, so resuming a run records nothing new.
 *
 * @example
 * await recordRun(env.LEDGER_DB, await payoutRunId(cutoff), cutoff, new Date().toISOString());
 */
export async function recordRun(d1: D1Database, runId: string, cutoff: string, now: string): Promise<void> {
  await d1.prepare("INSERT OR IGNORE INTO payout_runs (id, cutoff, created_at) VALUES (?1, ?2, ?3)").bind(runId, cutoff, now).run();
}

/**
 * The account payout `payoutId` goes to: the one its first send pinned, else the driver's
 * account on file now, pinned by this call (one statement: two sends of one payout at once
 * get the same). Null when neither is set (nothing is pinned; the payout is refused).
 * Called as the request goes out, so it also marks the payout `requested`: from here on the
 * provider may have seen its key with its amount, which is never changed again.
 *
 * @example
 * const destination = await pinnedDestination(env.LEDGER_DB, payout.id, "d1");
 */
export async function pinnedDestination(d1: D1Database, payoutId: string, driverId: string): Promise<string | null> {
  const row = await d1
    .prepare(
      "UPDATE payouts SET destination = coalesce(destination, (SELECT account_id FROM payout_accounts WHERE driver_id = ?2)), requested = 1 WHERE id = ?1 RETURNING destination",
    )
    .bind(payoutId, driverId)
    .first<{ destination: string | null }>();
  return row?.destination ?? null;
}

/**
 * Marks payouts the breaker held back (never sent) failed and retryable, their last change as read
 * (`seenAt`): they keep their place in the line. Only those pending as this call left them (`at`):
 * one another call took since is that call's.
 */
export async function holdBack(d1: D1Database, held: readonly { id: string; at: string; seenAt: string }[], detail: string): Promise<void> {
  const hold = d1.prepare(
    "UPDATE payouts SET status = 'failed', retryable = 1, detail = ?2, updated_at = ?4 WHERE id = ?1 AND status = 'pending' AND updated_at = ?3",
  );
  if (held.length > 0) await d1.batch(held.map((h) => hold.bind(h.id, detail, h.at, h.seenAt)));
}

/**
 * Forgets the account payout `payoutId` was pinned to, and that it was requested: the provider
 * made no payout under its key, which it has forgotten, so the next request is a first one.
 */
export async function unpinDestination(d1: D1Database, payoutId: string): Promise<void> {
  await d1.prepare("UPDATE payouts SET destination = NULL, requested = 0 WHERE id = ?1").bind(payoutId).run();
}

/** A driver's total earnings (settlements and adjustments: `DRIVER_EARNED`) and payouts by status. */
export async function driverTotals(d1: D1Database, driverId: string): Promise<{ earned: number; payouts: { amount: number; status: PayoutStatus }[] }> {
  const [earned, payouts] = await Promise.all([
    d1.prepare(`SELECT ${DRIVER_EARNED} AS earned`).bind(driverId).first<{ earned: number }>(),
    d1
      .prepare("SELECT status, sum(amount) AS amount FROM payouts WHERE driver_id = ?1 GROUP BY status")
      .bind(driverId)
      .all<{ status: string; amount: number }>(),
  ]);
  return {
    earned: Number(earned?.earned ?? 0),
    payouts: payouts.results.map((r) => ({ amount: Number(r.amount), status: r.status as PayoutStatus })),
  };
}

/**
 * Payouts newest first, of one driver or of all, `limit` after the cursor `after` (null:
 * from the newest). Throws on a cursor that is not one of these pages'.
 */
export async function payoutsPage(d1: D1Database, filter: { driverId: string | null; after: string | null; limit: number }): Promise<Page<PayoutItem>> {
  const size = pageLimit(filter.limit, 100);
  const [beforeAt = "\uffff", beforeId = ""] = filter.after === null ? [] : decodeCursor(filter.after, 2);
  // A driver's by payouts_by_driver, everyone's by payouts_by_time: one `?1 IS NULL OR` query hid the driver from the planner.
  const owner = filter.driverId === null ? "" : "driver_id = ?1 AND ";
  const { results } = await d1
    .prepare(`SELECT * FROM payouts WHERE ${owner}(created_at < ?2 OR (created_at = ?2 AND id < ?3)) ORDER BY created_at DESC, id DESC LIMIT ?4`)
    .bind(filter.driverId, beforeAt, beforeId, size + 1)
    .all<PayoutRow>();
  const items = results.slice(0, size).map(asItem);
  const last = items.at(-1);
  return { items, next: results.length > size && last ? encodeCursor([last.createdAt, last.id]) : null };
}

/** What the commission report sums: the captured rides' splits, and apart from them what the platform settled. */
export interface CommissionTotals {
  fares: number;
  commission: number;
  earnings: number;
  rides: number;
  /** Rides the platform settled without a capture (the rider's card declined after boarding): what it paid drivers for them. */
  settled: { earnings: number; rides: number };
}

/**
 * Fares, commission and earnings summed over the settlements and refund adjustments
 * recorded in [from, to) of captured rides (a succeeded `capture` in payment_operations),
 * and how many of them were settled in it. Settlements with no capture (`settle`: the
 * platform paid the driver anyway) are no captured fare: they are reported apart. What the
 * ledger's window let go is counted from its hour's sums (`ledger_hours`), by the hour it was
 * made in: an hour that began in [from, to) counts whole.
 */
export async function commissionReport(d1: D1Database, from: string, to: string): Promise<CommissionTotals> {
  const { results } = await d1
    .prepare(
      `SELECT captured, sum(fare) AS fares, sum(commission) AS commission, sum(earning) AS earnings, sum(ride) AS rides
       FROM (SELECT ${capturedRide("r")} AS captured, fare, commission, earning, ride
             FROM (${splitsWhere("created_at >= ?1 AND created_at < ?2")}) AS r
             UNION ALL SELECT captured, fares, commission, earnings, rides FROM ledger_hours
             WHERE hour || ':00:00.000Z' >= ?1 AND hour || ':00:00.000Z' < ?2)
       GROUP BY captured`,
    )
    .bind(from, to)
    .all<{ captured: number; fares: number; commission: number; earnings: number; rides: number }>();
  const captured = results.find((r) => Number(r.captured) === 1);
  const settled = results.find((r) => Number(r.captured) !== 1);
  return {
    fares: Number(captured?.fares ?? 0),
    commission: Number(captured?.commission ?? 0),
    earnings: Number(captured?.earnings ?? 0),
    rides: Number(captured?.rides ?? 0),
    settled: { earnings: Number(settled?.earnings ?? 0), rides: Number(settled?.rides ?? 0) },
  };
}
