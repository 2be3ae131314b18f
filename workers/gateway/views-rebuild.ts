/**
 * The rebuild (POST /v1/ops/views/rebuild, driven page by page by `npm run views:rebuild`):
 * every ride and rental the views or the ledger know of is projected again from its
 * object (a ride from its event log, with its driver; a rental from its snapshot, with
 * its vehicle). The views' ride ids first, then their rental ids, then the ledger's (the
 * rides and rentals an emptied view no longer knows).
 */
import { idsAfter } from "../../src/views/repair-store";
import { rentals, rides } from "../../src/views/schema";
import { paymentService } from "./stubs";
import { objectDeps, objectWrites, type LedgerPage, type RepairDeps } from "./views-repair";

/** Where a rebuild goes on: the views' ride ids (by id), their rental ids, then the ledger's. */
export interface RebuildCursor {
  source: "views" | "rentals" | "ledger";
  after: string | null;
}

export interface RebuildDeps {
  viewRideIds: (after: string | null, limit: number) => Promise<string[]>;
  viewRentalIds: (after: string | null, limit: number) => Promise<string[]>;
  /** The ledger's ride and rental ids. */
  ledgerRideIds: (after: string | null, limit: number) => Promise<LedgerPage<string>>;
  rideSnapshot: RepairDeps["rideSnapshot"];
  rentalWrites: RepairDeps["rentalWrites"];
  driverSnapshot: RepairDeps["driverSnapshot"];
  project: RepairDeps["project"];
}

/** The page of ids at `cursor`, and the cursor after it. */
async function idsAt(deps: RebuildDeps, cursor: RebuildCursor, limit: number): Promise<{ ids: string[]; next: RebuildCursor | null }> {
  if (cursor.source === "ledger") {
    const page = await deps.ledgerRideIds(cursor.after, limit);
    return { ids: page.items, next: page.next === null ? null : { source: "ledger", after: page.next } };
  }
  const ids = await (cursor.source === "views" ? deps.viewRideIds : deps.viewRentalIds)(cursor.after, limit);
  const last = ids[ids.length - 1];
  const then = cursor.source === "views" ? "rentals" : "ledger";
  return { ids, next: ids.length === limit && last ? { source: cursor.source, after: last } : { source: then, after: null } };
}

/**
 * Rebuilds one page of rides and rentals from their objects (and the drivers of those
 * rides from theirs). The views' come first, then the ledger's (what an emptied view no
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
  const missing: string[] = [];
  const failed: string[] = [];
  const driverIds = new Set<string>();
  const outcomes = await Promise.allSettled(
    ids.map(async (id) => {
      const found = await objectWrites(deps, id);
      if (!found) return missing.push(id);
      await deps.project(found.writes);
      if (found.driverId) driverIds.add(found.driverId);
    }),
  );
  outcomes.forEach((o, i) => o.status === "rejected" && failed.push(`${ids[i]}: ${String(o.reason)}`));
  await Promise.allSettled(
    [...driverIds].map(async (id) => {
      const driver = await deps.driverSnapshot(id);
      if (driver) await deps.project([{ kind: "driver", driver }]);
    }),
  );
  return { rebuilt: ids.length - missing.length - failed.length, missing, failed, next };
}

/**
 * @example
 * const page = await rebuildPage(rebuildDeps(env), { source: "views", after: null }, 20);
 */
export function rebuildDeps(env: Env): RebuildDeps {
  return {
    ...objectDeps(env),
    viewRideIds: (after, limit) => idsAfter(env.VIEWS_DB, rides, after, limit),
    viewRentalIds: (after, limit) => idsAfter(env.VIEWS_DB, rentals, after, limit),
    ledgerRideIds: (after, limit) => paymentService(env).rideIdsPage(after, limit),
  };
}
