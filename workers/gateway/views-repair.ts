/**
 * The views heal themselves: a sweep (the gateway's every-minute cron) asks the objects
 * for their current state when a view row falls behind, copies in the earnings the
 * payment ledger has and the views lack, and projects the rides and rentals the ledger
 * knows and the views never heard of. The rebuild is in views-rebuild.ts; the rentals'
 * own stale rows are rental-repair.ts's.
 *
 * A row "falls behind" when it is not in a final state and has not changed (nor been
 * checked) for `VIEWS_REPAIR_AFTER_S`: its last events may never have been projected
 * (a lost message, a dead letter nobody replayed). Asking the DO is cheap and idempotent
 * (the projection's version check), so a row that was merely quiet costs one look per
 * threshold. Nothing past the views' window comes back (src/views/window.ts, `insideWindow`).
 * The I/O is in deps (`RepairDeps`, unit-tested in Node; `repairDeps(env)` wires them). */
import type { Driver, RiderAccount } from "../../src/domain/events";
import { insertEarnings, type EarningRow, type ViewWrite } from "../../src/views/projection";
import { markChecked, missingIds, readCursor, saveCursor, staleDriverIds, staleRideIds, staleRiderIds } from "../../src/views/repair-store";
import { drivers as driverRows, earnings as earningRows, rentals, rentalVehicles, rides } from "../../src/views/schema";
import { insideWindow, pastWindow, projectOrKeep, windowStart } from "./window-keepers";
import { rentalWrites, repairRentalViews, vehicleWrites } from "./rental-repair";
import { repairRoster, type RosterDeps } from "./roster-repair";
import { driverStub, paymentService } from "./stubs";
import { fleetStub, riderStub } from "../../src/durable-objects/stubs";
import { FeedNews } from "../../src/durable-objects/ops-publish";
import { rideSnapshotOf, type RideSnapshot } from "./ride-snapshot";
import { copyEarnings, ledgerPass, objectWrites, restoreLost, rideWrites, type LedgerPage, type LedgerPassReport } from "./ledger-passes";

export { objectWrites, rideSnapshotOf, rideWrites, type LedgerPage, type RideSnapshot };

export interface RepairDeps {
  now: () => Date;
  /** View rows not final whose last change and last check are older than `before`, oldest first. */
  staleRides: (before: string, limit: number) => Promise<string[]>;
  staleDrivers: (before: string, limit: number) => Promise<string[]>;
  /** Riders whose dues row may be behind: open dues as stale, or a ride that ended unpaid since the row's last look. */
  staleRiders: (before: string, limit: number) => Promise<string[]>;
  /** Null when the object does not know the ride. */
  rideSnapshot: (rideId: string) => Promise<RideSnapshot | null>;
  /** The rental's writes and its vehicle's; null when the object does not know the rental. */
  rentalWrites: (rentalId: string) => Promise<ViewWrite[] | null>;
  driverSnapshot: (driverId: string) => Promise<Driver | null>;
  /** What the rider owes now (a rider the object never saw owes nothing, at version 0). */
  riderAccount: (riderId: string) => Promise<RiderAccount>;
  /** Applies writes to the views (the shared projection, with its version check). */
  project: (writes: ViewWrite[]) => Promise<void>;
  /** Notes that rows were looked at, so that the next runs look at others first. */
  markChecked: (table: "rides" | "drivers" | "riders", ids: string[], at: string) => Promise<void>;
  earningsCursor: () => Promise<string | null>;
  saveEarningsCursor: (cursor: string | null) => Promise<void>;
  /** The ledger's settlements and refund adjustments, in its order. */
  earningsPage: (after: string | null, limit: number) => Promise<LedgerPage<EarningRow>>;
  /** Which of these rows the views lack (by id), inside the views' window. */
  missingEarnings: (rows: EarningRow[]) => Promise<EarningRow[]>;
  /** Inserts the rows the views lack (by id); answers how many were new. */
  insertEarnings: (rows: EarningRow[]) => Promise<number>;
  heldRidesCursor: () => Promise<string | null>;
  saveHeldRidesCursor: (cursor: string | null) => Promise<void>;
  /** The rides and rentals the ledger holds an authorisation of, in the order it recorded them, none recorded after `before`. */
  heldRidesPage: (after: string | null, limit: number, before: string) => Promise<LedgerPage<string>>;
  /** Which of these rides the views have no row for; and whether one is past the views' window (its owners keep it). */
  missingRides: (ids: string[]) => Promise<string[]>;
  pastWindow: (ride: RideSnapshot["ride"]) => boolean;
  /** Which of these rentals the views have no row for. */
  missingRentals: (ids: string[]) => Promise<string[]>;
}

export interface RepairOptions {
  /** Seconds a non-final row may stay unchanged before the sweep asks its object. */
  afterS: number;
  /** At most this many rides, this many drivers and this many riders per run. */
  maxRows: number;
  /** Ledger pages per run at most, and their size. */
  earningsPages: number;
  pageSize: number;
  /** How long each ledger pass may go on reading pages in a run (ms): the run's bound when the pages are slow. */
  budgetMs?: number;
}

/** The repair sweep's cron (wrangler.toml [triggers]); every other one is reconciliation's. */
export const VIEWS_REPAIR_CRON = "* * * * *";

/**
 * Up to 60 pages of 100 a run (or `budgetMs`), each pass: a Seoul-size day (2 million rides)
 * writes about 1,500 settlements and as many holds a minute, a peak of 100 rides a second 6,000;
 * a pass that read 300 a minute fell further behind every run until its cursor reached the
 * ledger's window, and the healing stopped. A pass at the tail stops at its last page; each page
 * is one call and one D1 read, and objects are asked only for what the views lack.
 */
/** Rides and rentals the lost pass projects from their objects in a run, at most (two calls each). */
export const LOST_PER_RUN = 200;

export const DEFAULT_REPAIR: RepairOptions = { afterS: 120, maxRows: 25, earningsPages: 60, pageSize: 100, budgetMs: 10_000 };

interface RowsReport {
  checked: number;
  missing: number;
  failed: string[];
}

export interface RepairReport {
  rides: RowsReport;
  drivers: RowsReport;
  /** Riders' dues rows (the operators' open dues). */
  riders: RowsReport;
  earnings: LedgerPassReport;
  /** Rides and rentals the ledger knows and the views had no row for (every message of theirs lost). */
  lost: LedgerPassReport;
}

/**
 * Repairs each row, then marks them looked at: failed ones too by default (they come back after
 * the threshold instead of holding the front of the line), unless `markFailed` is false: a row
 * whose staleness the mark itself would hide (a rider's dues behind an unpaid ride) must be
 * read again at the next run.
 */
async function repairRows(
  ids: string[],
  repairOne: (id: string) => Promise<boolean>,
  mark: (ids: string[]) => Promise<void>,
  markFailed = true,
): Promise<RowsReport> {
  const report: RowsReport = { checked: 0, missing: 0, failed: [] };
  const outcomes = await Promise.allSettled(ids.map(repairOne));
  outcomes.forEach((o, i) => {
    if (o.status === "rejected") report.failed.push(`${ids[i]}: ${String(o.reason)}`);
    else if (o.value) report.checked += 1;
    else report.missing += 1;
  });
  const marked = markFailed ? ids : ids.filter((_, i) => outcomes[i]?.status === "fulfilled");
  if (marked.length > 0) await mark(marked);
  return report;
}

/**
 * One run of the sweep: stale rides, drivers and riders' dues, then the ledger's earnings and the
 * rides and rentals the ledger knows that the views have no row for.
 * Bounded (`maxRows` rows each, `earningsPages` pages), so a run fits one cron invocation.
 *
 * @example
 * const report = await repairViews(repairDeps(env), { ...DEFAULT_REPAIR, afterS: 120 });
 */
export async function repairViews(deps: RepairDeps, options: RepairOptions = DEFAULT_REPAIR): Promise<RepairReport> {
  const now = deps.now();
  const at = now.toISOString();
  const before = new Date(now.getTime() - options.afterS * 1000).toISOString();
  const rides = await repairRows(
    await deps.staleRides(before, options.maxRows),
    async (id) => {
      const snapshot = await deps.rideSnapshot(id);
      if (snapshot) await deps.project(rideWrites(snapshot));
      return snapshot !== null;
    },
    (ids) => deps.markChecked("rides", ids, at),
  );
  const drivers = await repairRows(
    await deps.staleDrivers(before, options.maxRows),
    async (id) => {
      const driver = await deps.driverSnapshot(id);
      if (driver) await deps.project([{ kind: "driver", driver }]);
      return driver !== null;
    },
    (ids) => deps.markChecked("drivers", ids, at),
  );
  const riders = await repairRows(
    await deps.staleRiders(before, options.maxRows),
    async (id) => {
      await deps.project([{ kind: "rider", rider: await deps.riderAccount(id) }]);
      return true;
    },
    (ids) => deps.markChecked("riders", ids, at),
    false,
  );
  // Objects each pass may read this run, all its pages together (two calls each).
  const earningsBudget = { left: options.maxRows };
  const lostBudget = { left: LOST_PER_RUN };
  const earnings = await ledgerPass(
    { read: deps.earningsCursor, save: deps.saveEarningsCursor },
    deps.earningsPage,
    (rows) => copyEarnings(deps, rows, { before, budget: earningsBudget }),
    options,
  );
  const lost = await ledgerPass(
    { read: deps.heldRidesCursor, save: deps.saveHeldRidesCursor },
    // Only rows older than the sweep's threshold: a ride that young is likely still on its way to
    // the views, and a row stamped before its insert landed is read next run, the cursor not past it.
    (after, limit) => deps.heldRidesPage(after, limit, before),
    (ids) => restoreLost(deps, ids, lostBudget),
    options,
  );
  return { rides, drivers, riders, earnings, lost };
}

/**
 * The sweep's options from the gateway's vars: `VIEWS_REPAIR_AFTER_S` (default 120).
 *
 * @example
 * await repairViews(repairDeps(env), repairOptions(env));
 */
export function repairOptions(env: { VIEWS_REPAIR_AFTER_S?: string }): RepairOptions {
  const afterS = Number(env.VIEWS_REPAIR_AFTER_S);
  return { ...DEFAULT_REPAIR, afterS: env.VIEWS_REPAIR_AFTER_S && Number.isFinite(afterS) && afterS >= 0 ? afterS : DEFAULT_REPAIR.afterS };
}

/** The deps both the sweep and the rebuild use; what they project is heard by `news`, for the operators' feed. */
export function objectDeps(env: Env, news?: FeedNews): Pick<RepairDeps, "rideSnapshot" | "rentalWrites" | "driverSnapshot" | "riderAccount" | "project"> {
  return {
    rideSnapshot: (id) => rideSnapshotOf(env, id),
    rentalWrites: (id) => rentalWrites(env, id),
    driverSnapshot: (id) => driverStub(env, id).get(),
    riderAccount: (id) => riderStub(env, id).account(id),
    project: async (writes) => {
      await projectOrKeep(env, writes);
      news?.heardWrites(writes);
    },
  };
}

/**
 * @example
 * const { drivers, vehicles } = await repairRoster(rosterDeps(env));
 */
export function rosterDeps(env: Env, news?: FeedNews): RosterDeps {
  const db = env.VIEWS_DB;
  const { driverSnapshot, project } = objectDeps(env, news);
  return {
    cursor: (kind) => readCursor(db, `roster-${kind}`),
    saveCursor: (kind, cursor) => saveCursor(db, `roster-${kind}`, cursor),
    page: (kind, after, limit) => fleetStub(env).pageOf(kind, after, limit),
    missing: (kind, ids) => missingIds(db, kind === "drivers" ? driverRows : rentalVehicles, ids),
    writes: async (kind, id) => {
      if (kind === "vehicles") return vehicleWrites(env, id);
      const driver = await driverSnapshot(id);
      return driver && [{ kind: "driver", driver }];
    },
    project,
  };
}

/**
 * @example
 * const report = await repairViews(repairDeps(env), repairOptions(env));
 */
export function repairDeps(env: Env, news?: FeedNews): RepairDeps {
  const db = env.VIEWS_DB;
  return {
    ...objectDeps(env, news),
    now: () => new Date(),
    staleRides: (before, limit) => staleRideIds(db, before, limit),
    staleDrivers: (before, limit) => staleDriverIds(db, before, limit),
    staleRiders: (before, limit) => staleRiderIds(db, before, limit),
    markChecked: (table, ids, at) => markChecked(db, table, ids, at),
    earningsCursor: () => readCursor(db, "earnings"),
    saveEarningsCursor: (cursor) => saveCursor(db, "earnings", cursor),
    earningsPage: (after, limit) => paymentService(env).earningsPage(after, limit),
    missingEarnings: async (rows) => {
      const inWindow = insideWindow.earnings(rows, windowStart(env));
      const lacking = new Set(
        await missingIds(
          db,
          earningRows,
          inWindow.map((row) => row.id),
        ),
      );
      return inWindow.filter((row) => lacking.has(row.id));
    },
    insertEarnings: (rows) => insertEarnings(db, insideWindow.earnings(rows, windowStart(env))),
    heldRidesCursor: () => readCursor(db, "held-rides"),
    saveHeldRidesCursor: (cursor) => saveCursor(db, "held-rides", cursor),
    heldRidesPage: (after, limit, before) => paymentService(env).heldRidesPage(after, limit, before),
    missingRides: (ids) => missingIds(db, rides, ids),
    pastWindow: (ride) => pastWindow(ride, windowStart(env)),
    missingRentals: (ids) => missingIds(db, rentals, ids),
  };
}

/**
 * The whole sweep, as the cron and `POST /v1/ops/views/repair` run it: rides, drivers and
 * the ledger's passes, then the rentals' and rented vehicles' stale rows, then the roster pass
 * (drivers and vehicles the views have no row for: roster-repair.ts). What it wrote of
 * rides and drivers is told to the operators' feed at the end, even when a step failed:
 * a ride the sweep found ended leaves the consoles' maps now, not at their next snapshot.
 *
 * @example
 * console.log(JSON.stringify({ msg: "views repair", ...(await repairAll(env)) }));
 */
export async function repairAll(
  env: Env,
): Promise<RepairReport & { rentals: Awaited<ReturnType<typeof repairRentalViews>>; roster: Awaited<ReturnType<typeof repairRoster>> }> {
  const options = repairOptions(env);
  const news = new FeedNews();
  try {
    const report = await repairViews(repairDeps(env, news), options);
    const rentals = await repairRentalViews(env, options);
    return { ...report, rentals, roster: await repairRoster(rosterDeps(env, news)) };
  } finally {
    await news.tell(env, "views repair");
  }
}
