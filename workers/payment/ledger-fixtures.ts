/**
 * For the payment worker's Node unit tests only (never imported by the worker): ledger rows and
 * the ledger window's cron over Node's SQLite, with a clock the test moves (the fixtures of
 * ./ledger-window.unit.test.ts and ./ledger-handover.unit.test.ts).
 */
import type { RideLedger } from "../../src/payments/kept-ledger";
import { handOverLedger, SETTLE_LAG_MS, type LedgerHandoverDeps } from "../../src/payments/ledger-handover";
import { advanceEarningsCheckpoint } from "./earnings-checkpoint";
import { ledgerPastWindow, letGoOfLedger } from "./ledger-window";
import { commissionReport } from "./payout-store";
import type { D1Like } from "../../test/support/sqlite-d1";

export const asD1 = (db: D1Like) => db as unknown as D1Database;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const iso = (ms: number) => new Date(ms).toISOString();
export const T0 = Date.parse("2026-10-01T00:00:00.000Z");
/** Hours after T0. */
export const at = (hours: number) => iso(T0 + hours * HOUR);

export async function op(db: D1Like, rideId: string, kind: string, createdAt: string, outcome = "succeeded", amount = 10_000) {
  await db
    .prepare(
      `INSERT INTO payment_operations (idempotency_key, ride_id, kind, amount, currency, outcome, provider, provider_ref, detail, correlation_id, created_at)
       VALUES (?1, ?2, ?3, ?4, 'KRW', ?5, 'simulated', ?6, NULL, 'corr', ?7)`,
    )
    .bind(`${rideId}:${kind}:${createdAt}`, rideId, kind, amount, outcome, `pi_${rideId}`, createdAt)
    .run();
}

export async function settle(db: D1Like, rideId: string, createdAt: string, fare = 10_000) {
  await db
    .prepare("INSERT INTO settlements (ride_id, driver_id, fare, commission, earning, currency, created_at) VALUES (?1, 'd1', ?2, ?3, ?4, 'KRW', ?5)")
    .bind(rideId, fare, fare / 5, fare - fare / 5, createdAt)
    .run();
}

export async function adjust(db: D1Like, rideId: string, createdAt: string, fare: number) {
  await db
    .prepare(
      "INSERT INTO settlement_adjustments (id, ride_id, driver_id, fare, commission, earning, currency, created_at) VALUES (?1, ?2, 'd1', ?3, ?4, ?5, 'KRW', ?6)",
    )
    .bind(`${rideId}:refund:${createdAt}`, rideId, -fare, -fare / 5, -(fare - fare / 5), createdAt)
    .run();
}

/** A ride held at `hour` and captured and settled `tripHours` later. */
export async function capturedRide(db: D1Like, rideId: string, hour: number, tripHours = 0.5) {
  await op(db, rideId, "authorize", at(hour));
  await op(db, rideId, "capture", at(hour + tripHours));
  await settle(db, rideId, at(hour + tripHours));
}

export const rowsOf = async (db: D1Like, rideId: string) =>
  (
    await db
      .prepare(
        `SELECT (SELECT count(*) FROM payment_operations WHERE ride_id = ?1) + (SELECT count(*) FROM settlements WHERE ride_id = ?1)
              + (SELECT count(*) FROM settlement_adjustments WHERE ride_id = ?1) AS n`,
      )
      .bind(rideId)
      .first<{ n: number }>()
  )?.n;

/** The commission report over October, by whole hours. */
export const october = (db: D1Like) => commissionReport(asD1(db), at(0), at(31 * 24));

/**
 * The cron over a clock the test moves (`clock.now`, ms), a window of `windowDays`, the
 * earnings checkpoint moved to ten minutes before each run as the ten-minute cron does, and
 * Ride DOs that keep in memory (`failing` ones throw).
 */
export function cron(db: D1Like, clock: { now: number }, failing: string[] = [], windowDays = 30) {
  const kept = new Map<string, RideLedger>();
  const deps: LedgerHandoverDeps = {
    pastWindow: (before, limit) => ledgerPastWindow(asD1(db), before, limit, iso(clock.now), SETTLE_LAG_MS),
    keep: async (rideId, ledger) => {
      if (failing.includes(rideId)) throw new Error(`${rideId} unreachable`);
      kept.set(rideId, ledger);
    },
    letGo: (rides, cutoff, after) => letGoOfLedger(asD1(db), rides, cutoff, after, iso(clock.now)),
  };
  const run = async (maxRides = 2_000, chunk?: number) => {
    await advanceEarningsCheckpoint(db, iso(clock.now - 10 * 60_000));
    return handOverLedger(deps, new Date(clock.now - windowDays * DAY), maxRides, chunk);
  };
  return { run, kept };
}
