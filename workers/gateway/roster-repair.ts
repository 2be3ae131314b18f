/**
 * The sweep's roster pass: the rows no other pass can find. The other passes start from a row
 * (one fallen behind) or from the ledger (a ride or rental it holds money of); a driver or a
 * rental vehicle whose first message was lost has neither: no row, and no money. Before
 * 2026-12-06 such a driver waited for approval on no operator's list for good, and such a vehicle
 * was in no rider's search. The fleet names every one (src/durable-objects/fleet.ts); each run
 * reads a page of its drivers and a page of its vehicles after where the last run stopped (from
 * the first again after the last), asks the views which have no row (one read a page), and
 * projects those from their objects, a bounded number a run.
 *
 * How long a lost row waits is how long the walk takes to come round: one page of 100 a minute
 * for each kind, so the 70,000 drivers of issue 16's Seoul in about 12 hours; `views:rebuild`
 * walks the whole fleet at once.
 */
import type { ViewWrite } from "../../src/views/projection";
import type { FleetKind } from "../../src/durable-objects/fleet";

/** Ids read a run, each kind: one D1 read of at most D1's 100 bound parameters. */
export const ROSTER_PAGE = 100;
/** Objects asked a run at most, each kind: a page that finds more missing resumes at the first left over. */
export const ROSTER_OBJECTS_PER_RUN = 25;

export interface RosterDeps {
  cursor: (kind: FleetKind) => Promise<string | null>;
  saveCursor: (kind: FleetKind, cursor: string | null) => Promise<void>;
  /** Up to `limit` of the fleet's ids of `kind` after `after`, in id order. */
  page: (kind: FleetKind, after: string | null, limit: number) => Promise<string[]>;
  /** Which of these ids the views have no row for. */
  missing: (kind: FleetKind, ids: string[]) => Promise<string[]>;
  /** The writes that make the row from its object; null when the object does not know the id. */
  writes: (kind: FleetKind, id: string) => Promise<ViewWrite[] | null>;
  project: (writes: ViewWrite[]) => Promise<void>;
}

export interface RosterReport {
  /** Ids of the fleet read this run. */
  read: number;
  /** Rows the views lacked, projected from their objects. */
  projected: number;
  failed: string[];
}

/** Where the next run goes on: at the first id left over for lack of budget, else past this page, else from the first. */
function nextCursor(ids: string[], leftOver: string | undefined, after: string | null): string | null {
  if (leftOver !== undefined) return ids[ids.indexOf(leftOver) - 1] ?? after;
  return ids.length === ROSTER_PAGE ? (ids[ids.length - 1] ?? null) : null;
}

async function rosterPass(deps: RosterDeps, kind: FleetKind): Promise<RosterReport> {
  const after = await deps.cursor(kind);
  const ids = await deps.page(kind, after, ROSTER_PAGE);
  const missing = ids.length > 0 ? await deps.missing(kind, ids) : [];
  const asked = missing.slice(0, ROSTER_OBJECTS_PER_RUN);
  const report: RosterReport = { read: ids.length, projected: 0, failed: [] };
  const outcomes = await Promise.allSettled(
    asked.map(async (id) => {
      const writes = await deps.writes(kind, id);
      if (writes) await deps.project(writes);
      return writes !== null;
    }),
  );
  outcomes.forEach((o, i) => {
    if (o.status === "rejected") report.failed.push(`${kind} ${asked[i]}: ${String(o.reason)}`);
    else if (o.value) report.projected += 1;
  });
  await deps.saveCursor(kind, nextCursor(ids, missing[ROSTER_OBJECTS_PER_RUN], after));
  return report;
}

/**
 * One run of the roster pass: a page of drivers, then a page of vehicles.
 *
 * @example
 * const { drivers, vehicles } = await repairRoster(rosterDeps(env, news));
 */
export async function repairRoster(deps: RosterDeps): Promise<Record<FleetKind, RosterReport>> {
  return { drivers: await rosterPass(deps, "drivers"), vehicles: await rosterPass(deps, "vehicles") };
}
