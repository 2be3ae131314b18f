/**
 * What the operators' live map starts from (the snapshot of GET /v1/ops/live): open
 * rides and drivers not offline, read from the D1 views.
 */
import { inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Driver } from "../domain/events";
import type { Ride } from "../domain/types";
import { SNAPSHOT_LIMIT, type MarkerBoard } from "../ops-feed/marker-board";
import { drivers, OPEN_RIDE } from "./schema";

/**
 * The most a snapshot carries of each (rides newest first): the feed's own cut (SNAPSHOT_LIMIT). A
 * city at peak has more open rides and drivers on duty (Seoul's: about 100,000 and 70,000), so
 * the console's first map is that many, and the rest come with their next change.
 */
export const MAP_LIMIT = SNAPSHOT_LIMIT;

/**
 * `openRides`' query (?1 the limit): by `rides_open`, whose text OPEN_RIDE matches (literal SQL: with the statuses
 * bound, SQLite would not use the partial index and would walk every ride kept, newest first).
 */
export const OPEN_RIDES = `SELECT snapshot FROM rides INDEXED BY rides_open WHERE ${OPEN_RIDE} ORDER BY created_at DESC LIMIT ?1`;

/**
 * Rides not completed or cancelled, newest first.
 *
 * @example
 * const open = await openRides(env.VIEWS_DB);
 */
export async function openRides(db: D1Database, limit = MAP_LIMIT): Promise<Ride[]> {
  const { results } = await db.prepare(OPEN_RIDES).bind(limit).all<{ snapshot: string }>();
  return results.map((r) => JSON.parse(r.snapshot) as Ride);
}

/**
 * Drivers available, offered or on a trip (the `drivers_by_status` index).
 *
 * @example
 * const onDuty = await driversOnDuty(env.VIEWS_DB);
 */
export async function driversOnDuty(db: D1Database, limit = MAP_LIMIT): Promise<Driver[]> {
  const rows = await drizzle(db)
    .select({ snapshot: drivers.snapshot })
    .from(drivers)
    .where(inArray(drivers.status, ["available", "offered", "on_trip"]))
    .limit(limit);
  return rows.map((r) => JSON.parse(r.snapshot) as Driver);
}

/**
 * The views' version of each of the rides or drivers `ids`, and whether it is on the map there
 * (a ride open, a driver not offline): what the feed checks the ones only its memory holds
 * against. No query for none.
 *
 * @example
 * const states = await statesIn(env.VIEWS_DB, "drivers", ["d1"]); // Map { "d1" => { version: 7, onMap: false } }
 */
export async function statesIn(db: D1Database, table: "rides" | "drivers", ids: string[]): Promise<Map<string, { version: number; onMap: boolean }>> {
  if (ids.length === 0) return new Map();
  const off = table === "rides" ? "('completed', 'cancelled')" : "('offline')";
  // One bound list (json_each), not a parameter an id: D1 binds at most 100 a statement.
  const { results } = await db
    .prepare(`SELECT id, version, status NOT IN ${off} AS on_map FROM ${table} WHERE id IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(ids.slice(0, MAP_LIMIT)))
    .all<{ id: string; version: number; on_map: number }>();
  return new Map(results.map((r) => [r.id, { version: r.version, onMap: r.on_map === 1 }]));
}

/**
 * Checks every driver `board` holds on the map against the views, a page of MAP_LIMIT ids a read
 * (`MarkerBoard.forgetLeft`): the feed's full check after a time nobody told it of changes.
 *
 * @example
 * await checkDrivers(env.VIEWS_DB, drivers);
 */
export async function checkDrivers<M extends { id: string; version: number }>(db: D1Database, board: MarkerBoard<M>): Promise<void> {
  const ids = board.ids();
  for (let at = 0; at < ids.length; at += MAP_LIMIT) {
    const page = ids.slice(at, at + MAP_LIMIT);
    board.forgetLeft(page, await statesIn(db, "drivers", page));
  }
}
