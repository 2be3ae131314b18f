import { describe, expect, it } from "vitest";
import type { Driver, RiderAccount } from "../../src/domain/events";
import type { EarningRow, ViewWrite } from "../../src/views/projection";
import { earning, rentalWritesOf, rn, snapshotOf } from "./repair-fixtures";
import { DEFAULT_REPAIR, LOST_PER_RUN, repairOptions, repairViews, type RepairDeps } from "./views-repair";

const NOW = new Date("2026-11-21T10:10:00.000Z");

/** In-memory deps: what the sweep asked and wrote is recorded. */
function fakeDeps(over: Partial<RepairDeps> & { ledger?: EarningRow[][] } = {}) {
  const written: ViewWrite[][] = [];
  const marked: { table: string; ids: string[]; at: string }[] = [];
  const asked: { staleBefore?: string; pages: (string | null)[] } = { pages: [] };
  const inserted = new Set<string>();
  let cursor: string | null = null;
  const ledger = over.ledger ?? [];
  const deps: RepairDeps = {
    now: () => NOW,
    staleRides: async (before) => {
      asked.staleBefore = before;
      return [];
    },
    staleDrivers: async () => [],
    staleRiders: async () => [],
    rideSnapshot: async (id) => snapshotOf(id),
    rentalWrites: async (id) => rentalWritesOf(id),
    driverSnapshot: async (id) => ({ id, version: 4 }) as Driver,
    riderAccount: async (id) => ({ id, dues: { amount: 0, currency: "KRW" }, items: [], version: 2, updatedAt: NOW.toISOString() }),
    project: async (writes) => void written.push(writes),
    markChecked: async (table, ids, at) => void marked.push({ table, ids, at }),
    earningsCursor: async () => cursor,
    saveEarningsCursor: async (c) => void (cursor = c),
    earningsPage: async (after) => {
      asked.pages.push(after);
      const i = after === null ? 0 : Number(after);
      return { items: ledger[i] ?? [], next: i + 1 < ledger.length ? String(i + 1) : null };
    },
    missingEarnings: async (rows) => rows.filter((r) => !inserted.has(r.id)),
    insertEarnings: async (rows) => rows.filter((r) => !inserted.has(r.id) && inserted.add(r.id)).length,
    heldRidesCursor: async () => null,
    saveHeldRidesCursor: async () => undefined,
    heldRidesPage: async () => ({ items: [], next: null }),
    missingRides: async () => [],
    pastWindow: () => false,
    missingRentals: async () => [],
    ...over,
  };
  return { deps, written, marked, asked, inserted, cursor: () => cursor };
}

describe("repairViews", () => {
  it("finds the rides the ledger knows and the views never heard of, projects them from their objects, and goes on from where it stopped", async () => {
    let saved: string | null = null;
    const pages: Record<string, { items: string[]; next: string | null }> = {
      start: { items: ["rd_a", "rd_b"], next: "p2" },
      p2: { items: ["rd_c", "rd_gone"], next: null },
    };
    const f = fakeDeps({
      heldRidesCursor: async () => saved,
      saveHeldRidesCursor: async (c) => void (saved = c),
      heldRidesPage: async (after) => pages[after ?? "start"]!,
      missingRides: async (ids) => ids.filter((id) => id !== "rd_a"),
      rideSnapshot: async (id) => (id === "rd_gone" ? null : snapshotOf(id)),
    });
    const report = await repairViews(f.deps, { ...DEFAULT_REPAIR, earningsPages: 3 });
    expect(report.lost).toEqual({ scanned: 4, inserted: 2, error: null });
    const restored = f.written.map((w) => (w[0]?.kind === "ride" ? w[0].ride.id : "")).sort();
    expect(restored).toEqual(["rd_b", "rd_c"]);
    expect(saved, "the next run reads the last page again").toBe("p2");
  });

  it("a rental among the ledger's ids the views lack is projected from its object with its vehicle; one the views have, or no object knows, is not", async () => {
    const asked: { rides: string[][]; rentals: string[][] } = { rides: [], rentals: [] };
    const f = fakeDeps({
      heldRidesPage: async () => ({ items: ["rd_a", rn("known"), rn("lost"), rn("gone")], next: null }),
      missingRides: async (ids) => (asked.rides.push(ids), ids),
      missingRentals: async (ids) => (asked.rentals.push(ids), ids.filter((id) => id !== rn("known"))),
      rentalWrites: async (id) => (id === rn("gone") ? null : rentalWritesOf(id)),
    });
    const report = await repairViews(f.deps);
    expect(asked).toEqual({ rides: [["rd_a"]], rentals: [[rn("known"), rn("lost"), rn("gone")]] });
    expect(report.lost).toEqual({ scanned: 4, inserted: 2, error: null });
    const rentalWrites = f.written.filter((w) => w[0]?.kind === "rental");
    expect(rentalWrites).toEqual([rentalWritesOf(rn("lost"))]);
    expect(f.written.filter((w) => w[0]?.kind === "ride").map((w) => (w[0]?.kind === "ride" ? w[0].ride.id : ""))).toEqual(["rd_a"]);
  });

  it("asks each stale ride's object and projects its whole timeline with the snapshot; rows are marked checked", async () => {
    const f = fakeDeps({ staleRides: async () => ["rd_a", "rd_b"] });
    const report = await repairViews(f.deps, { ...DEFAULT_REPAIR, afterS: 120 });
    expect(report.rides).toEqual({ checked: 2, missing: 0, failed: [] });
    const forA = f.written.find((w) => w[0]?.kind === "ride" && w[0].ride.id === "rd_a")!;
    expect(forA.map((w) => (w.kind === "ride" ? `${w.event.id}@v${w.ride.version}` : w.kind))).toEqual(["rd_a_ev1@v3", "rd_a_ev2@v3", "rd_a_ev3@v3"]);
    expect(f.marked).toEqual([{ table: "rides", ids: ["rd_a", "rd_b"], at: NOW.toISOString() }]);
  });

  it("'stale' is older than the threshold", async () => {
    const f = fakeDeps();
    await repairViews(f.deps, { ...DEFAULT_REPAIR, afterS: 120 });
    expect(f.asked.staleBefore).toBe("2026-11-21T10:08:00.000Z");
  });

  it("a ride its object does not know is counted missing, a failing one listed; the others are repaired and all are marked", async () => {
    const f = fakeDeps({
      staleRides: async () => ["rd_gone", "rd_err", "rd_ok"],
      rideSnapshot: async (id) => {
        if (id === "rd_err") throw new Error("object overloaded");
        return id === "rd_gone" ? null : snapshotOf(id);
      },
    });
    const report = await repairViews(f.deps);
    expect(report.rides).toEqual({ checked: 1, missing: 1, failed: ["rd_err: Error: object overloaded"] });
    expect(f.written).toHaveLength(1);
    expect(f.marked[0]!.ids).toEqual(["rd_gone", "rd_err", "rd_ok"]);
  });

  it("riders whose dues row fell behind get their object's account; a failing one is listed and not marked, so the next run reads it again", async () => {
    const owes = (id: string): RiderAccount => ({ id, dues: { amount: 9900, currency: "KRW" }, items: [], version: 3, updatedAt: NOW.toISOString() });
    const f = fakeDeps({
      staleRiders: async () => ["r1", "r-err"],
      riderAccount: async (id) => {
        if (id === "r-err") throw new Error("object overloaded");
        return owes(id);
      },
    });
    const report = await repairViews(f.deps);
    expect(report.riders).toEqual({ checked: 1, missing: 0, failed: ["r-err: Error: object overloaded"] });
    expect(f.written).toEqual([[{ kind: "rider", rider: owes("r1") }]]);
    expect(f.marked).toEqual([{ table: "riders", ids: ["r1"], at: NOW.toISOString() }]);
  });

  it("stale drivers get their object's snapshot", async () => {
    const f = fakeDeps({ staleDrivers: async () => ["d9"] });
    const report = await repairViews(f.deps);
    expect(report.drivers).toEqual({ checked: 1, missing: 0, failed: [] });
    expect(f.written).toEqual([[{ kind: "driver", driver: { id: "d9", version: 4 } }]]);
    expect(f.marked).toEqual([{ table: "drivers", ids: ["d9"], at: NOW.toISOString() }]);
  });

  it("copies the ledger's earnings the views lack, and the next run goes on from the last page", async () => {
    const f = fakeDeps({
      ledger: [
        [earning("rd_1"), earning("rd_2")],
        [earning("rd_3"), earning("rd_1:refund:k")],
      ],
    });
    f.inserted.add("rd_2");
    const first = await repairViews(f.deps);
    expect(first.earnings).toEqual({ scanned: 4, inserted: 3, error: null });
    expect(f.asked.pages).toEqual([null, "1"]);
    // at the end the cursor stays before the last page: its tail is read again next time
    expect(f.cursor()).toBe("1");
    const second = await repairViews(f.deps);
    expect(second.earnings).toEqual({ scanned: 2, inserted: 0, error: null });
    expect(f.asked.pages).toEqual([null, "1", "1"]);
  });

  it("brings the ride of each earnings row the views lacked up to its object first (a lost refund of a final ride), once a ride", async () => {
    const f = fakeDeps({ ledger: [[earning("rd_1"), earning("rd_1:refund:k"), earning("rd_2"), earning("rd_3:refund:k")]] });
    f.inserted.add("rd_2");
    const report = await repairViews(f.deps);
    expect(report.earnings).toEqual({ scanned: 4, inserted: 3, error: null });
    const projected = f.written.map((w) => (w[0]?.kind === "ride" ? w[0].ride.id : "")).sort();
    expect(projected, "rd_2's row was there: its ride is not read").toEqual(["rd_1", "rd_3"]);
    // The next run finds nothing lacking, and reads no ride.
    f.written.length = 0;
    expect((await repairViews(f.deps)).earnings.inserted).toBe(0);
    expect(f.written).toEqual([]);
  });

  it("a ride that cannot be read fails the page before its rows go in: the next run tries them again", async () => {
    let down = true;
    const f = fakeDeps({
      ledger: [[earning("rd_1:refund:k")]],
      rideSnapshot: async (id) => {
        if (down) throw new Error("ride object overloaded");
        return snapshotOf(id);
      },
    });
    const first = await repairViews(f.deps);
    expect(first.earnings).toEqual({ scanned: 1, inserted: 0, error: "rd_1: Error: ride object overloaded" });
    expect(f.inserted.size).toBe(0);
    down = false;
    const second = await repairViews(f.deps);
    expect(second.earnings).toEqual({ scanned: 1, inserted: 1, error: null });
    expect(f.written.map((w) => (w[0]?.kind === "ride" ? w[0].ride.id : ""))).toEqual(["rd_1"]);
  });

  it("leaves rows younger than the threshold to the views worker (their message is on its way), and reads no further", async () => {
    const young = { ...earning("rd_new:refund:k"), createdAt: "2026-11-21T10:09:30.000Z" };
    const f = fakeDeps({ ledger: [[earning("rd_old"), young], [earning("rd_later")]] });
    const report = await repairViews(f.deps, { ...DEFAULT_REPAIR, afterS: 120 });
    expect(report.earnings).toEqual({ scanned: 2, inserted: 1, error: null });
    expect([...f.inserted]).toEqual(["rd_old"]);
    expect(f.written.map((w) => (w[0]?.kind === "ride" ? w[0].ride.id : ""))).toEqual(["rd_old"]);
    expect(f.cursor(), "the next run reads this page again").toBeNull();
    expect(f.asked.pages).toEqual([null]);
  });

  it("reads at most `maxRows` rides a run for the rows the views lack; the next run goes on with the rest of the page", async () => {
    const f = fakeDeps({ ledger: [[earning("rd_1"), earning("rd_2"), earning("rd_2:refund:k"), earning("rd_3")]] });
    const first = await repairViews(f.deps, { ...DEFAULT_REPAIR, maxRows: 2 });
    expect(first.earnings).toEqual({ scanned: 4, inserted: 3, error: null });
    expect(f.written).toHaveLength(2);
    const second = await repairViews(f.deps, { ...DEFAULT_REPAIR, maxRows: 2 });
    expect(second.earnings).toEqual({ scanned: 4, inserted: 1, error: null });
    expect(f.written.map((w) => (w[0]?.kind === "ride" ? w[0].ride.id : ""))).toEqual(["rd_1", "rd_2", "rd_3"]);
  });

  it("reads at most `earningsPages` pages a run", async () => {
    const f = fakeDeps({ ledger: [[earning("rd_1")], [earning("rd_2")], [earning("rd_3")], [earning("rd_4")]] });
    const report = await repairViews(f.deps, { ...DEFAULT_REPAIR, earningsPages: 2 });
    expect(report.earnings.scanned).toBe(2);
    expect(f.cursor()).toBe("2");
  });

  it("keeps up with a Seoul-size peak: 6,000 settlements a minute, the cursor never more than a page behind the tail", async () => {
    const ledger: EarningRow[][] = [];
    let n = 0;
    const f = fakeDeps({ ledger, missingEarnings: async () => [] });
    for (let minute = 0; minute < 20; minute++) {
      for (let page = 0; page < 60; page++) ledger.push(Array.from({ length: 100 }, () => earning(`rd_${n++}`)));
      await repairViews(f.deps);
      expect(ledger.length - 1 - Number(f.cursor() ?? 0), `minute ${minute}`).toBeLessThanOrEqual(1);
    }
  });

  it("after a views outage (every row lacking), a run reads at most its budget of objects over all its pages, and the next run goes on", async () => {
    const ledger: EarningRow[][] = Array.from({ length: 60 }, (_, p) => Array.from({ length: 100 }, (_, i) => earning(`rd_${p}_${i}`)));
    const lostPages = Array.from({ length: 60 }, (_, p) => Array.from({ length: 100 }, (_, i) => `rd_lost_${p}_${i}`));
    let heldCursor: string | null = null;
    let asked = 0;
    const befores = new Set<string>();
    const f = fakeDeps({
      ledger,
      rideSnapshot: async (id) => (asked++, snapshotOf(id)),
      heldRidesCursor: async () => heldCursor,
      saveHeldRidesCursor: async (c) => void (heldCursor = c),
      heldRidesPage: async (after, _limit, before) => {
        befores.add(before);
        const i = after === null ? 0 : Number(after);
        return { items: lostPages[i] ?? [], next: i + 1 < lostPages.length ? String(i + 1) : null };
      },
      missingRides: async (ids) => ids,
    });
    const report = await repairViews(f.deps);
    expect(asked).toBe(DEFAULT_REPAIR.maxRows + LOST_PER_RUN);
    expect(report.lost.inserted).toBe(LOST_PER_RUN);
    expect(heldCursor, "stopped before the page it could not finish (two pages of 100 done)").toBe("2");
    const threshold = new Date(NOW.getTime() - DEFAULT_REPAIR.afterS * 1000).toISOString();
    expect([...befores], "every page: only rides the ledger recorded before the threshold").toEqual([threshold]);
  });

  it("a lost ride past the views' window is read and left to its owners; those reads are the run's budget too, so a pass from the ledger's first page goes on", async () => {
    const lostPages = Array.from({ length: 60 }, (_, p) => Array.from({ length: 100 }, (_, i) => `rd_old_${p}_${i}`));
    let heldCursor: string | null = null;
    let asked = 0;
    const f = fakeDeps({
      rideSnapshot: async (id) => (asked++, snapshotOf(id)),
      heldRidesCursor: async () => heldCursor,
      saveHeldRidesCursor: async (c) => void (heldCursor = c),
      heldRidesPage: async (after) => ({ items: lostPages[Number(after ?? 0)] ?? [], next: String(Number(after ?? 0) + 1) }),
      missingRides: async (ids) => ids,
      pastWindow: (ride) => ride.id.startsWith("rd_old_"),
    });
    expect((await repairViews(f.deps)).lost.inserted).toBe(0);
    expect(asked).toBeLessThanOrEqual(DEFAULT_REPAIR.maxRows + LOST_PER_RUN);
    expect(f.written).toEqual([]);
    expect(heldCursor).toBe("2");
    await repairViews(f.deps);
    expect(heldCursor).toBe("4");
  });

  it("a pass stops reading once its time budget is spent; the next run goes on from there", async () => {
    const f = fakeDeps({ ledger: [[earning("rd_1")], [earning("rd_2")], [earning("rd_3")]], missingEarnings: async () => [] });
    const report = await repairViews(f.deps, { ...DEFAULT_REPAIR, budgetMs: 0 });
    expect(report.earnings.scanned).toBe(0);
    expect(f.cursor()).toBeNull();
  });

  it("a ledger that fails is reported; the cursor keeps the last good position", async () => {
    const f = fakeDeps({
      earningsPage: async (after) => {
        if (after === "1") throw new Error("ledger down");
        return { items: [earning("rd_1")], next: "1" };
      },
    });
    const report = await repairViews(f.deps);
    expect(report.earnings).toEqual({ scanned: 1, inserted: 1, error: "Error: ledger down" });
    expect(f.cursor()).toBe("1");
  });
});

describe("repairOptions", () => {
  it("reads VIEWS_REPAIR_AFTER_S, 120 by default or when it is not a number", () => {
    expect(repairOptions({}).afterS).toBe(120);
    expect(repairOptions({ VIEWS_REPAIR_AFTER_S: "30" }).afterS).toBe(30);
    expect(repairOptions({ VIEWS_REPAIR_AFTER_S: "soon" }).afterS).toBe(120);
  });
});
