/**
 * The views' side of the repair sweep and the rebuild (workers/gateway/views-repair.ts):
 * which rows fell behind, which were looked at, where the earnings pass stopped, and the
 * ride and rental ids in id order.
 */
import { and, asc, eq, gt, inArray, lt, or, sql, type AnyColumn } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { RIDE_STATUSES } from "../domain/types";
import { drivers, rides, viewCursors, type earnings, type rentals, type rentalVehicles } from "./schema";

/** Statuses after which a ride changes no more (a cancelled one still may: its hold is voided after). */
const NOT_FINAL = RIDE_STATUSES.filter((s) => s !== "completed" && s !== "cancelled");
/** Payment states of a cancelled ride still waiting for its void. */
const OPEN_PAYMENT = ["pending", "authorized"];
/** D1 binds at most 100 parameters per statement. */
const CHUNK = 90;

/** The later of a row's last change and its last check: what "stale" is measured from. */
const lastSeen = (updatedAt: AnyColumn, checkedAt: AnyColumn) => sql<string>`max(${updatedAt}, coalesce(${checkedAt}, ''))`;

/**
 * Rides not final (not `completed`, nor `cancelled` with its payment settled) unchanged
 * and unchecked since `before`, oldest first. Reads only the non-final rows (by the
 * status indexes), never the whole table.
 *
 * @example
 * const ids = await staleRideIds(env.VIEWS_DB, "2026-11-21T10:00:00.000Z", 25);
 */
export async function staleRideIds(d1: D1Database, before: string, limit: number): Promise<string[]> {
  const seen = lastSeen(rides.updatedAt, rides.checkedAt);
  const rows = await drizzle(d1)
    .select({ id: rides.id })
    .from(rides)
    .where(and(or(inArray(rides.status, NOT_FINAL), and(eq(rides.status, "cancelled"), inArray(rides.paymentStatus, OPEN_PAYMENT))), lt(seen, before)))
    .orderBy(asc(seen))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Drivers not offline unchanged and unchecked since `before`, oldest first.
 *
 * @example
 * const ids = await staleDriverIds(env.VIEWS_DB, "2026-11-21T10:00:00.000Z", 25);
 */
export async function staleDriverIds(d1: D1Database, before: string, limit: number): Promise<string[]> {
  const seen = lastSeen(drivers.updatedAt, drivers.checkedAt);
  const rows = await drizzle(d1)
    .select({ id: drivers.id })
    .from(drivers)
    .where(and(inArray(drivers.status, ["available", "offered", "on_trip"]), lt(seen, before)))
    .orderBy(asc(seen))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Notes that the sweep looked at these rows at `at`.
 *
 * @example
 * await markChecked(env.VIEWS_DB, "rides", ["rd_…"], new Date().toISOString());
 */
export async function markChecked(d1: D1Database, table: "rides" | "drivers", ids: readonly string[], at: string): Promise<void> {
  const db = drizzle(d1);
  const t = table === "rides" ? rides : drivers;
  const statements = [];
  for (let i = 0; i < ids.length; i += CHUNK)
    statements.push(
      db
        .update(t)
        .set({ checkedAt: at })
        .where(inArray(t.id, ids.slice(i, i + CHUNK))),
    );
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
  table: typeof rides | typeof rentals | typeof rentalVehicles,
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
export async function missingIds(d1: D1Database, table: typeof rides | typeof rentals | typeof earnings, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await drizzle(d1)
    .select({ id: table.id })
    .from(table)
    .where(inArray(table.id, [...ids]));
  const known = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}
