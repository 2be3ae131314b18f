/**
 * A ledger's history made up from a seed, written straight into the ledger tables: earnings
 * (settlements and refund adjustments) of a few drivers at chosen times, and what a full
 * scan sums from them; payouts of past runs in chosen states, and the statement that grouped
 * them all before. For the payout runs' sums (their tests and `npm run bench:payouts`).
 */
import type { LedgerSql } from "../../workers/payment/earnings-checkpoint.ts";
import { seeded } from "./seeded.ts";

/** One earning as the ledger keeps it: a settlement, or a refund's (negative) adjustment. */
export interface EarningRow {
  kind: "settlement" | "adjustment";
  id: string;
  driverId: string;
  earning: number;
  at: string;
}

/**
 * `rows` earnings of `drivers` drivers spread over [from, from + spanMs), one in five a
 * refund adjustment; the same seed gives the same history.
 *
 * @example
 * const rows = earningHistory(7, { rows: 300, drivers: 8, from: Date.parse("2026-01-01"), spanMs: 10 * 86_400_000 });
 */
export function earningHistory(seed: number, shape: { rows: number; drivers: number; from: number; spanMs: number; prefix?: string }): EarningRow[] {
  const random = seeded(seed);
  const prefix = shape.prefix ?? `s${seed}`;
  return Array.from({ length: shape.rows }, (_, i) => {
    const adjustment = random() < 0.2;
    const earning = Math.round(1000 + random() * 20000);
    return {
      kind: adjustment ? "adjustment" : "settlement",
      id: `${prefix}_${i}`,
      driverId: `d${Math.floor(random() * shape.drivers)}`,
      earning: adjustment ? -Math.round(earning / 4) : earning,
      at: new Date(shape.from + Math.floor(random() * shape.spanMs)).toISOString(),
    };
  });
}

/** Writes the rows into `settlements` and `settlement_adjustments`, in batches of 500. */
export async function recordEarnings(d1: LedgerSql, rows: readonly EarningRow[]): Promise<void> {
  const statements = rows.map((r) =>
    r.kind === "settlement"
      ? d1
          .prepare("INSERT INTO settlements (ride_id, driver_id, fare, commission, earning, currency, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'KRW', ?6)")
          .bind(r.id, r.driverId, r.earning, 0, r.earning, r.at)
      : d1
          .prepare(
            "INSERT INTO settlement_adjustments (id, ride_id, driver_id, fare, commission, earning, currency, created_at) VALUES (?1, ?1, ?2, ?3, ?4, ?5, 'KRW', ?6)",
          )
          .bind(r.id, r.driverId, r.earning, 0, r.earning, r.at),
  );
  for (let i = 0; i < statements.length; i += 500) await d1.batch(statements.slice(i, i + 500));
}

/** What summing every row at or before the cut-off gives, per driver whose sum is not zero, sorted by driver. */
export function summedUpTo(rows: readonly EarningRow[], cutoff: string): { driverId: string; earning: number }[] {
  const sums = new Map<string, number>();
  for (const r of rows) if (r.at <= cutoff) sums.set(r.driverId, (sums.get(r.driverId) ?? 0) + r.earning);
  return [...sums]
    .filter(([, earning]) => earning !== 0)
    .map(([driverId, earning]) => ({ driverId, earning }))
    .sort((a, b) => a.driverId.localeCompare(b.driverId));
}

/** A payout as the ledger keeps it, in a chosen state. */
export interface PayoutRow {
  id: string;
  driverId: string;
  amount: number;
  cutoff: string;
  status: "pending" | "succeeded" | "failed";
  retryable: 0 | 1;
}

/** How payouts end, in proportion: mostly paid, some refused for good, some unknown or open. */
export const PAYOUT_STATES: readonly Pick<PayoutRow, "status" | "retryable">[] = [
  { status: "succeeded", retryable: 0 },
  { status: "succeeded", retryable: 0 },
  { status: "failed", retryable: 0 },
  { status: "failed", retryable: 1 },
  { status: "pending", retryable: 0 },
];

/**
 * One payout run a cut-off: each of `drivers` drivers paid with probability `share`, in a
 * state drawn from `states`; the same seed gives the same payouts.
 *
 * @example
 * const rows = payoutHistory(7, { cutoffs: ["2026-01-01T00:00:00.000Z"], drivers: 10, share: 0.7 });
 */
export function payoutHistory(
  seed: number,
  shape: { cutoffs: readonly string[]; drivers: number; share: number; states?: readonly Pick<PayoutRow, "status" | "retryable">[] },
): PayoutRow[] {
  const random = seeded(seed);
  const states = shape.states ?? PAYOUT_STATES;
  return shape.cutoffs.flatMap((cutoff, run) =>
    Array.from({ length: shape.drivers }, (_, driver) => {
      if (random() >= shape.share) return [];
      const state = states[Math.floor(random() * states.length)]!;
      return [{ id: `po_${seed}_${run}_${driver}`, driverId: `d${driver}`, amount: 1000 + Math.floor(random() * 9000), cutoff, ...state }];
    }).flat(),
  );
}

/** Writes the payouts (run id from the cut-off), in batches of 500. */
export async function recordPayouts(d1: LedgerSql, rows: readonly PayoutRow[]): Promise<void> {
  const statements = rows.map((r) =>
    d1
      .prepare(
        `INSERT INTO payouts (id, run_id, driver_id, amount, currency, cutoff, status, retryable, provider, created_at, updated_at)
         VALUES (?1, 'pr_' || ?5, ?2, ?3, 'KRW', ?5, ?4, ?6, 'fake', ?5, ?5)`,
      )
      .bind(r.id, r.driverId, r.amount, r.status, r.cutoff, r.retryable),
  );
  for (let i = 0; i < statements.length; i += 500) await d1.batch(statements.slice(i, i + 500));
}

/** The statement every payout run made before the folded sums: all payouts, grouped (?1 is the cut-off). */
export const PAYOUTS_GROUPED_BEFORE = `SELECT driver_id, status, retryable, cutoff = ?1 AS this_cutoff, sum(amount) AS amount, count(*) AS n
  FROM payouts GROUP BY driver_id, status, retryable, cutoff = ?1`;
