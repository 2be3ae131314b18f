/**
 * The ledger's window over the real ledger migrations in Node's SQLite, run as the cron runs it
 * (src/payments/ledger-handover.ts) with Ride DOs that keep in memory and a clock the test moves:
 * what goes and what waits, rides met before they are over, the commission report and a
 * driver's balance the same before and after, and a refund's pin and restore in either order
 * with a let-go. The run's own guards: ./ledger-handover.unit.test.ts.
 */
import { describe, expect, it } from "vitest";
import { keptEntries } from "../../src/payments/kept-ledger";
import { SETTLE_LAG_MS } from "../../src/payments/ledger-handover";
import { asD1, HOUR, DAY, iso, T0, at, op, settle, adjust, capturedRide, rowsOf, october, cron } from "./ledger-fixtures";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { HOLDS_PAST_WINDOW, ledgerPastWindow, letGoBefore, letGoOfLedger, restoreLedger } from "./ledger-window";
import { driverTotals } from "./payout-store";
import { advanceEarningsCheckpoint } from "./earnings-checkpoint";

describe("the ledger's window over SQLite", () => {
  it("walks the holds by their index, never the table", async () => {
    const db = await sqliteD1("migrations/payments");
    const plan = await db.prepare(`EXPLAIN QUERY PLAN ${HOLDS_PAST_WINDOW}`).bind("", "", at(1), 10).all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/USING (COVERING )?INDEX operations_by_kind_time/);
    expect(details).not.toMatch(/SCAN payment_operations\b(?! USING)/);
  });
  it("in steady state every ride goes a window after it was over, though the walk meets many before their capture", async () => {
    const db = await sqliteD1("migrations/payments");
    // Rides held every ten minutes for a day; some trips last five hours, past the walk's lag.
    for (let i = 0; i < 144; i++) await capturedRide(db, `rd_${String(i).padStart(3, "0")}`, i / 6, i % 12 === 0 ? 5 : 0.4);
    const clock = { now: T0 + 30 * DAY + SETTLE_LAG_MS };
    const { run, kept } = cron(db, clock);
    let went = 0;
    // Every minute for a day and six hours after the first hold crossed the window.
    for (let minute = 0; minute < 30 * 60; minute += 1) {
      went += (await run()).rides;
      clock.now += 60_000;
    }
    expect(went).toBe(144);
    expect(kept.size).toBe(144);
    expect(await db.prepare("SELECT count(*) AS n FROM payment_operations").first<{ n: number }>()).toEqual({ n: 0 });
    expect(await db.prepare("SELECT count(*) AS n FROM ledger_deferred").first<{ n: number }>()).toEqual({ n: 0 });
  });
  it("lets settled rides go; an open hold and a ride refunded after the cut-off wait, a rental and a dues account stay", async () => {
    const db = await sqliteD1("migrations/payments");
    await capturedRide(db, "rd_done", 1);
    await op(db, "rd_voided", "authorize", at(2));
    await op(db, "rd_voided", "void", at(2.1));
    await op(db, "rd_declined", "authorize", at(2), "declined"); // no hold was ever placed
    await op(db, "rd_void_refused", "authorize", at(2));
    await op(db, "rd_void_refused", "void", at(2.1), "declined"); // the hold lapsed: nothing left to release
    await op(db, "rd_open", "authorize", at(3)); // held, never captured nor voided
    await op(db, "rn_rental", "authorize", at(3));
    await op(db, "rn_rental", "capture", at(3.5));
    await op(db, "dues:r1", "authorize", at(3));
    await capturedRide(db, "rd_refunded_late", 4);
    const clock = { now: T0 + 31 * DAY };
    await op(db, "rd_refunded_late", "refund", iso(clock.now - 2 * HOUR), "succeeded", 1_000);
    await adjust(db, "rd_refunded_late", iso(clock.now - 2 * HOUR), 1_000);
    const { run, kept } = cron(db, clock);
    const before = await october(db);
    expect(await letGoBefore(asD1(db))).toBe("");
    expect(await run()).toEqual({ rides: 4, judged: 8, later: 2, notKept: 0 });
    expect([...kept.keys()].sort()).toEqual(["rd_declined", "rd_done", "rd_void_refused", "rd_voided"]);
    expect(kept.get("rd_done")).toMatchObject({ payment_operations: [{ kind: "authorize" }, { kind: "capture" }], settlements: [{ fare: 10_000 }] });
    // Payout runs of a cut-off before the run's are refused from now on.
    expect(await letGoBefore(asD1(db))).toBe(iso(clock.now - 30 * DAY));
    for (const [id, n] of [
      ["rd_done", 0],
      ["rd_open", 1],
      ["rn_rental", 2],
      ["dues:r1", 1],
      ["rd_refunded_late", 5],
    ] as const)
      expect(await rowsOf(db, id), id).toBe(n);
    // The report counts what went from the hour's sums: the same figures (the late refund among them, live).
    expect(await october(db)).toEqual(before);
    expect(before).toMatchObject({ fares: 19_000, rides: 2 });

    // A month later the refund is past the window too: the deferred ride goes; the open hold still waits.
    clock.now += 31 * DAY;
    expect(await run()).toMatchObject({ rides: 1, later: 1 });
    expect(await rowsOf(db, "rd_refunded_late")).toBe(0);
    expect(kept.get("rd_refunded_late")?.settlement_adjustments).toHaveLength(1);
    expect(await october(db)).toEqual(before);
    expect(await db.prepare("SELECT ride_id FROM ledger_deferred").all()).toMatchObject({ results: [{ ride_id: "rd_open" }] });
  });
  it("a driver's balance and the commission report's settled figures are the same before and after", async () => {
    const db = await sqliteD1("migrations/payments");
    await capturedRide(db, "rd_paid", 1);
    await adjust(db, "rd_paid", at(2), 2_000);
    await op(db, "rd_unpaid", "authorize", at(3), "declined");
    await op(db, "rd_unpaid", "settle", at(3.5)); // the platform paid the driver for a fare it could not take
    await settle(db, "rd_unpaid", at(3.5), 5_000);
    const clock = { now: T0 + 31 * DAY };
    const { run } = cron(db, clock);
    await advanceEarningsCheckpoint(db, iso(clock.now - 10 * 60_000));
    const [report, balance] = [await october(db), await driverTotals(asD1(db), "d1")];
    expect(report).toMatchObject({ fares: 8_000, rides: 1, settled: { earnings: 4_000, rides: 1 } });
    expect(balance.earned).toBe(8_000 - 1_600 + 4_000);
    expect(await run()).toMatchObject({ rides: 2 });
    expect([await rowsOf(db, "rd_paid"), await rowsOf(db, "rd_unpaid")]).toEqual([0, 0]);
    expect(await october(db)).toEqual(report);
    expect(await driverTotals(asD1(db), "d1")).toEqual(balance);
  });
  it("a refund pins the ride before its copy is read: rows back once, out of the hour's sums; let go again a window after the pin", async () => {
    const db = await sqliteD1("migrations/payments");
    await capturedRide(db, "rd_back", 1);
    await adjust(db, "rd_back", at(2), 1_000);
    const clock = { now: T0 + 31 * DAY };
    const { run, kept } = cron(db, clock);
    const before = await october(db);
    await run();
    const copy = kept.get("rd_back")!;
    expect(keptEntries(copy).map((e) => [e.kind, e.rideId])).toEqual([
      ["authorize", "rd_back"],
      ["capture", "rd_back"],
    ]);

    const retryAfter = iso(clock.now + 30 * DAY);
    await restoreLedger(asD1(db), "rd_back", null, retryAfter, iso(clock.now)); // the pin
    await restoreLedger(asD1(db), "rd_back", copy, retryAfter, iso(clock.now));
    await restoreLedger(asD1(db), "rd_back", copy, retryAfter, iso(clock.now)); // a repeat changes nothing
    expect(await rowsOf(db, "rd_back")).toBe(4);
    expect(await october(db)).toEqual(before);
    const restored = await db.prepare("SELECT * FROM payment_operations WHERE ride_id = 'rd_back' ORDER BY created_at").all();
    expect(restored.results).toEqual(copy.payment_operations);

    // A let-go that read the ride before the pin commits after it: the ride stays (and waits).
    expect(await letGoOfLedger(asD1(db), { kept: ["rd_back"], later: [], never: [] }, iso(clock.now - 30 * DAY), null, iso(clock.now))).toBe(0);
    expect(await rowsOf(db, "rd_back")).toBe(4);
    clock.now += 29 * DAY;
    expect(await run()).toMatchObject({ rides: 0 }); // not due: pinned
    clock.now += 2 * DAY;
    expect(await run()).toMatchObject({ rides: 1 });
    expect(await rowsOf(db, "rd_back")).toBe(0);
    expect(await october(db)).toEqual(before);
    expect(await db.prepare("SELECT count(*) AS n FROM ledger_restores").first()).toEqual({ n: 0 });
  });
  it("a pin on a ride still in the ledger (a refund inside the window) holds it a window after the pin", async () => {
    const db = await sqliteD1("migrations/payments");
    await capturedRide(db, "rd_early_refund", 1);
    const clock = { now: T0 + 20 * DAY };
    await restoreLedger(asD1(db), "rd_early_refund", null, iso(clock.now + 30 * DAY), iso(clock.now));
    const { run } = cron(db, clock);
    clock.now = T0 + 31 * DAY; // the hold is past the window, the pin is not
    expect(await run()).toMatchObject({ rides: 0, later: 1 });
    clock.now = T0 + 51 * DAY;
    expect(await run()).toMatchObject({ rides: 1 });
  });
  it("a ride written to after the cut-off since it was read stays, and waits", async () => {
    const db = await sqliteD1("migrations/payments");
    await capturedRide(db, "rd_busy", 1);
    const clock = { now: T0 + 31 * DAY };
    await advanceEarningsCheckpoint(db, iso(clock.now - 10 * 60_000));
    const chunk = await ledgerPastWindow(asD1(db), iso(clock.now - 30 * DAY), 10, iso(clock.now), SETTLE_LAG_MS);
    expect(chunk.rides[0]).toMatchObject({ rideId: "rd_busy", verdict: "go" });
    await op(db, "rd_busy", "refund", iso(clock.now - HOUR), "succeeded", 500);
    expect(await letGoOfLedger(asD1(db), { kept: ["rd_busy"], later: [], never: [] }, chunk.cutoff, chunk.after, iso(clock.now))).toBe(0);
    expect(await rowsOf(db, "rd_busy")).toBe(4);
    expect(await letGoBefore(asD1(db))).toBe(""); // nothing went
    expect(await db.prepare("SELECT ride_id, tries FROM ledger_deferred").all()).toMatchObject({ results: [{ ride_id: "rd_busy", tries: 0 }] });
  });
});
