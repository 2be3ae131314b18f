/**
 * The rebuild (POST /v1/ops/views/rebuild, driven page by page by `npm run views:rebuild`):
 * every ride, rental and rental vehicle the views, the ledger or the fleet know of is
 * projected again from its object (a ride from its event log, with its driver; a rental from
 * its snapshot, with its vehicle, and, cancelled or declined with its money taken, its refund
 * outcomes from its events; a vehicle from its own). The views' ride ids first, then
 * their rental ids, then their vehicle ids (each listed in the fleet on the way: vehicles
 * registered before the fleet existed), then the ledger's (the rides and rentals an emptied
 * view no longer knows), then the fleet's (the vehicles it no longer knows, never rented
 * ones included), then the views' drivers (each listed in the fleet on the way), then the
 * fleet's drivers (those it no longer knows, or never knew: a registration's message lost).
 */
import { idsAfter } from "../../src/views/repair-store";
import { drivers, rentals, rentalVehicles, rides } from "../../src/views/schema";
import { fleetStub } from "../../src/durable-objects/stubs";
import { vehicleWrites } from "./rental-repair";
import { paymentService } from "./stubs";
import type { FeedNews } from "../../src/durable-objects/ops-publish";
import { objectDeps, objectWrites, type LedgerPage, type RepairDeps } from "./views-repair";
import type { ObjectWrites } from "./ledger-passes";

/** The rebuild's sources, in the order it walks them (`drivers`: the views' drivers; `roster`: the fleet's). */
export const REBUILD_SOURCES = ["views", "rentals", "vehicles", "ledger", "fleet", "drivers", "roster"] as const;

/** Where a rebuild goes on: a source and the last id done in it. */
export interface RebuildCursor {
  source: (typeof REBUILD_SOURCES)[number];
  after: string | null;
}

export interface RebuildDeps {
  viewRideIds: (after: string | null, limit: number) => Promise<string[]>;
  viewRentalIds: (after: string | null, limit: number) => Promise<string[]>;
  viewVehicleIds: (after: string | null, limit: number) => Promise<string[]>;
  /** The ledger's ride and rental ids. */
  ledgerRideIds: (after: string | null, limit: number) => Promise<LedgerPage<string>>;
  fleetIds: (after: string | null, limit: number) => Promise<string[]>;
  viewDriverIds: (after: string | null, limit: number) => Promise<string[]>;
  /** The fleet's drivers. */
  rosterIds: (after: string | null, limit: number) => Promise<string[]>;
  /** Lists vehicles in the fleet (those the views know that were registered before it). */
  enroll: (vehicleIds: string[]) => Promise<void>;
  /** Lists drivers in the fleet (those the views know that registered before it listed drivers). */
  enrollDrivers: (driverIds: string[]) => Promise<void>;
  rideSnapshot: RepairDeps["rideSnapshot"];
  rentalWrites: RepairDeps["rentalWrites"];
  vehicleWrites: RepairDeps["rentalWrites"];
  driverSnapshot: RepairDeps["driverSnapshot"];
  riderAccount: RepairDeps["riderAccount"];
  project: RepairDeps["project"];
}

/** A vehicle's writes, as `objectWrites` answers a ride's or a rental's. */
async function vehicleFound(deps: RebuildDeps, id: string): Promise<ObjectWrites | null> {
  const writes = await deps.vehicleWrites(id);
  return writes && { writes, driverId: null };
}

/** A driver's writes, from their object. */
async function driverFound(deps: RebuildDeps, id: string): Promise<ObjectWrites | null> {
  const driver = await deps.driverSnapshot(id);
  return driver && { writes: [{ kind: "driver", driver }], driverId: null };
}

/** The page of ids at `cursor`, and the cursor after it. */
async function idsAt(deps: RebuildDeps, cursor: RebuildCursor, limit: number): Promise<{ ids: string[]; next: RebuildCursor | null }> {
  const then = REBUILD_SOURCES[REBUILD_SOURCES.indexOf(cursor.source) + 1];
  const after = (source: RebuildCursor["source"], id: string | null | undefined): RebuildCursor | null =>
    id ? { source, after: id } : then ? { source: then, after: null } : null;
  if (cursor.source === "ledger") {
    const page = await deps.ledgerRideIds(cursor.after, limit);
    return { ids: page.items, next: after("ledger", page.next) };
  }
  const list = {
    views: deps.viewRideIds,
    rentals: deps.viewRentalIds,
    vehicles: deps.viewVehicleIds,
    fleet: deps.fleetIds,
    drivers: deps.viewDriverIds,
    roster: deps.rosterIds,
  }[cursor.source];
  const ids = await list(cursor.after, limit);
  return { ids, next: after(cursor.source, ids.length === limit ? ids[ids.length - 1] : null) };
}

/**
 * Rebuilds one page of rides and rentals from their objects (and the drivers of those
 * rides from theirs, and the dues of the riders of those that ended unpaid). The views' come first, then the ledger's (what an emptied view no
 * longer knows); one in both is projected twice, harmlessly.
 *
 * @example
 * let cursor: RebuildCursor | null = { source: "views", after: null };
 * while (cursor) ({ next: cursor } = await rebuildPage(deps, cursor, 20));
 */
export async function rebuildPage(
  deps: RebuildDeps,
  cursor: RebuildCursor,
  limit: number,
): Promise<{ rebuilt: number; missing: string[]; failed: string[]; next: RebuildCursor | null }> {
  const { ids, next } = await idsAt(deps, cursor, limit);
  const vehicles = cursor.source === "vehicles" || cursor.source === "fleet";
  const drivers = cursor.source === "drivers" || cursor.source === "roster";
  if (cursor.source === "vehicles") await deps.enroll(ids);
  if (cursor.source === "drivers") await deps.enrollDrivers(ids);
  const missing: string[] = [];
  const failed: string[] = [];
  const driverIds = new Set<string>();
  const riderIds = new Set<string>();
  const outcomes = await Promise.allSettled(
    ids.map(async (id) => {
      const found = vehicles ? await vehicleFound(deps, id) : drivers ? await driverFound(deps, id) : await objectWrites(deps, id);
      if (!found) return missing.push(id);
      await deps.project(found.writes);
      if (found.driverId) driverIds.add(found.driverId);
      if (found.owingRiderId) riderIds.add(found.owingRiderId);
    }),
  );
  outcomes.forEach((o, i) => o.status === "rejected" && failed.push(`${ids[i]}: ${String(o.reason)}`));
  await Promise.allSettled([
    ...[...driverIds].map(async (id) => {
      const driver = await deps.driverSnapshot(id);
      if (driver) await deps.project([{ kind: "driver", driver }]);
    }),
    ...[...riderIds].map(async (id) => deps.project([{ kind: "rider", rider: await deps.riderAccount(id) }])),
  ]);
  return { rebuilt: ids.length - missing.length - failed.length, missing, failed, next };
}

/**
 * @example
 * const page = await rebuildPage(rebuildDeps(env), { source: "views", after: null }, 20);
 */
export function rebuildDeps(env: Env, news?: FeedNews): RebuildDeps {
  return {
    ...objectDeps(env, news),
    viewRideIds: (after, limit) => idsAfter(env.VIEWS_DB, rides, after, limit),
    viewRentalIds: (after, limit) => idsAfter(env.VIEWS_DB, rentals, after, limit),
    viewVehicleIds: (after, limit) => idsAfter(env.VIEWS_DB, rentalVehicles, after, limit),
    ledgerRideIds: (after, limit) => paymentService(env).rideIdsPage(after, limit),
    fleetIds: (after, limit) => fleetStub(env).page(after, limit),
    viewDriverIds: (after, limit) => idsAfter(env.VIEWS_DB, drivers, after, limit),
    rosterIds: (after, limit) => fleetStub(env).pageOf("drivers", after, limit),
    enroll: (ids) => fleetStub(env).add(ids),
    enrollDrivers: (ids) => fleetStub(env).addDrivers(ids),
    vehicleWrites: (id) => vehicleWrites(env, id),
  };
}
