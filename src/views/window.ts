/**
 * The views keep a window of days, not all history. Every ride leaves about 1.2 KB in the
 * views (its row and its earnings), and one D1 database holds 10 GB: at a Seoul-size day
 * (2.16 million rides) the views reached half of it in under two days (BENCHMARKS.md,
 * storage). So each minute the gateway's cron hands the rides and earnings older than
 * `VIEWS_WINDOW_DAYS` to their owners' objects (the rider's Rider DO, the driver's Driver DO:
 * src/history/kept-history.ts) and only then deletes them here. The owners' lists read both
 * (workers/gateway/own-lists.ts); the operators' lists and figures cover the window.
 *
 * Invariants:
 * - a row is deleted only after every owner has kept it, and only in the version kept: a ride
 *   changed meanwhile (a refund) stays for the next run, which keeps the newer version;
 * - only settled rides go: completed or cancelled, with no payment still open or failed (an
 *   operator's lists must still find those);
 * - `*_kept_before` (in `view_cursors`) is written before a chunk's rows are kept, only ever
 *   moves forward, and is not written while nothing was ever kept: every kept row was created before it, which is how a list knows that a full page
 *   of the views needs no owner's call (src/history/merge.ts, `viewsAlone`);
 * - a run that fails to reach an owner stops (the same rows would come first again), leaves
 *   those rows here, and fails the cron run after the rest of housekeeping ran.
 */
import { readConfig, VIEWS_WINDOW_DAYS, type ConfigVars } from "../config";
import type { KeptEarning, KeptRide } from "../history/kept-history";

/** Rows one read takes: their owners are reached, then they are deleted, before the next read. */
export const WINDOW_CHUNK = 200;
/** Owners' calls at once: a Worker holds at most 6 connections open, more wait their turn. */
const CALLS_AT_ONCE = 6;
/** Payment states after which a ride does not change by itself (a refund may still come, and is kept again). */
const SETTLED_PAYMENTS = ["captured", "voided", "refunded", "declined"];
const SETTLED_PAYMENT = `(${SETTLED_PAYMENTS.map((p) => `'${p}'`).join(", ")})`;

/**
 * Whether the window hands `ride` over once it is created before `before`: settled (completed
 * or cancelled, with no payment open or failed). The SQL of `ridesChunk` says the same.
 *
 * @example
 * pastWindow({ status: "completed", createdAt: "2026-10-01T09:00:00.000Z", payment: { status: "captured" } }, windowCutoff(new Date()));
 */
export function pastWindow(ride: { status: string; createdAt: string; payment: { status: string } | null }, before: Date): boolean {
  const settled = (ride.status === "completed" || ride.status === "cancelled") && (ride.payment === null || SETTLED_PAYMENTS.includes(ride.payment.status));
  return settled && ride.createdAt < before.toISOString();
}

/**
 * The repair sweep's ledger passes read the ledger's newest page again every run; in a quiet
 * deployment that page reaches past the window, and the sweep would bring back, every minute,
 * what the window handed over. So it restores only the lost rides (`ids`, which the views
 * have no row for) that are not past the window, and only the earnings rows inside it. A ride
 * never projected at all and found only past the window (the sweep stopped for the whole
 * window) is left to the rebuild.
 *
 * @example
 * const lost = await insideWindow.rides(ids, (id) => rideSnapshotOf(env, id), windowStart(env));
 */
export const insideWindow = {
  async rides(ids: string[], snapshotOf: (id: string) => Promise<{ ride: Parameters<typeof pastWindow>[0] } | null>, before: Date): Promise<string[]> {
    const found = await Promise.all(ids.map(async (id) => ({ id, snapshot: await snapshotOf(id) })));
    return found.filter(({ snapshot }) => snapshot === null || !pastWindow(snapshot.ride, before)).map(({ id }) => id);
  },
  earnings: <R extends { createdAt: string }>(rows: R[], before: Date): R[] => rows.filter((r) => r.createdAt >= before.toISOString()),
};

/** The owners' objects, as the window reaches them (injected: the cron's are Durable Object stubs). */
export interface HistoryKeepers {
  keepRides(owner: "rider" | "driver", ownerId: string, rides: KeptRide[]): Promise<void>;
  keepEarnings(driverId: string, rows: KeptEarning[]): Promise<void>;
}

/** What a run moved, and how many owners' calls failed. */
export interface WindowRun {
  rides: number;
  earnings: number;
  failedCalls: number;
}

/** The cut-off of a run at `now`: settled rides and earnings created before it go to their owners. */
export const windowCutoff = (now: Date, days = VIEWS_WINDOW_DAYS) => new Date(now.getTime() - days * 86_400_000);

/** The cut-off now, by the deployment's `VIEWS_WINDOW_DAYS`. */
export const windowStart = (vars: ConfigVars) => windowCutoff(new Date(), readConfig(vars).viewsWindowDays);

/** The `view_cursors` rows that say how recent the newest kept row can be. */
export const KEPT_BEFORE = { rides: "rides_kept_before", earnings: "earnings_kept_before" } as const;

/** Runs `call` for every item, `CALLS_AT_ONCE` at a time; the items whose call failed. */
async function failedOf<T>(items: T[], call: (item: T) => Promise<void>): Promise<Set<T>> {
  const failed = new Set<T>();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await call(item).catch((error: unknown) => {
        failed.add(item);
        console.warn(JSON.stringify({ msg: "views window: an owner did not keep its rows", error: String(error) }));
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CALLS_AT_ONCE, items.length) }, worker));
  return failed;
}

/** Rows grouped by an owner's id (rows with none left out). */
function byOwner<R>(rows: R[], ownerOf: (row: R) => string | null): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const owner = ownerOf(row);
    if (owner !== null) groups.set(owner, [...(groups.get(owner) ?? []), row]);
  }
  return groups;
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

type RideRow = { id: string; rider_id: string; driver_id: string | null; status: string; version: number; created_at: string; snapshot: string };
type EarningRow = { id: string; ride_id: string; driver_id: string; fare: number; commission: number; earning: number; currency: string; created_at: string };

/** One chunk of settled rides past the cut-off: kept by rider and driver, then deleted; answers how many went and how many calls failed. */
async function ridesChunk(
  db: D1Database,
  keepers: HistoryKeepers,
  before: string,
  limit: number,
): Promise<{ read: number; moved: number; failedCalls: number }> {
  // No ORDER BY: any rides past the cut-off will do, and the status index then stops at `limit` instead of sorting the backlog.
  const { results } = await db
    .prepare(
      `SELECT id, rider_id, driver_id, status, version, created_at, snapshot FROM rides
       WHERE status IN ('completed', 'cancelled') AND created_at < ?1
         AND (payment_status IS NULL OR payment_status IN ${SETTLED_PAYMENT})
       LIMIT ?2`,
    )
    .bind(before, limit)
    .all<RideRow>();
  if (results.length === 0) return { read: 0, moved: 0, failedCalls: 0 };
  await markKeptBefore(db, KEPT_BEFORE.rides, before);
  const kept = (r: RideRow): KeptRide => ({ id: r.id, createdAt: r.created_at, status: r.status, version: r.version, snapshot: r.snapshot });
  const calls = [
    ...[...byOwner(results, (r) => r.rider_id)].map(([id, rows]) => ({ owner: "rider" as const, id, rows })),
    ...[...byOwner(results, (r) => r.driver_id)].map(([id, rows]) => ({ owner: "driver" as const, id, rows })),
  ];
  const failed = await failedOf(calls, (c) => keepers.keepRides(c.owner, c.id, c.rows.map(kept)));
  const notKept = new Set([...failed].flatMap((c) => c.rows.map((r) => r.id)));
  const gone = results.filter((r) => !notKept.has(r.id)).map((r) => [r.id, r.version]);
  // Joined from the list, so each row is found by its primary key; a version changed since the read stays.
  const deleted = await db
    .prepare(
      `DELETE FROM rides WHERE rowid IN (SELECT rides.rowid FROM json_each(?1) AS j
         JOIN rides ON rides.id = json_extract(j.value, '$[0]') AND rides.version = json_extract(j.value, '$[1]'))`,
    )
    .bind(JSON.stringify(gone))
    .run();
  return { read: results.length, moved: deleted.meta.changes ?? 0, failedCalls: failed.size };
}

/** One chunk of earnings rows past the cut-off: kept by their driver, then deleted (rows never change). */
async function earningsChunk(
  db: D1Database,
  keepers: HistoryKeepers,
  before: string,
  limit: number,
): Promise<{ read: number; moved: number; failedCalls: number }> {
  const { results } = await db
    .prepare("SELECT id, ride_id, driver_id, fare, commission, earning, currency, created_at FROM earnings WHERE created_at < ?1 LIMIT ?2")
    .bind(before, limit)
    .all<EarningRow>();
  if (results.length === 0) return { read: 0, moved: 0, failedCalls: 0 };
  await markKeptBefore(db, KEPT_BEFORE.earnings, before);
  const kept = (r: EarningRow): KeptEarning => ({
    id: r.id,
    rideId: r.ride_id,
    createdAt: r.created_at,
    fare: r.fare,
    commission: r.commission,
    earning: r.earning,
    currency: r.currency,
  });
  const calls = [...byOwner(results, (r) => r.driver_id)];
  const failed = await failedOf(calls, ([driverId, rows]) => keepers.keepEarnings(driverId, rows.map(kept)));
  const notKept = new Set([...failed].flatMap(([, rows]) => rows.map((r) => r.id)));
  const gone = results.filter((r) => !notKept.has(r.id)).map((r) => r.id);
  const deleted = await db.prepare("DELETE FROM earnings WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(gone)).run();
  return { read: results.length, moved: deleted.meta.changes ?? 0, failedCalls: failed.size };
}

/** Runs `chunk` until `maxRows` were read, nothing is left, or an owner failed (the same rows would come first again). */
async function drain(maxRows: number, chunk: (limit: number) => ReturnType<typeof ridesChunk>) {
  let read = 0;
  let moved = 0;
  while (read < maxRows) {
    const limit = Math.min(WINDOW_CHUNK, maxRows - read);
    const step = await chunk(limit);
    read += step.read;
    moved += step.moved;
    if (step.failedCalls > 0) return { moved, failedCalls: step.failedCalls };
    if (step.read < limit) break;
  }
  return { moved, failedCalls: 0 };
}

/**
 * Hands the settled rides and the earnings rows created before `before` to their owners'
 * objects and deletes them from the views, at most `maxRows` of each in a run (a cron run's
 * bound: each ride is one or two owners' calls). Answers what went; throws nothing an owner
 * did (see `failedCalls`), only what D1 did.
 *
 * @example
 * const run = await letGoOfHistory(env.VIEWS_DB, durableKeepers(env), windowCutoff(new Date(), 30), 2_000);
 */
export async function letGoOfHistory(db: D1Database, keepers: HistoryKeepers, before: Date, maxRows: number): Promise<WindowRun> {
  const cutoff = before.toISOString();
  const rides = await drain(maxRows, (limit) => ridesChunk(db, keepers, cutoff, limit));
  const earnings = await drain(maxRows, (limit) => earningsChunk(db, keepers, cutoff, limit));
  return { rides: rides.moved, earnings: earnings.moved, failedCalls: rides.failedCalls + earnings.failedCalls };
}
