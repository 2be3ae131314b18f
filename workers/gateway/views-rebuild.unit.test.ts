import { describe, expect, it } from "vitest";
import type { Driver } from "../../src/domain/events";
import type { RentalVehicle } from "../../src/domain/rental/types";
import type { ViewWrite } from "../../src/views/projection";
import { rentalWritesOf, rn, snapshotOf } from "./repair-fixtures";
import type { RideSnapshot } from "./views-repair";
import { rebuildPage, type RebuildDeps } from "./views-rebuild";

const vehicleWritesOf = (id: string): ViewWrite[] => [{ kind: "rentalVehicle", vehicle: { id } as RentalVehicle }];

describe("rebuildPage", () => {
  function rebuild(
    viewIds: string[],
    ledgerPages: string[][],
    snapshot: (id: string) => RideSnapshot | null = snapshotOf,
    viewRentals: string[] = [],
    vehicles: { views: string[]; fleet: string[] } = { views: [], fleet: [] },
    drivers: { views: string[]; roster: string[] } = { views: [], roster: [] },
  ) {
    const written: ViewWrite[][] = [];
    const enrolled: string[] = [];
    const enrolledDrivers: string[] = [];
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
      viewDriverIds: after(drivers.views),
      rosterIds: after(drivers.roster),
      enroll: async (ids) => void enrolled.push(...ids),
      enrollDrivers: async (ids) => void enrolledDrivers.push(...ids),
      rideSnapshot: async (id) => snapshot(id),
      rentalWrites: async (id) => (id === rn("gone") ? null : rentalWritesOf(id)),
      vehicleWrites: async (id) => (id === "rv_gone" ? null : vehicleWritesOf(id)),
      driverSnapshot: async (id) => (id === "d_gone" ? null : ({ id, version: 1 } as Driver)),
      riderAccount: async (id) => ({ id, dues: { amount: 9900, currency: "KRW" }, items: [], version: 1, updatedAt: "2026-11-21T10:00:00.000Z" }),
      project: async (writes) => void written.push(writes),
    };
    return { deps, written, enrolled, enrolledDrivers };
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
    // views' rides 2 + 1, their rentals 2 then none left, their vehicle 1, the ledger 1 then 2, the fleet 2 then none left,
    // then no drivers in the views nor in the fleet
    expect(pages).toEqual([2, 1, 2, 0, 1, 1, 2, 2, 0, 0, 0]);
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

  it("a fleet vehicle no object knows is named missing; the fleet's last page goes on to the drivers", async () => {
    const r = rebuild([], [], snapshotOf, [], { views: [], fleet: ["rv_gone", "rv_n"] });
    const page = await rebuildPage(r.deps, { source: "fleet", after: null }, 10);
    expect(page).toEqual({ rebuilt: 1, missing: ["rv_gone"], failed: [], next: { source: "drivers", after: null } });
    expect(r.written).toEqual([vehicleWritesOf("rv_n")]);
    expect(r.enrolled, "the fleet's own vehicles are not listed again").toEqual([]);
  });

  it("walks the views' drivers (listing them in the fleet), then the fleet's, those never driven and never projected included; the roster's last page ends the rebuild", async () => {
    const r = rebuild([], [], snapshotOf, [], { views: [], fleet: [] }, { views: ["d_a", "d_b"], roster: ["d_a", "d_gone", "d_new"] });
    const first = await rebuildPage(r.deps, { source: "drivers", after: null }, 10);
    expect(first).toEqual({ rebuilt: 2, missing: [], failed: [], next: { source: "roster", after: null } });
    expect(r.enrolledDrivers).toEqual(["d_a", "d_b"]);
    const second = await rebuildPage(r.deps, { source: "roster", after: null }, 10);
    expect(second).toEqual({ rebuilt: 2, missing: ["d_gone"], failed: [], next: null });
    const projected = r.written.flat().flatMap((w) => (w.kind === "driver" ? [w.driver.id] : []));
    expect(projected).toEqual(["d_a", "d_b", "d_a", "d_new"]);
    expect(r.enrolledDrivers, "the fleet's own drivers are not listed again").toEqual(["d_a", "d_b"]);
  });

  it("projects every event of each ride, its driver once, and names the rides no object knows", async () => {
    const r = rebuild(["rd_a", "rd_b", "rd_gone"], [], (id) => (id === "rd_gone" ? null : snapshotOf(id)));
    const page = await rebuildPage(r.deps, { source: "views", after: null }, 10);
    expect(page).toMatchObject({ rebuilt: 2, missing: ["rd_gone"], failed: [], next: { source: "rentals", after: null } });
    const writes = r.written.flat();
    expect(writes.filter((w) => w.kind === "ride")).toHaveLength(6);
    expect(writes.filter((w) => w.kind === "driver")).toEqual([{ kind: "driver", driver: { id: "d1", version: 1 } }]);
    expect(
      writes.filter((w) => w.kind === "rider"),
      "no ride ended unpaid: no rider's dues are read",
    ).toEqual([]);
  });

  it("the riders of rides that ended unpaid get their dues projected, once each", async () => {
    const unpaid = (id: string, riderId: string): RideSnapshot => {
      const s = snapshotOf(id);
      return { ...s, ride: { ...s.ride, riderId, status: "completed", payment: { status: "failed" } } };
    };
    const snapshots: Record<string, RideSnapshot> = {
      rd_a: unpaid("rd_a", "r1"),
      rd_b: unpaid("rd_b", "r1"),
      rd_c: unpaid("rd_c", "r2"),
      rd_d: snapshotOf("rd_d"),
    };
    const r = rebuild(Object.keys(snapshots), [], (id) => snapshots[id] ?? null);
    await rebuildPage(r.deps, { source: "views", after: null }, 10);
    const riders = r.written.flat().flatMap((w) => (w.kind === "rider" ? [w.rider.id] : []));
    expect(riders.sort()).toEqual(["r1", "r2"]);
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
      viewDriverIds: async () => [],
      rosterIds: async () => [],
      enroll: async () => undefined,
      enrollDrivers: async () => undefined,
      vehicleWrites: async () => null,
      rideSnapshot: async () => null,
      rentalWrites: async (id) => {
        if (id === rn("err")) throw new Error("object overloaded");
        return id === rn("gone") ? null : rentalWritesOf(id);
      },
      driverSnapshot: async () => null,
      riderAccount: async () => {
        throw new Error("no ride here ended unpaid");
      },
      project: async (writes) => void written.push(writes),
    };
    const page = await rebuildPage(deps, { source: "rentals", after: null }, 10);
    expect(page).toEqual({ rebuilt: 1, missing: [rn("gone")], failed: [`${rn("err")}: Error: object overloaded`], next: { source: "vehicles", after: null } });
    expect(written).toEqual([rentalWritesOf(rn("a"))]);
  });
});
