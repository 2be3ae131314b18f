/**
 * Driver payouts, the pure part: what each driver is owed up to a cut-off time, given
 * what they earned (settlements and refund adjustments, negative) and the payouts made
 * or tried before; a driver's balance; the ids that make a run idempotent per cut-off.
 *
 * A payout's amount stays "taken" while it may have reached the driver: paid, claimed
 * and not yet answered (`pending`), or `failed` because the provider could not answer
 * (`retryable`: it is sent again under the same idempotency key, so the provider pays it
 * once). Only a payout the provider refused for good gives its amount back to what is owed.
 */
import { sha256Hex } from "../lib/ids.ts";

export type PayoutStatus = "pending" | "succeeded" | "failed";

/** An earning of a driver (a settlement, or a refund's negative adjustment), or a sum of several. */
export interface EarningEntry {
  driverId: string;
  earning: number;
  createdAt: string;
}

/** A payout as the ledger keeps it (or a sum of several with the same status and cut-off). */
export interface PayoutRecord {
  driverId: string;
  amount: number;
  status: PayoutStatus;
  retryable: boolean;
  cutoff: string;
}

/** One payout a run should make. */
export interface PayoutDue {
  driverId: string;
  amount: number;
}

/** Whether a payout's amount may have reached (or may still reach) the driver. */
export function holdsAmount(payout: Pick<PayoutRecord, "status" | "retryable">): boolean {
  return payout.status === "succeeded" || payout.status === "pending" || (payout.status === "failed" && payout.retryable);
}

function sumBy<T>(rows: readonly T[], key: (row: T) => string, value: (row: T) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + value(row));
  return sums;
}

/**
 * The payouts a run with cut-off `cutoff` makes: for each driver, what they earned at or
 * before the cut-off minus every payout that holds its amount; only positive amounts (a
 * refund after a payout leaves a negative balance, paid nothing until more is earned),
 * and none for a driver who already has a payout of this cut-off (its id is taken).
 * Never more than their balance now (every earning, those after the cut-off too, minus those
 * payouts): a run of a past cut-off does not pay again what a refund since took back.
 * Sorted by driver id.
 *
 * @example
 * payoutsDue("2026-01-02T00:00:00.000Z", [{ driverId: "d1", earning: 8000, createdAt: "2026-01-01T10:00:00.000Z" }], []);
 * // [{ driverId: "d1", amount: 8000 }]
 */
export function payoutsDue(cutoff: string, earnings: readonly EarningEntry[], payouts: readonly PayoutRecord[]): PayoutDue[] {
  const at = Date.parse(cutoff);
  const earned = sumBy(
    earnings.filter((e) => Date.parse(e.createdAt) <= at),
    (e) => e.driverId,
    (e) => e.earning,
  );
  const taken = sumBy(
    payouts.filter(holdsAmount),
    (p) => p.driverId,
    (p) => p.amount,
  );
  const earnedNow = sumBy(
    earnings,
    (e) => e.driverId,
    (e) => e.earning,
  );
  const paidThisCutoff = new Set(payouts.filter((p) => Date.parse(p.cutoff) === at).map((p) => p.driverId));
  const due: PayoutDue[] = [];
  for (const [driverId, amount] of earned) {
    const owed = Math.min(amount, earnedNow.get(driverId) ?? amount) - (taken.get(driverId) ?? 0);
    if (owed > 0 && !paidThisCutoff.has(driverId)) due.push({ driverId, amount: owed });
  }
  return due.sort((a, b) => (a.driverId < b.driverId ? -1 : a.driverId > b.driverId ? 1 : 0));
}

/**
 * A driver's balance: `paid` is what payouts paid; `owed` is everything earned minus
 * that (negative after a refund of a fare already paid out).
 *
 * @example
 * driverBalance(12000, [{ driverId: "d1", amount: 8000, status: "succeeded", retryable: false, cutoff: "…" }]); // { owed: 4000, paid: 8000 }
 */
export function driverBalance(earned: number, payouts: readonly Pick<PayoutRecord, "amount" | "status">[]): { owed: number; paid: number } {
  const paid = payouts.filter((p) => p.status === "succeeded").reduce((sum, p) => sum + p.amount, 0);
  return { owed: earned - paid, paid };
}

/**
 * A cut-off as the ledger keeps it (ISO 8601 in UTC, milliseconds), or why it is not one:
 * not a time, or later than `now` (earnings after it may still come).
 *
 * @example
 * normalizeCutoff("2026-01-01T09:00:00+09:00", new Date()); // { ok: true, cutoff: "2026-01-01T00:00:00.000Z" }
 */
export function normalizeCutoff(input: string | undefined, now: Date): { ok: true; cutoff: string } | { ok: false; detail: string } {
  if (input === undefined) return { ok: true, cutoff: now.toISOString() };
  const at = Date.parse(input);
  if (!Number.isFinite(at)) return { ok: false, detail: `cutoff: not a time: ${input}` };
  if (at > now.getTime()) return { ok: false, detail: `cutoff: ${input} is in the future` };
  return { ok: true, cutoff: new Date(at).toISOString() };
}

/** The id of the run of a cut-off: the same cut-off is the same run. */
export async function payoutRunId(cutoff: string): Promise<string> {
  return `pr_${(await sha256Hex(`run|${cutoff}`)).slice(0, 24)}`;
}

/** The id of a driver's payout of a cut-off, also its idempotency key at the provider. */
export async function payoutId(cutoff: string, driverId: string): Promise<string> {
  return `po_${(await sha256Hex(`payout|${cutoff}|${driverId}`)).slice(0, 24)}`;
}

/**
 * The provider's refusals of a payout that are the platform's side, not the driver's account
 * (Stripe's `balance_insufficient`: the platform's balance cannot cover the transfer). The driver
 * is not asked to check their account; the on-call tops the balance up.
 */
const REFUSED_ON_OUR_SIDE: ReadonlySet<string> = new Set(["balance_insufficient"]);

/**
 * @example
 * refusedOnOurSide("balance_insufficient"); // true
 * refusedOnOurSide("no_payout_account"); // false
 */
export function refusedOnOurSide(detail: string | null | undefined): boolean {
  return detail != null && REFUSED_ON_OUR_SIDE.has(detail);
}
