/**
 * A ledger's earnings history made up from a seed: settlements and refund adjustments of a
 * few drivers at chosen times, written straight into the ledger tables, and what a full
 * scan sums from them. For the payout checkpoint's tests and its bench.
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
