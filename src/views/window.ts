/**
 * The views keep a window of days, not all history. Every ride leaves about 1.2 KB in the
 * views (its row and its earnings), and one D1 database holds 10 GB: at a Seoul-size day
 * (2.16 million rides) the views reached half of it in under two days (BENCHMARKS.md,
 * storage). So each minute the gateway's cron hands the rides and earnings older than
 * `VIEWS_WINDOW_DAYS` to their owners' objects (the rider's Rider DO, the driver's Driver DO:
 * src/history/kept-history.ts) and only then deletes them here. The owners' lists read both
 * (workers/gateway/own-lists.ts); the operators' lists and figures cover the window. What is
 * past the window and when: ./window-rules.ts.
 *
 * Invariants:
 * - a row is deleted only after every owner has kept it, and only in the version kept: a ride
 *   changed meanwhile (a refund) stays for the next read, which keeps the newer version;
 * - only settled rides go (`SETTLED_RIDE`, with its own partial index, so that the rides that
 *   never go, a failed payment an operator must still find, are never walked past);
 * - `*_kept_before` (in `view_cursors`) is written before rows are kept, only ever moves
 *   forward, and is not written while nothing was ever kept: every kept row was created
 *   before it, which is how a list knows that a full page of the views needs no owner's call
 *   (src/history/merge.ts, `viewsAlone`);
 * - an owner that fails leaves its rows here: the rest of the run passes them over (they would
 *   come first again) and the cron run fails after the rest of housekeeping ran.
 */
import type { KeptEarning, KeptRide } from "../history/kept-history";
import type { ViewWrite } from "./projection";
import { REFUND_DECLINED, SETTLED_RIDE } from "./schema";
import { KEPT_BEFORE, pastWindow } from "./window-rules";
import { failedOf } from "../lib/at-once";

/** Rows one read takes: their owners are reached, then they are deleted, before the next read. */
export const WINDOW_CHUNK = 200;
/** The owners' objects, as the window reaches them (injected: the cron's are Durable Object stubs). */
export interface HistoryKeepers {
  keepRides(owner: "rider" | "driver", ownerId: string, rides: KeptRide[]): Promise<void>;
  keepEarnings(driverId: string, rows: KeptEarning[]): Promise<void>;
}

/** What a run moved, and how many rows stayed because an owner did not keep them. */
export interface WindowRun {
  rides: number;
  earnings: number;
  notKept: number;
}

/** Rows grouped by an owner's id (rows with none left out). */
function byOwner<R>(rows: R[], ownerOf: (row: R) => string | null): [string, R[]][] {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const owner = ownerOf(row);
    if (owner === null) continue;
    const group = groups.get(owner);
    if (group) group.push(row);
    else groups.set(owner, [row]);
  }
  return [...groups];
}

/** Moves `view_cursors.name` forward to `before` (never back). */
function markKeptBefore(db: D1Database, name: string, before: string) {
  return db
    .prepare(
      `INSERT INTO view_cursors (name, cursor, updated_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (name) DO UPDATE SET cursor = CASE WHEN cursor IS NULL OR excluded.cursor > cursor THEN excluded.cursor ELSE cursor END,
       updated_at = excluded.updated_at`,
    )
    .bind(name, before, new Date().toISOString())
    .run();
}

/**
 * Hands `rides` (the newest version of each) to their riders and drivers and `earnings` to their
 * drivers; answers the ids of the rides and of the earnings rows an owner did not keep.
 */
async function keepAll(
  keepers: HistoryKeepers,
  rides: (KeptRide & { riderId: string; driverId: string | null })[],
  earnings: (KeptEarning & { driverId: string })[],
) {
  const toKept = ({ id, createdAt, status, version, snapshot }: KeptRide): KeptRide => ({ id, createdAt, status, version, snapshot });
  const toKeptEarning = ({ id, rideId, createdAt, fare, commission, earning, currency }: KeptEarning): KeptEarning => ({
    id,
    rideId,
    createdAt,
    fare,
    commission,
    earning,
    currency,
  });
  const calls = [
    ...byOwner(rides, (r) => r.riderId).map(([id, rows]) => ({ rows, keep: () => keepers.keepRides("rider", id, rows.map(toKept)) })),
    ...byOwner(rides, (r) => r.driverId).map(([id, rows]) => ({ rows, keep: () => keepers.keepRides("driver", id, rows.map(toKept)) })),
    ...byOwner(earnings, (e) => e.driverId).map(([id, rows]) => ({ rows, keep: () => keepers.keepEarnings(id, rows.map(toKeptEarning)) })),
  ];
  const failed = await failedOf(calls, (c) => c.keep(), "views window: an owner did not keep its rows");
  return new Set(failed.flatMap((c) => c.rows.map((r) => r.id)));
}

type RideRow = { id: string; rider_id: string; driver_id: string | null; status: string; version: number; created_at: string; snapshot: string };
type EarningRow = { id: string; ride_id: string; driver_id: string; fare: number; commission: number; earning: number; currency: string; created_at: string };
type Chunk = { read: number; moved: number; notKept: string[] };

/**
 * The settled rides past the cut-off, oldest first, passing over `?2` (a JSON list of ids), and
 * over a ride whose refund was declined and not made good since (`REFUND_DECLINED`: an operator must
 * still find it in the stats; the few such rows are read past).
 * `INDEXED BY` the partial index: left to itself the planner may take `rides_by_status`, which
 * walks the rides that never go and sorts; and a query that no longer matches the index's
 * condition fails instead of scanning.
 */
export const RIDES_PAST_WINDOW = `SELECT id, rider_id, driver_id, status, version, created_at, snapshot FROM rides INDEXED BY rides_settled
  WHERE ${SETTLED_RIDE} AND created_at < ?1 AND id NOT IN (SELECT value FROM json_each(?2)) AND NOT (${REFUND_DECLINED})
  ORDER BY created_at, id LIMIT ?3`;

/** One chunk of settled rides past the cut-off: kept by rider and driver, then deleted. */
async function ridesChunk(db: D1Database, keepers: HistoryKeepers, before: string, limit: number, skip: string[]): Promise<Chunk> {
  const { results } = await db.prepare(RIDES_PAST_WINDOW).bind(before, JSON.stringify(skip), limit).all<RideRow>();
  if (results.length === 0) return { read: 0, moved: 0, notKept: [] };
  await markKeptBefore(db, KEPT_BEFORE.rides, before);
  const rides = results.map((r) => ({
    id: r.id,
    riderId: r.rider_id,
    driverId: r.driver_id,
    createdAt: r.created_at,
    status: r.status,
    version: r.version,
    snapshot: r.snapshot,
  }));
  const notKept = await keepAll(keepers, rides, []);
  const gone = results.filter((r) => !notKept.has(r.id)).map((r) => [r.id, r.version]);
  // Joined from the list, so each row is found by its primary key; a version changed since the read stays.
  const deleted = await db
    .prepare(
      `DELETE FROM rides WHERE rowid IN (SELECT rides.rowid FROM json_each(?1) AS j
         JOIN rides ON rides.id = json_extract(j.value, '$[0]') AND rides.version = json_extract(j.value, '$[1]'))`,
    )
    .bind(JSON.stringify(gone))
    .run();
  return { read: results.length, moved: deleted.meta.changes ?? 0, notKept: [...notKept] };
}

/** One chunk of earnings rows past the cut-off, oldest first: kept by their driver, then deleted (rows never change). */
async function earningsChunk(db: D1Database, keepers: HistoryKeepers, before: string, limit: number, skip: string[]): Promise<Chunk> {
  const { results } = await db
    .prepare(
      `SELECT id, ride_id, driver_id, fare, commission, earning, currency, created_at FROM earnings
       WHERE created_at < ?1 AND id NOT IN (SELECT value FROM json_each(?2)) ORDER BY created_at, id LIMIT ?3`,
    )
    .bind(before, JSON.stringify(skip), limit)
    .all<EarningRow>();
  if (results.length === 0) return { read: 0, moved: 0, notKept: [] };
  await markKeptBefore(db, KEPT_BEFORE.earnings, before);
  const rows = results.map((r) => ({ ...r, rideId: r.ride_id, driverId: r.driver_id, createdAt: r.created_at }));
  const notKept = await keepAll(keepers, [], rows);
  const gone = results.filter((r) => !notKept.has(r.id)).map((r) => r.id);
  const deleted = await db.prepare("DELETE FROM earnings WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(gone)).run();
  return { read: results.length, moved: deleted.meta.changes ?? 0, notKept: [...notKept] };
}

/** Runs `chunk` until `maxRows` were read or nothing is left; the rows an owner did not keep are passed over from then on. */
async function drain(maxRows: number, chunk: (limit: number, skip: string[]) => Promise<Chunk>) {
  let read = 0;
  let moved = 0;
  const skip: string[] = [];
  while (read < maxRows) {
    const limit = Math.min(WINDOW_CHUNK, maxRows - read);
    const step = await chunk(limit, skip);
    read += step.read;
    moved += step.moved;
    skip.push(...step.notKept);
    if (step.read < limit) break;
  }
  return { moved, notKept: skip.length };
}

/**
 * Hands the settled rides and the earnings rows created before `before` to their owners'
 * objects and deletes them from the views, at most `maxRows` of each in a run (a cron run's
 * bound: each ride is one or two owners' calls). Answers what went and what an owner did not
 * keep; throws only what D1 did.
 *
 * @example
 * const run = await letGoOfHistory(env.VIEWS_DB, keepers, windowStart(env), 2_000);
 */
export async function letGoOfHistory(db: D1Database, keepers: HistoryKeepers, before: Date, maxRows: number): Promise<WindowRun> {
  const cutoff = before.toISOString();
  const rides = await drain(maxRows, (limit, skip) => ridesChunk(db, keepers, cutoff, limit, skip));
  const earnings = await drain(maxRows, (limit, skip) => earningsChunk(db, keepers, cutoff, limit, skip));
  return { rides: rides.moved, earnings: earnings.moved, notKept: rides.notKept + earnings.notKept };
}

/**
 * The rides of `writes` whose refund was declined and not made good since (a decline newer than
 * every refund made): the window's own run passes them over (`REFUND_DECLINED`), and so must a
 * rebuild or a repair, or the row an operator must still find in the stats would go with it.
 */
function refundsStillDeclined(writes: ViewWrite[]): Set<string> {
  const declined = new Map<string, number>();
  const made = new Map<string, number>();
  for (const w of writes) {
    if (w.kind !== "refund" || w.of !== "ride") continue;
    const into = w.declined ? declined : made;
    into.set(w.id, Math.max(into.get(w.id) ?? 0, w.version));
  }
  return new Set([...declined].filter(([id, version]) => version > (made.get(id) ?? 0)).map(([id]) => id));
}

/**
 * Of the writes of the repair sweep and the rebuild, hands a ride past the window, and an
 * earnings row older than its cut-off, to their owners' objects instead of back into the views
 * (a rebuild would otherwise pour a year of rides into one database); answers the rest, to
 * project; a row of the ride's older version still in the views is deleted once kept. A ride
 * whose refund is still declined stays in the views, as the window's run leaves it. Throws
 * when an owner did not keep its rows.
 *
 * @example
 * await applyWrites(env.VIEWS_DB, await handOverWrites(env.VIEWS_DB, keepers, rideWrites(snapshot), windowStart(env)));
 */
export async function handOverWrites(db: D1Database, keepers: HistoryKeepers, writes: ViewWrite[], before: Date): Promise<ViewWrite[]> {
  const cutoff = before.toISOString();
  const newest = new Map<string, Extract<ViewWrite, { kind: "ride" }>["ride"]>();
  const earnings: (KeptEarning & { driverId: string })[] = [];
  const rest: ViewWrite[] = [];
  const declined = refundsStillDeclined(writes);
  for (const w of writes) {
    if (w.kind === "ride" && pastWindow(w.ride, before) && !declined.has(w.ride.id)) {
      if ((newest.get(w.ride.id)?.version ?? -1) < w.ride.version) newest.set(w.ride.id, w.ride);
    } else if (w.kind === "earning" && w.row.createdAt < cutoff) earnings.push(w.row);
    else rest.push(w);
  }
  if (newest.size > 0) await markKeptBefore(db, KEPT_BEFORE.rides, cutoff);
  if (earnings.length > 0) await markKeptBefore(db, KEPT_BEFORE.earnings, cutoff);
  const rides = [...newest.values()].map((r) => ({ ...r, driverId: r.driver?.id ?? null, snapshot: JSON.stringify(r) }));
  const notKept = await keepAll(keepers, rides, earnings);
  if (notKept.size > 0) throw new Error(`views window: ${notKept.size} rows past the window not kept by their owners`);
  // A row of an older version left here (an event replayed after the window had let the ride go
  // brings it back, unsettled) goes too: the window never takes an unsettled row, so it would stand
  // as an open ride for ever, and the repair sweep would ask its objects again every run.
  if (rides.length > 0) {
    await db
      .prepare(
        `DELETE FROM rides WHERE rowid IN (SELECT rides.rowid FROM json_each(?1) AS j
           JOIN rides ON rides.id = json_extract(j.value, '$[0]') AND rides.version <= json_extract(j.value, '$[1]'))`,
      )
      .bind(JSON.stringify(rides.map((r) => [r.id, r.version])))
      .run();
  }
  return rest;
}
