/**
 * An aggregate's event log: every event it committed, in the order committed, in its own
 * SQLite table. Written in the commit's transaction (`appendEvents`), read for the
 * timeline (`readEventLog`).
 *
 * Each event has its place in the log (`position`, one each, gap-free) and the version of
 * the record its change made (`version`): a change that makes several events (a ride
 * cancelled with its driver released) gives them one version, since a ride's version rises
 * by one with every change (api-contract.md), not with every event.
 */
import type { StoredEvent } from "../kernel/machine";
import { addColumn } from "./stored-object";

/** An event of the log, as the timeline shows it. */
export interface TimelineItem {
  type: string;
  version: number;
  occurredAt: string;
  data: Record<string, unknown>;
  id: string;
  correlationId: string;
}

/** The log's table. */
export const EVENTS_TABLE = `CREATE TABLE IF NOT EXISTS events (
      position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, occurred_at TEXT NOT NULL,
      correlation_id TEXT NOT NULL, causation_id TEXT, data TEXT NOT NULL, version INTEGER NOT NULL)`;

/**
 * Brings a log written before events had a position of their own to this shape, once and all
 * at once (one transaction): its key, then named `version`, becomes the position, and each
 * old event keeps that number as its version (one version per event was the rule then; the
 * record's version went on from there, so versions still only rise). Runs after
 * `EVENTS_TABLE`, before any call. Code rolled back to the one before still works on the new
 * shape: it names `version` on insert (no longer the key, so the position is given) and reads
 * in version order (the events of one change then in no set order among themselves).
 *
 * @example
 * migrateEventLog(ctx.storage); // false: the log already has positions
 */
export function migrateEventLog(storage: { sql: SqlStorage; transactionSync<T>(work: () => T): T }): boolean {
  const sql = storage.sql;
  const columns = sql
    .exec<{ name: string }>("PRAGMA table_info(events)")
    .toArray()
    .map((c) => c.name);
  if (columns.includes("position") && columns.includes("version")) return false;
  storage.transactionSync(() => {
    if (!columns.includes("position")) sql.exec("ALTER TABLE events RENAME COLUMN version TO position");
    addColumn(sql, "events", "version", "INTEGER");
    sql.exec("UPDATE events SET version = position WHERE version IS NULL");
  });
  return true;
}

/**
 * Appends a commit's events (inside its transaction), each at the next position. A commit
 * whose first version is not past the log's last throws, undoing it: it was decided on a
 * record older than the one stored (the objects run one command at a time, so this guards
 * against a bug, not a race).
 *
 * @example
 * ctx.storage.transactionSync(() => { store(record); appendEvents(sql, plan.events); });
 */
export function appendEvents(sql: SqlStorage, events: readonly StoredEvent[]): void {
  const first = events[0];
  if (!first) return;
  const last = sql.exec<{ version: number }>("SELECT version FROM events ORDER BY position DESC LIMIT 1").toArray()[0];
  if (last && first.version <= last.version)
    throw new Error(`event version ${first.version} is not past the log's ${last.version}: a commit decided on a stale record`);
  for (const e of events) {
    sql.exec(
      "INSERT INTO events (id, type, occurred_at, correlation_id, causation_id, data, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
      e.id,
      e.type,
      e.occurredAt,
      e.correlationId,
      e.causationId,
      JSON.stringify(e.data),
      e.version,
    );
  }
}

/**
 * The aggregate's events, in the order committed.
 *
 * @example
 * readEventLog(sql).map((e) => e.type); // ["RideRequested", "DispatchStarted", ...]
 */
export function readEventLog(sql: SqlStorage): TimelineItem[] {
  type Row = { version: number; id: string; type: string; occurred_at: string; correlation_id: string; data: string };
  return sql
    .exec<Row>("SELECT version, id, type, occurred_at, correlation_id, data FROM events ORDER BY position")
    .toArray()
    .map((r) => ({
      type: r.type,
      version: r.version,
      occurredAt: r.occurred_at,
      data: JSON.parse(r.data) as Record<string, unknown>,
      id: r.id,
      correlationId: r.correlation_id,
    }));
}
