/**
 * Many named timers over a Durable Object's single alarm. The DO keeps a small
 * table of due times and arms the alarm for the earliest; the alarm runs every
 * timer that is due. Handlers must tolerate running twice (an alarm can be retried
 * after a crash), so each one re-checks the state it acts on.
 */

export interface DueTimer {
  name: string;
  dueAt: number;
  payload: string | null;
}

/**
 * @example
 * const timers = new SqliteTimers(ctx.storage.sql);
 * timers.set("offer-expiry", Date.now() + 15_000, "d1");
 * await ctx.storage.setAlarm(timers.nextDueAt()!);
 */
export class SqliteTimers {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS timers (name TEXT PRIMARY KEY, due_at INTEGER NOT NULL, payload TEXT)");
  }

  /** Sets (or moves) a timer. */
  set(name: string, dueAt: number, payload: string | null = null): void {
    this.sql.exec(
      "INSERT INTO timers (name, due_at, payload) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload",
      name,
      dueAt,
      payload,
    );
  }

  /** When `name` is due, or null when it is not set. */
  dueAt(name: string): number | null {
    return this.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE name = ?", name).toArray()[0]?.due_at ?? null;
  }

  clear(name: string): void {
    this.sql.exec("DELETE FROM timers WHERE name = ?", name);
  }

  /** Timers due at `now`, earliest first. They stay set until cleared by their handler. */
  due(now: number): DueTimer[] {
    return this.sql
      .exec<{ name: string; due_at: number; payload: string | null }>("SELECT name, due_at, payload FROM timers WHERE due_at <= ? ORDER BY due_at", now)
      .toArray()
      .map((r) => ({ name: r.name, dueAt: r.due_at, payload: r.payload }));
  }

  nextDueAt(): number | null {
    const row = this.sql.exec<{ at: number | null }>("SELECT min(due_at) AS at FROM timers").one();
    return row.at ?? null;
  }
}

/** Runs async work one piece at a time, even across awaits (the DO's input gate opens on I/O). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
