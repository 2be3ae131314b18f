/**
 * An aggregate's event log: every event it committed, in version order, in its own
 * SQLite table. Written in the commit's transaction (`appendEvents`), read for the
 * timeline (`readEventLog`).
 */
import type { StoredEvent } from "../kernel/machine";

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
      version INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, occurred_at TEXT NOT NULL,
      correlation_id TEXT NOT NULL, causation_id TEXT, data TEXT NOT NULL)`;

/**
 * Appends a commit's events (inside its transaction: a version taken twice throws and undoes the commit).
 *
 * @example
 * ctx.storage.transactionSync(() => { store(record); appendEvents(sql, plan.events); });
 */
export function appendEvents(sql: SqlStorage, events: readonly StoredEvent[]): void {
  for (const e of events) {
    sql.exec(
      "INSERT INTO events (version, id, type, occurred_at, correlation_id, causation_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
      e.version,
      e.id,
      e.type,
      e.occurredAt,
      e.correlationId,
      e.causationId,
      JSON.stringify(e.data),
    );
  }
}

/**
 * The aggregate's events, in version order.
 *
 * @example
 * readEventLog(sql).map((e) => e.type); // ["RideRequested", "DispatchStarted", ...]
 */
export function readEventLog(sql: SqlStorage): TimelineItem[] {
  type Row = { version: number; id: string; type: string; occurred_at: string; correlation_id: string; data: string };
  return sql
    .exec<Row>("SELECT version, id, type, occurred_at, correlation_id, data FROM events ORDER BY version")
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
