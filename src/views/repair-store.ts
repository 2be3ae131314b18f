/**
 * The views' side of the repair sweep and the rebuild (workers/gateway/views-repair.ts):
 * which rows fell behind, which were looked at, where the earnings pass stopped, and the
 * ride and rental ids in id order.
 */
import { and, asc, eq, gt, inArray, lt, sql, type AnyColumn } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import {
  drivers,
  LAST_SEEN,
  OFF_DUTY_DRIVER,
  ON_DUTY_DRIVER,
  riderDues,
  rides,
  UNPAID_RIDE,
  viewCursors,
  WATCHED_RIDE,
  type earnings,
  type rentals,
  type rentalVehicles,
} from "./schema";

/** D1 binds at most 100 parameters per statement. */
const CHUNK = 90;

/** The later of a row's last change and its last check: what "stale" is measured from. */
const lastSeen = (updatedAt: AnyColumn, checkedAt: AnyColumn) => sql<string>`max(${updatedAt}, coalesce(${checkedAt}, ''))`;

/**
 * `staleRideIds`'s read (?1 before, ?2 the limit): by `rides_behind`, longest unseen first, never a
 * sort of every open ride (INDEXED BY, and literal SQL, so that the text matches the index's).
 */
export const STALE_RIDES = `SELECT id FROM rides INDEXED BY rides_behind WHERE ${WATCHED_RIDE} AND ${LAST_SEEN} < ?1 ORDER BY ${LAST_SEEN} LIMIT ?2`;

/**
 * Rides not final (not `completed`, nor `cancelled` with its payment settled) unchanged
 * and unchecked since `before`, oldest first.
 *
 * @example
 * const ids = await staleRideIds(env.VIEWS_DB, "2026-11-21T10:00:00.000Z", 25);
 */
export async function staleRideIds(d1: D1Database, before: string, limit: number): Promise<string[]> {
  const { results } = await d1.prepare(STALE_RIDES).bind(before, limit).all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Offline drivers waiting for a decision looked at a run, at most, and how long each rests between looks. */
export const PENDING_PER_RUN = 5;
export const PENDING_QUIET_MS = 3600_000;
/** Approved drivers off duty looked at a run, at most, and how long each rests between looks (they are many, and rarely wrong). */
export const OFF_DUTY_PER_RUN = 5;
export const OFF_DUTY_QUIET_MS = 24 * 3600_000;

/**
 * `staleDriverIds`'s reads of drivers on duty and of approved drivers off duty (?1 before, ?2 the
 * limit): by `drivers_on_duty` and `drivers_off_duty`, longest unseen first, never a walk of
 * them all (INDEXED BY, and literal SQL, so that the text matches the index's).
 */
export const STALE_ON_DUTY = `SELECT id FROM drivers INDEXED BY drivers_on_duty WHERE ${ON_DUTY_DRIVER} AND ${LAST_SEEN} < ?1 ORDER BY ${LAST_SEEN} LIMIT ?2`;
export const STALE_OFF_DUTY = `SELECT id FROM drivers INDEXED BY drivers_off_duty WHERE ${OFF_DUTY_DRIVER} AND ${LAST_SEEN} < ?1 ORDER BY ${LAST_SEEN} LIMIT ?2`;

/**
 * Drivers not offline unchanged and unchecked since `before`, oldest first (up to `limit`); then
 * offline drivers waiting for an operator's decision quiet for `PENDING_QUIET_MS` more (up to
 * `PENDING_PER_RUN`, apart: abandoned sign-ups never leave, and would crowd out drivers on duty).
 * The waiting ones: a lost approval or rejection would otherwise leave them on the operators'
 * pending list for ever (a repeated decision records nothing new), and a driver never approved
 * cannot go online to be looked at. Last, a few approved drivers off duty quiet for a day more
 * (`OFF_DUTY_PER_RUN`): one sent back to waiting (a new vehicle) or rejected whose message was
 * lost shows approved here, off every operator's pending list, and cannot go online to be seen.
 *
 * @example
 * const ids = await staleDriverIds(env.VIEWS_DB, "2026-11-21T10:00:00.000Z", 25);
 */
export async function staleDriverIds(d1: D1Database, before: string, limit: number): Promise<string[]> {
  const seen = lastSeen(drivers.updatedAt, drivers.checkedAt);
  const db = drizzle(d1);
  const pendingBefore = new Date(Date.parse(before) - PENDING_QUIET_MS).toISOString();
  const offDutyBefore = new Date(Date.parse(before) - OFF_DUTY_QUIET_MS).toISOString();
  const [{ results: onDuty }, waiting, { results: offDuty }] = await Promise.all([
    d1.prepare(STALE_ON_DUTY).bind(before, limit).all<{ id: string }>(),
    db
      .select({ id: drivers.id })
      .from(drivers)
      .where(and(eq(drivers.status, "offline"), eq(drivers.approval, "pending"), lt(seen, pendingBefore)))
      .orderBy(asc(seen))
      .limit(PENDING_PER_RUN),
    d1.prepare(STALE_OFF_DUTY).bind(offDutyBefore, OFF_DUTY_PER_RUN).all<{ id: string }>(),
  ]);
  return [...onDuty, ...waiting, ...offDuty].map((r) => r.id);
}

/** How far back the sweep looks for rides that ended unpaid; older ones are the rebuild's (the sweep stopped for a day). */
export const UNPAID_LOOKBACK_MS = 24 * 3600_000;

/** How long open dues stay quiet (unchanged, unchecked) past the threshold before the sweep reads them again: a lost payment's message heals within about that. */
export const OPEN_DUES_QUIET_MS = 3600_000;

const seen = (t: string) => `max(${t}.updated_at, coalesce(${t}.checked_at, ''))`;

/**
 * `staleRiderIds`'s query (?1 before, ?2 a day before that, ?3 the limit, ?4 an hour before
 * ?1). The riders of unpaid rides come first (`rank` 0: their row is behind for sure), then
 * open dues gone quiet (1: a check, which finds them right almost always). UNPAID_RIDE's
 * columns are the rides' alone (rider_dues has none of them), so its text matches
 * `rides_unpaid`'s; INDEXED BY, since SQLite would rather take rides_by_payment's two
 * equalities and read every unpaid ride ever kept. The open dues are read by `rider_dues_open`,
 * oldest look first and no more than the limit: debtors only accumulate, and a minute's read
 * must not grow with them.
 */
export const STALE_RIDERS = `SELECT id, min(rank) AS rank, min(at) AS at FROM (
  SELECT * FROM (SELECT rider_id AS id, 1 AS rank, ${seen("d")} AS at FROM rider_dues d WHERE d.amount > 0 AND ${seen("d")} < ?4 ORDER BY at LIMIT ?3)
  UNION ALL
  SELECT rides.rider_id AS id, 0 AS rank, rides.updated_at AS at FROM rides INDEXED BY rides_unpaid LEFT JOIN rider_dues d ON d.rider_id = rides.rider_id
  WHERE ${UNPAID_RIDE} AND rides.updated_at >= ?2 AND rides.updated_at < ?1 AND rides.updated_at > coalesce(${seen("d")}, '')
) GROUP BY id ORDER BY rank, at LIMIT ?3`;

/**
 * Riders whose dues row may be behind their Rider DO: first the riders of rides that ended
 * unpaid (a day back from `before`, by `rides_unpaid`) after their row's last change and check
 * (the dues' message lost: no row, or an older one), oldest first; then open dues unchanged and
 * unchecked for `OPEN_DUES_QUIET_MS` past `before` (a lost payment's message leaves them open).
 * The Ride DO adds the dues before the commit that ends the ride, so the row is usually newer
 * than the ride and its rider is asked at most once a ride (when the row is older).
 *
 * @example
 * const ids = await staleRiderIds(env.VIEWS_DB, "2026-11-21T10:00:00.000Z", 25);
 */
export async function staleRiderIds(d1: D1Database, before: string, limit: number): Promise<string[]> {
  const at = Date.parse(before);
  const [since, quiet] = [at - UNPAID_LOOKBACK_MS, at - OPEN_DUES_QUIET_MS].map((ms) => new Date(ms).toISOString());
  const { results } = await d1.prepare(STALE_RIDERS).bind(before, since, limit, quiet).all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Notes that the sweep looked at these rows at `at`.
 *
 * @example
 * await markChecked(env.VIEWS_DB, "rides", ["rd_…"], new Date().toISOString());
 */
export async function markChecked(d1: D1Database, table: "rides" | "drivers" | "riders", ids: readonly string[], at: string): Promise<void> {
  const db = drizzle(d1);
  const mark = (chunk: string[]) => {
    if (table === "riders") return db.update(riderDues).set({ checkedAt: at }).where(inArray(riderDues.riderId, chunk));
    const t = table === "rides" ? rides : drivers;
    return db.update(t).set({ checkedAt: at }).where(inArray(t.id, chunk));
  };
  const statements = [];
  for (let i = 0; i < ids.length; i += CHUNK) statements.push(mark(ids.slice(i, i + CHUNK)));
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

/**
 * A named cursor (null: from the start).
 *
 * @example
 * const after = await readCursor(env.VIEWS_DB, "earnings");
 */
export async function readCursor(d1: D1Database, name: string): Promise<string | null> {
  const [row] = await drizzle(d1).select({ cursor: viewCursors.cursor }).from(viewCursors).where(eq(viewCursors.name, name));
  return row?.cursor ?? null;
}

/**
 * @example
 * await saveCursor(env.VIEWS_DB, "earnings", page.next);
 */
export async function saveCursor(d1: D1Database, name: string, cursor: string | null): Promise<void> {
  const now = new Date().toISOString();
  await drizzle(d1)
    .insert(viewCursors)
    .values({ name, cursor, updatedAt: now })
    .onConflictDoUpdate({ target: viewCursors.name, set: { cursor, updatedAt: now } });
}

/**
 * The ids of `table` (rides or rentals) after `after`, in id order (the rebuild's first sources).
 *
 * @example
 * const ids = await idsAfter(env.VIEWS_DB, rides, null, 20);
 */
export async function idsAfter(
  d1: D1Database,
  table: typeof rides | typeof rentals | typeof rentalVehicles | typeof drivers,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await drizzle(d1)
    .select({ id: table.id })
    .from(table)
    .where(after === null ? undefined : gt(table.id, after))
    .orderBy(asc(table.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Which of `ids` the views have no row for in `table` (rides, rentals or earnings).
 *
 * @example
 * const lost = await missingIds(env.VIEWS_DB, rides, ["rd_a", "rd_b"]); // ["rd_b"]
 */
export async function missingIds(
  d1: D1Database,
  table: typeof rides | typeof rentals | typeof earnings | typeof drivers | typeof rentalVehicles,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await drizzle(d1)
    .select({ id: table.id })
    .from(table)
    .where(inArray(table.id, [...ids]));
  const known = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}
