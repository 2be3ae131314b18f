/**
 * The rebuild (POST /v1/ops/views/rebuild, driven page by page by `npm run views:rebuild`):
 * every ride the views or the ledger know of is projected again from its Ride DO's event
 * log, with its driver. The views' ids first, then the ledger's (the rides an emptied view
 * no longer knows).
 */
import { rideIdsAfter } from "../../src/views/repair-store";
import { paymentService } from "./stubs";
import { objectDeps, rideWrites, type LedgerPage, type RepairDeps } from "./views-repair";

/** Where a rebuild goes on: the views' ride ids first (by id), then the ledger's. */
export interface RebuildCursor {
  source: "views" | "ledger";
  after: string | null;
}

export interface RebuildDeps {
  viewRideIds: (after: string | null, limit: number) => Promise<string[]>;
  ledgerRideIds: (after: string | null, limit: number) => Promise<LedgerPage<string>>;
  rideSnapshot: RepairDeps["rideSnapshot"];
  driverSnapshot: RepairDeps["driverSnapshot"];
  project: RepairDeps["project"];
}

/**
 * Rebuilds one page of rides from their objects' event logs (and the drivers of those
 * rides from theirs). The views' rides come first, then the ledger's (the rides an
 * emptied view no longer knows); a ride in both is projected twice, harmlessly.
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
  let ids: string[];
  let next: RebuildCursor | null;
  if (cursor.source === "views") {
    ids = await deps.viewRideIds(cursor.after, limit);
    const last = ids[ids.length - 1];
    next = ids.length === limit && last ? { source: "views", after: last } : { source: "ledger", after: null };
  } else {
    const page = await deps.ledgerRideIds(cursor.after, limit);
    ids = page.items;
    next = page.next === null ? null : { source: "ledger", after: page.next };
  }
  const missing: string[] = [];
  const failed: string[] = [];
  const driverIds = new Set<string>();
  const outcomes = await Promise.allSettled(
    ids.map(async (id) => {
      const snapshot = await deps.rideSnapshot(id);
      if (!snapshot) return missing.push(id);
      await deps.project(rideWrites(snapshot));
      if (snapshot.ride.driver) driverIds.add(snapshot.ride.driver.id);
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
    viewRideIds: (after, limit) => rideIdsAfter(env.VIEWS_DB, after, limit),
    ledgerRideIds: (after, limit) => paymentService(env).rideIdsPage(after, limit),
  };
}
