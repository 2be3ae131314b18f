/**
 * The views' window (src/views/window.ts) over the real views migrations in Node's SQLite,
 * with owners that keep in memory or fail: chunks and the run's bound, an owner that fails
 * passed over while the rest still goes, and the query on its partial index (so that rides
 * that never go are never walked past).
 */
import { describe, expect, it } from "vitest";
import type { KeptEarning, KeptRide } from "../history/kept-history";
import { handOverWrites, letGoOfHistory, RIDES_PAST_WINDOW, WINDOW_CHUNK, type HistoryKeepers } from "./window";
import { sqliteD1, type D1Like } from "../../test/support/sqlite-d1";
import type { RideEventsMessage } from "../domain/events";
import { record } from "../domain/ride/fixtures";
import { applyWrites, writesOf } from "./projection";
import { openPaymentProblems } from "./stats";

const BEFORE = new Date("2026-11-01T00:00:00.000Z");
const at = (day: number) => new Date(Date.UTC(2026, 9, day)).toISOString(); // October: before the cut-off

async function ride(db: D1Like, id: string, riderId: string, driverId: string | null, createdAt: string, payment = "captured", status = "completed") {
  const snapshot = JSON.stringify({ id, status, version: 9, createdAt, payment: { status: payment } });
  await db
    .prepare(
      `INSERT INTO rides (id, rider_id, driver_id, status, product, version, created_at, updated_at, payment_status, snapshot)
       VALUES (?1, ?2, ?3, ?4, 'standard', 9, ?5, ?5, ?6, ?7)`,
    )
    .bind(id, riderId, driverId, status, createdAt, payment, snapshot)
    .run();
}

/** Owners that keep in memory; `failing` owners throw. */
function owners(failing: string[] = []) {
  const rides = new Map<string, KeptRide[]>();
  const earnings = new Map<string, KeptEarning[]>();
  const keep = <T>(into: Map<string, T[]>, owner: string, rows: T[]) => {
    if (failing.includes(owner)) return Promise.reject(new Error(`${owner} unreachable`));
    into.set(owner, [...(into.get(owner) ?? []), ...rows]);
    return Promise.resolve();
  };
  const keepers: HistoryKeepers = {
    keepRides: (kind, id, rows) => keep(rides, `${kind}:${id}`, rows),
    keepEarnings: (id, rows) => keep(earnings, `driver:${id}`, rows),
  };
  return { keepers, rides, earnings };
}

const left = async (db: D1Like) => (await db.prepare("SELECT id FROM rides ORDER BY id").all<{ id: string }>()).results.map((r) => r.id);
const asD1 = (db: D1Like) => db as unknown as D1Database;

describe("the views' window over SQLite", () => {
  it("reads the settled rides past the cut-off by their partial index, never by the table", async () => {
    const db = await sqliteD1("migrations/views");
    const plan = await db.prepare(`EXPLAIN QUERY PLAN ${RIDES_PAST_WINDOW}`).bind(BEFORE.toISOString(), "[]", 10).all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/USING (COVERING )?INDEX rides_settled/);
    expect(details).not.toMatch(/SCAN rides\b(?! USING)/);
  });

  it("moves rides in chunks up to the run's bound, oldest first, and the next run goes on", async () => {
    const db = await sqliteD1("migrations/views");
    const n = WINDOW_CHUNK + 50;
    for (let i = 0; i < n; i++) await ride(db, `rd_${String(i).padStart(4, "0")}`, `r${i % 7}`, `d${i % 5}`, at(1 + (i % 28)));
    await ride(db, "rd_failed", "r0", "d0", at(1), "failed");
    const { keepers, rides } = owners();
    const first = await letGoOfHistory(asD1(db), keepers, BEFORE, WINDOW_CHUNK + 10);
    expect(first).toEqual({ rides: WINDOW_CHUNK + 10, earnings: 0, notKept: 0 });
    const second = await letGoOfHistory(asD1(db), keepers, BEFORE, 1_000);
    expect(second.rides).toBe(40);
    expect(await left(db)).toEqual(["rd_failed"]);
    const keptByRiders = [...rides].filter(([k]) => k.startsWith("rider:")).flatMap(([, v]) => v.map((r) => r.id));
    expect(new Set(keptByRiders).size).toBe(n);
  });

  it("a ride whose refund was declined, none made since, stays for the operators' stats; once a refund is made it goes", async () => {
    const db = await sqliteD1("migrations/views");
    await ride(db, "rd_declined", "r1", "d1", at(1));
    await ride(db, "rd_settled", "r2", "d1", at(2));
    await ride(db, "rd_plain", "r3", "d1", at(3));
    await db.prepare("UPDATE rides SET refund_declined_version = 12 WHERE id IN ('rd_declined', 'rd_settled')").run();
    await db.prepare("UPDATE rides SET refund_made_version = 14 WHERE id = 'rd_settled'").run();
    expect(await letGoOfHistory(asD1(db), owners().keepers, BEFORE, 1_000)).toMatchObject({ rides: 2 });
    expect(await left(db)).toEqual(["rd_declined"]);
    await db.prepare("UPDATE rides SET refund_made_version = 15 WHERE id = 'rd_declined'").run();
    expect(await letGoOfHistory(asD1(db), owners().keepers, BEFORE, 1_000)).toMatchObject({ rides: 1 });
    expect(await left(db)).toEqual([]);
  });

  it("an owner that fails keeps its rows here; the run passes them over and still moves the others", async () => {
    const db = await sqliteD1("migrations/views");
    // The failing driver's rides are the oldest: they come first in every read.
    for (let i = 0; i < WINDOW_CHUNK; i++) await ride(db, `rd_a${String(i).padStart(4, "0")}`, `ra${i}`, "d_down", at(1));
    for (let i = 0; i < 30; i++) await ride(db, `rd_b${String(i).padStart(4, "0")}`, `rb${i}`, "d_up", at(5));
    const { keepers } = owners(["driver:d_down"]);
    const run = await letGoOfHistory(asD1(db), keepers, BEFORE, 1_000);
    expect(run).toEqual({ rides: 30, earnings: 0, notKept: WINDOW_CHUNK });
    expect((await left(db)).every((id) => id.startsWith("rd_a"))).toBe(true);
  });

  it("the rebuild's writes: a ride past the window goes to its owners, in its newest version; the rest is answered for the views", async () => {
    const db = await sqliteD1("migrations/views");
    const ride = (id: string, version: number, createdAt: string) =>
      ({ id, riderId: "r1", driver: { id: "d1" }, status: "completed", version, createdAt, payment: { status: "captured" } }) as never;
    const event = {} as never;
    const earning = { id: "rd_old", rideId: "rd_old", driverId: "d1", fare: 10_000, commission: 2_000, earning: 8_000, currency: "KRW", createdAt: at(3) };
    const { keepers, rides, earnings } = owners();
    const rest = await handOverWrites(
      asD1(db),
      keepers,
      [
        { kind: "ride", event, ride: ride("rd_old", 7, at(3)), dispatchMs: null },
        { kind: "ride", event, ride: ride("rd_old", 9, at(3)), dispatchMs: null },
        { kind: "earning", row: earning },
        { kind: "ride", event, ride: ride("rd_new", 4, "2026-11-20T00:00:00.000Z"), dispatchMs: null },
      ],
      BEFORE,
    );
    expect(rest.map((w) => (w.kind === "ride" ? w.ride.id : w.kind))).toEqual(["rd_new"]);
    expect(rides.get("rider:r1")?.map((r) => [r.id, r.version])).toEqual([["rd_old", 9]]);
    expect(rides.get("driver:d1")?.map((r) => r.id)).toEqual(["rd_old"]);
    expect(earnings.get("driver:d1")?.map((e) => e.earning)).toEqual([8_000]);
    const marks = await db.prepare("SELECT name, cursor FROM view_cursors ORDER BY name").all<{ name: string; cursor: string }>();
    expect(marks.results).toEqual([
      { name: "earnings_kept_before", cursor: BEFORE.toISOString() },
      { name: "rides_kept_before", cursor: BEFORE.toISOString() },
    ]);
    await expect(
      handOverWrites(asD1(db), owners(["rider:r1"]).keepers, [{ kind: "ride", event, ride: ride("rd_old", 9, at(3)), dispatchMs: null }], BEFORE),
    ).rejects.toThrow("not kept");
  });

  it("the rebuild's writes: a ride past the window whose refund is still declined stays in the views, as the window's run leaves it", async () => {
    const db = await sqliteD1("migrations/views");
    // The writes the rebuild makes of a ride's timeline: each refund's outcome written apart from the snapshot.
    const writes = (id: string, outcomes: [version: number, type: "RefundDeclined" | "PaymentRefunded"][]) =>
      outcomes.flatMap(([version, type]) => {
        const ride = { ...record("completed", "captured", { driver: true }).ride, id, version, createdAt: at(3), updatedAt: at(4) };
        const event = { id: `ev_${id}_${version}`, type, rideId: id, version, occurredAt: at(4), correlationId: "c", causationId: null, data: {} };
        return writesOf({ kind: "ride.events", events: [event], ride } satisfies RideEventsMessage);
      });
    const { keepers, rides } = owners();
    const rest = await handOverWrites(
      asD1(db),
      keepers,
      [
        ...writes("rd_declined", [[12, "RefundDeclined"]]),
        // Declined, then made good: settled, it goes.
        ...writes("rd_made", [
          [12, "RefundDeclined"],
          [14, "PaymentRefunded"],
        ]),
        // Made, then declined (a second refund): open again, it stays.
        ...writes("rd_again", [
          [14, "PaymentRefunded"],
          [16, "RefundDeclined"],
        ]),
      ],
      BEFORE,
    );
    expect([...rides.values()].flat().map((r) => r.id)).toEqual(["rd_made", "rd_made"]); // its rider and its driver
    // Projected, they are the operators' open payment problems, as they were before the rebuild.
    await applyWrites(asD1(db), rest);
    expect((await openPaymentProblems(asD1(db))).map((p) => p.rideId).sort()).toEqual(["rd_again", "rd_declined"]);
    expect(await left(db)).toEqual(["rd_again", "rd_declined"]);
  });

  it("the repair's writes: a ride past the window whose older row came back (a replayed event) is kept by its owners and its row goes", async () => {
    const db = await sqliteD1("migrations/views");
    await ride(db, "rd_back", "r1", null, at(3), "pending", "requested"); // v9 here: the replayed, unsettled row
    await ride(db, "rd_newer", "r2", null, at(3), "pending", "requested");
    await db.prepare("UPDATE rides SET version = 30 WHERE id = 'rd_newer'").run();
    const settled = (id: string, version: number) =>
      ({ id, riderId: id === "rd_back" ? "r1" : "r2", driver: null, status: "completed", version, createdAt: at(3), payment: { status: "captured" } }) as never;
    const writes = [
      { kind: "ride" as const, event: {} as never, ride: settled("rd_back", 12), dispatchMs: null },
      { kind: "ride" as const, event: {} as never, ride: settled("rd_newer", 12), dispatchMs: null },
    ];
    const rest = await handOverWrites(asD1(db), owners().keepers, writes, BEFORE);
    expect(rest).toEqual([]);
    // The older row is gone; a row newer than what was kept (not expected, but never lost) stays.
    expect(await left(db)).toEqual(["rd_newer"]);
  });
});
