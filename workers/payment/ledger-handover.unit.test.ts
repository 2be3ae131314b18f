/**
 * The ledger window's run (src/payments/ledger-handover.ts) over the real ledger migrations in
 * Node's SQLite: a Ride DO that fails, the run's bound, two runs at once, and the earnings
 * checkpoint as the bound of what goes.
 */
import { describe, expect, it } from "vitest";
import type { RideLedger } from "../../src/payments/kept-ledger";
import { handOverLedger, SETTLE_LAG_MS, type LedgerHandoverDeps } from "../../src/payments/ledger-handover";
import { asD1, DAY, iso, T0, at, capturedRide, rowsOf, october, cron } from "./ledger-fixtures";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { advanceEarningsCheckpoint } from "./earnings-checkpoint";
import { ledgerPastWindow, letGoBefore, letGoOfLedger } from "./ledger-window";
import { driverTotals } from "./payout-store";

describe("the ledger window's run over SQLite", () => {
  it("a Ride DO that fails does not stop the walk: its ride waits, the rest go, and it goes at a later run", async () => {
    const db = await sqliteD1("migrations/payments");
    for (let hour = 1; hour <= 5; hour++) await capturedRide(db, `rd_${hour}`, hour);
    const clock = { now: T0 + 31 * DAY };
    const down = cron(db, clock, ["rd_3"]);
    expect(await down.run()).toEqual({ rides: 4, judged: 5, later: 1, notKept: 1 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((h) => rowsOf(db, `rd_${h}`)))).toEqual([0, 0, 3, 0, 0]);
    const up = cron(db, clock);
    expect(await up.run()).toMatchObject({ rides: 0, judged: 0 }); // not due yet
    clock.now += 11 * 60_000;
    expect(await up.run()).toMatchObject({ rides: 1, judged: 1 });
    expect([...up.kept.keys()]).toEqual(["rd_3"]);
  });
  it("judges at most the run's bound, in chunks, and the next run goes on", async () => {
    const db = await sqliteD1("migrations/payments");
    for (let i = 0; i < 7; i++) await capturedRide(db, `rd_${i}`, 1 + i);
    const { run } = cron(db, { now: T0 + 31 * DAY });
    expect(await run(5, 2)).toEqual({ rides: 5, judged: 5, later: 0, notKept: 0 });
    expect(await run(5, 2)).toEqual({ rides: 2, judged: 2, later: 0, notKept: 0 });
  });
  it("two runs at once let each ride go once, count it once, and leave nothing to read again", async () => {
    const db = await sqliteD1("migrations/payments");
    for (let i = 0; i < 30; i++) await capturedRide(db, `rd_${String(i).padStart(2, "0")}`, 1 + i / 2);
    const clock = { now: T0 + 31 * DAY };
    const [a, b] = [cron(db, clock), cron(db, clock)];
    const before = await october(db);
    const runs = await Promise.all([a.run(2_000, 7), b.run(2_000, 7)]);
    expect(runs[0]!.rides + runs[1]!.rides).toBe(30);
    expect(new Set([...a.kept.keys(), ...b.kept.keys()]).size).toBe(30);
    expect(await october(db)).toEqual(before);
    expect(await db.prepare("SELECT count(*) AS n FROM payment_operations").first()).toEqual({ n: 0 });
    clock.now += 2 * DAY;
    expect(await a.run()).toMatchObject({ judged: 0 });
    expect(await db.prepare("SELECT count(*) AS n FROM ledger_deferred").first()).toEqual({ n: 0 });
  });
  it("lets nothing go that the earnings checkpoint has not summed: none before it ever moved, none after where it stands", async () => {
    const db = await sqliteD1("migrations/payments");
    await capturedRide(db, "rd_early", 1);
    await capturedRide(db, "rd_late", 100);
    const clock = { now: T0 + 40 * DAY };
    const kept = new Map<string, RideLedger>();
    const deps: LedgerHandoverDeps = {
      pastWindow: (before, limit) => ledgerPastWindow(asD1(db), before, limit, iso(clock.now), SETTLE_LAG_MS),
      keep: async (rideId, ledger) => void kept.set(rideId, ledger),
      letGo: (rides, cutoff, after) => letGoOfLedger(asD1(db), rides, cutoff, after, iso(clock.now)),
    };
    const windowStart = new Date(clock.now - 30 * DAY);
    // The cron's ten-minute run never moved it: nothing is summed, nothing goes.
    expect(await handOverLedger(deps, windowStart, 100)).toMatchObject({ rides: 0 });
    // It stands a day after the first ride, far behind the window: only that ride goes.
    await advanceEarningsCheckpoint(db, at(24));
    const balance = await driverTotals(asD1(db), "d1");
    expect(await handOverLedger(deps, windowStart, 100)).toMatchObject({ rides: 1 });
    expect([...kept.keys()]).toEqual(["rd_early"]);
    expect([await rowsOf(db, "rd_early"), await rowsOf(db, "rd_late")]).toEqual([0, 3]);
    expect(await driverTotals(asD1(db), "d1")).toEqual(balance);
    expect(await letGoBefore(asD1(db))).toBe(at(24));
  });
});
