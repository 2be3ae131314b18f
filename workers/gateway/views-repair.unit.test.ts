import { describe, expect, it } from "vitest";
import type { Driver } from "../../src/domain/events";
import { record } from "../../src/domain/ride/fixtures";
import type { Rental, RentalVehicle } from "../../src/domain/rental/types";
import type { EarningRow, TimelineEntry, ViewWrite } from "../../src/views/projection";
import { DEFAULT_REPAIR, repairOptions, repairViews, type RepairDeps, type RideSnapshot } from "./views-repair";
import { rebuildPage, type RebuildDeps } from "./views-rebuild";

const NOW = new Date("2026-11-21T10:10:00.000Z");
/** A rental id (the ledger's ids are rides' and rentals'). */
const rn = (name: string) => `rn_${name.padEnd(20, "0")}`;
const rentalWritesOf = (id: string): ViewWrite[] => [
  { kind: "rental", rental: { id, vehicleId: "rv_1" } as Rental },
  { kind: "rentalVehicle", vehicle: { id: "rv_1" } as RentalVehicle },
];

function snapshotOf(id: string, versions = 3): RideSnapshot {
  const ride = { ...record("in_progress", "authorized", { driver: true }).ride, id, version: versions };
  const timeline: TimelineEntry[] = Array.from({ length: versions }, (_, i) => ({
    id: `${id}_ev${i + 1}`,
    type: `T${i + 1}`,
    version: i + 1,
    occurredAt: ride.createdAt,
    correlationId: "c",
    data: {},
  }));
  return { ride, timeline };
}

const earning = (id: string): EarningRow => ({
  id,
  rideId: id.split(":")[0]!,
  driverId: "d1",
  fare: 100,
  commission: 20,
  earning: 80,
  currency: "KRW",
  createdAt: "2026-11-21T10:00:00.000Z",
});

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
    rideSnapshot: async (id) => snapshotOf(id),
    rentalWrites: async (id) => rentalWritesOf(id),
    driverSnapshot: async (id) => ({ id, version: 4 }) as Driver,
    project: async (writes) => void written.push(writes),
    markChecked: async (table, ids, at) => void marked.push({ table, ids, at }),
    earningsCursor: async () => cursor,
    saveEarningsCursor: async (c) => void (cursor = c),
    earningsPage: async (after) => {
      asked.pages.push(after);
      const i = after === null ? 0 : Number(after);
      return { items: ledger[i] ?? [], next: i + 1 < ledger.length ? String(i + 1) : null };
    },
    insertEarnings: async (rows) => rows.filter((r) => !inserted.has(r.id) && inserted.add(r.id)).length,
    heldRidesCursor: async () => null,
    saveHeldRidesCursor: async () => undefined,
    heldRidesPage: async () => ({ items: [], next: null }),
    missingRides: async () => [],
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

  it("reads at most `earningsPages` pages a run", async () => {
    const f = fakeDeps({ ledger: [[earning("rd_1")], [earning("rd_2")], [earning("rd_3")], [earning("rd_4")]] });
    const report = await repairViews(f.deps, { ...DEFAULT_REPAIR, earningsPages: 2 });
    expect(report.earnings.scanned).toBe(2);
    expect(f.cursor()).toBe("2");
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

const vehicleWritesOf = (id: string): ViewWrite[] => [{ kind: "rentalVehicle", vehicle: { id } as RentalVehicle }];

describe("rebuildPage", () => {
  function rebuild(
    viewIds: string[],
    ledgerPages: string[][],
    snapshot: (id: string) => RideSnapshot | null = snapshotOf,
    viewRentals: string[] = [],
    vehicles: { views: string[]; fleet: string[] } = { views: [], fleet: [] },
  ) {
    const written: ViewWrite[][] = [];
    const enrolled: string[] = [];
    const after = (ids: string[]) => async (cursor: string | null, limit: number) => ids.filter((id) => cursor === null || id > cursor).slice(0, limit);
    const deps: RebuildDeps = {
      viewRideIds: after(viewIds),
      viewRentalIds: after(viewRentals),
      viewVehicleIds: after(vehicles.views),
      ledgerRideIds: async (after) => {
        const i = after === null ? 0 : Number(after);
        return { items: ledgerPages[i] ?? [], next: i + 1 < ledgerPages.length ? String(i + 1) : null };
      },
      fleetIds: after(vehicles.fleet),
      enroll: async (ids) => void enrolled.push(...ids),
      rideSnapshot: async (id) => snapshot(id),
      rentalWrites: async (id) => (id === rn("gone") ? null : rentalWritesOf(id)),
      vehicleWrites: async (id) => (id === "rv_gone" ? null : vehicleWritesOf(id)),
      driverSnapshot: async (id) => ({ id, version: 1 }) as Driver,
      project: async (writes) => void written.push(writes),
    };
    return { deps, written, enrolled };
  }

  it("walks the views' rides by id, their rentals, their vehicles, the ledger's rides and rentals, then the fleet's vehicles, to the end", async () => {
    const vehicles = { views: ["rv_a"], fleet: ["rv_a", "rv_n"] };
    const r = rebuild(["rd_a", "rd_b", "rd_c"], [["rd_x"], ["rd_y", rn("l")]], snapshotOf, [rn("a"), rn("b")], vehicles);
    const pages = [];
    let cursor: Parameters<typeof rebuildPage>[1] | null = { source: "views", after: null };
    while (cursor) {
      const page: Awaited<ReturnType<typeof rebuildPage>> = await rebuildPage(r.deps, cursor, 2);
      pages.push(page.rebuilt);
      cursor = page.next;
    }
    // views' rides 2 + 1, their rentals 2 then none left, their vehicle 1, the ledger 1 then 2, the fleet 2 then none left
    expect(pages).toEqual([2, 1, 2, 0, 1, 1, 2, 2, 0]);
    const rides = r.written.flat().flatMap((w) => (w.kind === "ride" ? [w.ride.id] : []));
    expect([...new Set(rides)]).toEqual(["rd_a", "rd_b", "rd_c", "rd_x", "rd_y"]);
    const rentals = r.written.flat().flatMap((w) => (w.kind === "rental" ? [w.rental.id] : []));
    expect(rentals).toEqual([rn("a"), rn("b"), rn("l")]);
    // In walk order: the views' two rentals' vehicle, their own vehicle, the ledger's rental's, then the fleet's two (one projected again, harmlessly).
    const projectedVehicles = r.written.flat().flatMap((w) => (w.kind === "rentalVehicle" ? [w.vehicle.id] : []));
    expect(projectedVehicles).toEqual(["rv_1", "rv_1", "rv_a", "rv_1", "rv_a", "rv_n"]);
    // The views' vehicles are listed in the fleet on the way (those registered before it existed).
    expect(r.enrolled).toEqual(["rv_a"]);
  });

  it("a fleet vehicle no object knows is named missing; the fleet's last page ends the rebuild", async () => {
    const r = rebuild([], [], snapshotOf, [], { views: [], fleet: ["rv_gone", "rv_n"] });
    const page = await rebuildPage(r.deps, { source: "fleet", after: null }, 10);
    expect(page).toEqual({ rebuilt: 1, missing: ["rv_gone"], failed: [], next: null });
    expect(r.written).toEqual([vehicleWritesOf("rv_n")]);
    expect(r.enrolled, "the fleet's own vehicles are not listed again").toEqual([]);
  });

  it("projects every event of each ride, its driver once, and names the rides no object knows", async () => {
    const r = rebuild(["rd_a", "rd_b", "rd_gone"], [], (id) => (id === "rd_gone" ? null : snapshotOf(id)));
    const page = await rebuildPage(r.deps, { source: "views", after: null }, 10);
    expect(page).toMatchObject({ rebuilt: 2, missing: ["rd_gone"], failed: [], next: { source: "rentals", after: null } });
    const writes = r.written.flat();
    expect(writes.filter((w) => w.kind === "ride")).toHaveLength(6);
    expect(writes.filter((w) => w.kind === "driver")).toEqual([{ kind: "driver", driver: { id: "d1", version: 1 } }]);
  });
});

describe("rebuildPage, rentals", () => {
  it("a rental no object knows is named missing; a failing one listed; the others rebuilt", async () => {
    const written: ViewWrite[][] = [];
    const deps: RebuildDeps = {
      viewRideIds: async () => [],
      viewRentalIds: async () => [rn("a"), rn("gone"), rn("err")],
      viewVehicleIds: async () => [],
      ledgerRideIds: async () => ({ items: [], next: null }),
      fleetIds: async () => [],
      enroll: async () => undefined,
      vehicleWrites: async () => null,
      rideSnapshot: async () => null,
      rentalWrites: async (id) => {
        if (id === rn("err")) throw new Error("object overloaded");
        return id === rn("gone") ? null : rentalWritesOf(id);
      },
      driverSnapshot: async () => null,
      project: async (writes) => void written.push(writes),
    };
    const page = await rebuildPage(deps, { source: "rentals", after: null }, 10);
    expect(page).toEqual({ rebuilt: 1, missing: [rn("gone")], failed: [`${rn("err")}: Error: object overloaded`], next: { source: "vehicles", after: null } });
    expect(written).toEqual([rentalWritesOf(rn("a"))]);
  });
});
