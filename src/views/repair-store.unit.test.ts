/**
 * The sweep's choice of riders (src/views/repair-store.ts, `staleRiderIds`) over the real views
 * migrations in Node's SQLite: which dues rows it reads again, in what order, and by which index.
 */
import { describe, expect, it } from "vitest";
import { sqliteD1, type D1Like } from "../../test/support/sqlite-d1";
import {
  markChecked,
  OFF_DUTY_PER_RUN,
  PENDING_PER_RUN,
  STALE_OFF_DUTY,
  STALE_ON_DUTY,
  STALE_RIDERS,
  STALE_RIDES,
  staleDriverIds,
  staleRideIds,
  staleRiderIds,
} from "./repair-store";

const NOW = "2026-12-05T10:00:00.000Z";
/** `minutes` before NOW. */
const ago = (minutes: number) => new Date(Date.parse(NOW) - minutes * 60_000).toISOString();
/** The sweep's threshold: rows unchanged and unchecked for two minutes. */
const BEFORE = ago(2);
const asD1 = (db: D1Like) => db as unknown as D1Database;

async function ride(db: D1Like, id: string, riderId: string, updatedAt: string, payment = "failed", status = "completed") {
  await db
    .prepare(
      `INSERT INTO rides (id, rider_id, status, product, version, created_at, updated_at, payment_status, snapshot)
       VALUES (?1, ?2, ?3, 'standard', 9, ?4, ?4, ?5, '{}')`,
    )
    .bind(id, riderId, status, updatedAt, payment)
    .run();
}

async function dues(db: D1Like, riderId: string, amount: number, updatedAt: string, checkedAt: string | null = null) {
  await db
    .prepare(`INSERT INTO rider_dues (rider_id, amount, currency, version, updated_at, snapshot, checked_at) VALUES (?1, ?2, 'KRW', 1, ?3, '{}', ?4)`)
    .bind(riderId, amount, updatedAt, checkedAt)
    .run();
}

describe("staleRiderIds", () => {
  it("reads the unpaid rides by their partial index, never every unpaid ride kept", async () => {
    const db = await sqliteD1("migrations/views");
    const plan = await db
      .prepare(`EXPLAIN QUERY PLAN ${STALE_RIDERS}`)
      .bind(BEFORE, ago(24 * 60), 25)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SEARCH rides USING INDEX rides_unpaid \(updated_at>\? AND updated_at<\?\)/);
    expect(details).toMatch(/SEARCH d USING INDEX rider_dues_open \(<expr><\?\)/);
    expect(details).not.toMatch(/SCAN (rides|d)\b/);
  });

  it("the riders of rides that ended unpaid since their row's last look, oldest first; then open dues quiet for an hour past the threshold", async () => {
    const db = await sqliteD1("migrations/views");
    await dues(db, "r-open", 9900, ago(90)); // open, quiet for an hour and a half: its payment's message may be lost
    await dues(db, "r-open-recent", 9900, ago(30)); // open, changed half an hour ago: not yet
    await dues(db, "r-open-checked", 9900, ago(90), ago(10)); // looked at ten minutes ago
    await dues(db, "r-clear", 0, ago(120)); // owes nothing
    await ride(db, "rd_lost", "r-lost", ago(10)); // ended unpaid, no row at all: the dues' message lost
    await dues(db, "r-behind", 0, ago(50));
    await ride(db, "rd_behind", "r-behind", ago(20)); // ended unpaid after the row's last change
    await dues(db, "r-seen", 0, ago(50), ago(5));
    await ride(db, "rd_seen", "r-seen", ago(20)); // ... but looked at since
    await ride(db, "rd_young", "r-young", ago(1)); // ended unpaid a minute ago: the views worker's
    await ride(db, "rd_old", "r-old", ago(2 * 24 * 60)); // two days ago: the rebuild's
    await ride(db, "rd_paid", "r-paid", ago(10), "captured");
    await ride(db, "rd_cancelled", "r-cancelled", ago(10), "failed", "cancelled");
    expect(await staleRiderIds(asD1(db), BEFORE, 25)).toEqual(["r-behind", "r-lost", "r-open"]);
    expect(await staleRiderIds(asD1(db), BEFORE, 2), "open dues never crowd out a rider whose row is behind for sure").toEqual(["r-behind", "r-lost"]);
  });

  it("a rider with open dues and an unpaid ride is read once; once checked, not again until their dues are quiet for an hour", async () => {
    const db = await sqliteD1("migrations/views");
    await dues(db, "r1", 9900, ago(100));
    await ride(db, "rd_1", "r1", ago(30));
    expect(await staleRiderIds(asD1(db), BEFORE, 25)).toEqual(["r1"]);
    await markChecked(asD1(db), "riders", ["r1"], NOW);
    expect(await staleRiderIds(asD1(db), BEFORE, 25)).toEqual([]);
    const hourOn = new Date(Date.parse(NOW) + 61 * 60_000 + 2 * 60_000).toISOString(); // the threshold, an hour and a minute on
    expect(await staleRiderIds(asD1(db), hourOn, 25), "open dues are looked at again").toEqual(["r1"]);
  });
  it("a minute reads no more open dues than its limit, quiet longest first, however many debtors there are", async () => {
    const db = await sqliteD1("migrations/views");
    const plan = await db
      .prepare(`EXPLAIN QUERY PLAN ${STALE_RIDERS}`)
      .bind(BEFORE, ago(24 * 60), 25, ago(62))
      .all<{ id: number; parent: number; detail: string }>();
    const duesRead = plan.results.find((r) => r.detail.includes("rider_dues_open"));
    const sorts = plan.results.filter((r) => r.detail.includes("TEMP B-TREE"));
    expect(
      sorts.map((r) => r.parent),
      "only the outer query sorts: the dues come in the index's order",
    ).toEqual([0, 0]);
    expect(duesRead?.parent).toBeGreaterThan(0);
    // The bytecode: a LIMIT read in order stops with DecrJumpZero (the outer LIMIT, after its sort, counts otherwise).
    const steps = await db
      .prepare(`EXPLAIN ${STALE_RIDERS}`)
      .bind(BEFORE, ago(24 * 60), 25, ago(62))
      .all<{ opcode: string }>();
    expect(
      steps.results.filter((s) => s.opcode === "DecrJumpZero"),
      "the dues' read stops at its limit",
    ).toHaveLength(1);
    for (let i = 0; i < 60; i++) await dues(db, `r${String(i).padStart(3, "0")}`, 9900, ago(120 + i));
    expect(await staleRiderIds(asD1(db), BEFORE, 3)).toEqual(["r059", "r058", "r057"]);
  });
});

describe("staleDriverIds", () => {
  async function driver(db: D1Like, id: string, status: string, approval: string, updatedAt: string) {
    await db
      .prepare(`INSERT INTO drivers (id, name, status, approval, product, version, updated_at, snapshot) VALUES (?1, ?1, ?2, ?3, 'standard', 1, ?4, '{}')`)
      .bind(id, status, approval, updatedAt)
      .run();
  }

  it("drivers on duty quiet past the threshold first, oldest first; then a few offline drivers waiting for a decision, quiet an hour more", async () => {
    const db = await sqliteD1("migrations/views");
    await driver(db, "d_on", "available", "approved", ago(30));
    await driver(db, "d_waiting", "offline", "pending", ago(2 * 60)); // their approval's message lost: still "pending" here
    await driver(db, "d_waiting_fresh", "offline", "pending", ago(30)); // looked at not an hour ago
    await driver(db, "d_off", "offline", "approved", ago(90));
    await driver(db, "d_rejected", "offline", "rejected", ago(90));
    expect(await staleDriverIds(asD1(db), BEFORE, 25)).toEqual(["d_on", "d_waiting"]);
    const plan = await db.prepare("EXPLAIN QUERY PLAN SELECT id FROM drivers WHERE status = 'offline' AND approval = 'pending'").all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join("\n")).toContain("drivers_by_status");
  });

  it("abandoned sign-ups never crowd out drivers on duty: at most PENDING_PER_RUN of them a run, beside the on-duty limit", async () => {
    const db = await sqliteD1("migrations/views");
    for (let i = 0; i < 40; i++) await driver(db, `d_signup_${String(i).padStart(2, "0")}`, "offline", "pending", ago(10 * 24 * 60));
    for (let i = 0; i < 3; i++) await driver(db, `d_on_${i}`, "on_trip", "approved", ago(5));
    const ids = await staleDriverIds(asD1(db), BEFORE, 25);
    expect(ids.filter((id) => id.startsWith("d_on_"))).toHaveLength(3);
    expect(ids.filter((id) => id.startsWith("d_signup_"))).toHaveLength(PENDING_PER_RUN);
  });

  it("last, a few approved drivers off duty quiet a day more (one sent back to waiting whose message was lost), by their own index", async () => {
    const db = await sqliteD1("migrations/views");
    for (let i = 0; i < 8; i++) await driver(db, `d_off_${i}`, "offline", "approved", ago(2 * 24 * 60 + i));
    await driver(db, "d_off_recent", "offline", "approved", ago(12 * 60));
    await driver(db, "d_on", "available", "approved", ago(30));
    // Rejected, then approved after all, the approval's message lost: looked at too, in their turn.
    await driver(db, "d_rejected", "offline", "rejected", ago(2 * 24 * 60 + 6.5));
    const ids = await staleDriverIds(asD1(db), BEFORE, 25);
    expect(ids[0]).toBe("d_on");
    expect(ids.slice(1), "longest unseen first, a day's rest kept").toEqual(
      ["d_off_7", "d_rejected", "d_off_6", "d_off_5", "d_off_4"].slice(0, OFF_DUTY_PER_RUN),
    );
    await markChecked(asD1(db), "drivers", ["d_off_7"], ago(1));
    expect(await staleDriverIds(asD1(db), BEFORE, 25)).not.toContain("d_off_7");
    const plan = await db.prepare(`EXPLAIN QUERY PLAN ${STALE_OFF_DUTY}`).bind(BEFORE, 5).all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SEARCH drivers USING INDEX drivers_off_duty/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });

  it("reads the drivers on duty by their own index, longest unseen first: never a sort of every driver on duty", async () => {
    const db = await sqliteD1("migrations/views");
    for (let i = 0; i < 30; i++) await driver(db, `d_on_${String(i).padStart(2, "0")}`, i % 2 ? "available" : "on_trip", "approved", ago(10 + i));
    await driver(db, "d_on_fresh", "offered", "approved", ago(1));
    expect(await staleDriverIds(asD1(db), BEFORE, 3)).toEqual(["d_on_29", "d_on_28", "d_on_27"]);
    const plan = await db.prepare(`EXPLAIN QUERY PLAN ${STALE_ON_DUTY}`).bind(BEFORE, 25).all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SEARCH drivers USING INDEX drivers_on_duty/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });
});

describe("staleRideIds", () => {
  it("rides not ended, and cancelled ones whose hold is not voided yet, quiet past the threshold, longest unseen first, by their own index", async () => {
    const db = await sqliteD1("migrations/views");
    await ride(db, "rd_dispatching", "r1", ago(30), "authorized", "dispatching");
    await ride(db, "rd_on_trip", "r2", ago(40), "authorized", "in_progress");
    await ride(db, "rd_voiding", "r3", ago(20), "authorized", "cancelled");
    await ride(db, "rd_fresh", "r4", ago(1), "authorized", "dispatching"); // changed a minute ago
    await ride(db, "rd_voided", "r5", ago(60), "voided", "cancelled");
    await ride(db, "rd_completed", "r6", ago(60), "captured", "completed");
    await ride(db, "rd_unpaid", "r7", ago(60), "failed", "completed");
    expect(await staleRideIds(asD1(db), BEFORE, 25)).toEqual(["rd_on_trip", "rd_dispatching", "rd_voiding"]);
    await markChecked(asD1(db), "rides", ["rd_on_trip"], ago(1));
    expect(await staleRideIds(asD1(db), BEFORE, 2)).toEqual(["rd_dispatching", "rd_voiding"]);
    const plan = await db.prepare(`EXPLAIN QUERY PLAN ${STALE_RIDES}`).bind(BEFORE, 25).all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SEARCH rides USING INDEX rides_behind/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });
});
