/**
 * Many named timers over a Durable Object's single alarm. The DO keeps a small
 * table of due times and arms the alarm for the earliest; the alarm runs every
 * timer that is due. Handlers must tolerate running twice (an alarm can be retried
 * after a crash), so each one re-checks the state it acts on.
 */
import { count } from "./metrics";

export interface DueTimer {
  name: string;
  dueAt: number;
  payload: string | null;
}

/** The longest wait before a failing timer runs again. */
export const TIMER_RETRY_MAX_MS = 30_000;

/**
 * How long a timer that failed `failures` times in a row waits before it runs again: 1 s, 2 s,
 * 4 s … at most `TIMER_RETRY_MAX_MS`. Every ride, driver and rental whose timers call a
 * dependency that is down would otherwise call it every second, each one an alarm and an
 * error line, while the dependency tries to come back; 30 s at most keeps a recovered one's
 * deadlines (a dispatch outcome within a minute) close.
 *
 * @example
 * timers.set(name, Date.now() + timerRetryMs(3)); // in 4 s
 */
export function timerRetryMs(failures: number): number {
  return Math.min(TIMER_RETRY_MAX_MS, 1000 * 2 ** Math.max(0, failures - 1));
}

/**
 * The failures in a row of each timer, in memory (a new instance starts at none). A failure
 * counts as one more in a row only when the run was the retry this put back: a timer a commit
 * set anew (a new offer, a new deadline) starts again at 1 s, not at the old one's 30 s.
 *
 * @example
 * const { failures, at } = retries.failed(name, ranDueAt, timers.dueAt(name), Date.now());
 * timers.set(name, at);
 */
export class TimerRetries {
  private readonly put = new Map<string, { failures: number; at: number }>();

  /**
   * A run of `name` (due at `ranDueAt`) threw; `leftAt` is where its handler left the timer.
   * Answers the failures in a row and when to run it again: after `timerRetryMs`, or sooner
   * where the handler had moved it sooner before it threw.
   */
  failed(name: string, ranDueAt: number | null, leftAt: number | null, now: number): { failures: number; at: number } {
    const before = this.put.get(name);
    const failures = before && before.at === ranDueAt ? before.failures + 1 : 1;
    const retry = now + timerRetryMs(failures);
    const at = leftAt !== null && leftAt !== ranDueAt ? Math.min(leftAt, retry) : retry;
    this.put.set(name, { failures, at });
    return { failures, at };
  }

  /** A run of `name` ended well. */
  succeeded(name: string): void {
    this.put.delete(name);
  }
}

/**
 * @example
 * const timers = new SqliteTimers(ctx.storage.sql);
 * timers.set("offer-expiry", Date.now() + 15_000, "d1");
 * await ctx.storage.setAlarm(timers.nextDueAt()!);
 */
export class SqliteTimers {
  /** How many times each timer was set by this instance (`writes`): a timer set again to the very time it had is still set again. */
  private readonly written = new Map<string, number>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS timers (name TEXT PRIMARY KEY, due_at INTEGER NOT NULL, payload TEXT)");
  }

  /** Sets (or moves) a timer. */
  set(name: string, dueAt: number, payload: string | null = null): void {
    this.written.set(name, this.writes(name) + 1);
    this.sql.exec(
      "INSERT INTO timers (name, due_at, payload) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload",
      name,
      dueAt,
      payload,
    );
  }

  /**
   * How many times this instance set `name`: a handler that ran it compares the count before and
   * after to tell "set again" (keep it) from "left as it was" (clear it), even when set again to
   * the same time (a retry computed from a clock that had not moved: Workers advance it on I/O).
   */
  writes(name: string): number {
    return this.written.get(name) ?? 0;
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

/**
 * The object's one alarm, set only when it would move. Every commit re-arms it, and many
 * re-arm it where it already is (a relay that leaves the earliest timer as it was); each set is
 * a write of its own (measured: 3.6 of an unserved ride's 11 sets were to the same time).
 *
 * What this instance set is known to be pending until the alarm runs (`fired`: the runtime
 * clears it after the handler unless the handler sets it again) or is deleted (`clear`). The
 * alarm is read back with `getAlarm()` only when the instance starts (`load`), before any run of
 * its own; after that, never (it may still report one that is running). A set that fails is
 * forgotten, so the next one is made.
 *
 * @example
 * const alarm = new Alarm(ctx.storage);
 * await alarm.arm(timers.nextDueAt()); // sets
 * await alarm.arm(timers.nextDueAt()); // nothing moved: no write
 */
export class Alarm {
  private armedAt: number | null = null;
  /** Between `fired` and `ended`: the run arms the alarm itself at its end. */
  private running = false;
  constructor(private readonly storage: Pick<DurableObjectStorage, "setAlarm" | "deleteAlarm" | "getAlarm">) {}

  /**
   * Takes the time the storage holds as armed (an object starting again, before its first arm):
   * a read, so that waking an object (a socket's ping, a call) re-arms nothing that is armed already.
   */
  async load(): Promise<void> {
    if (this.armedAt === null && !this.running) this.armedAt = await this.storage.getAlarm();
  }

  /** Arms the alarm at `at` unless it is armed there already; null leaves it as it is. */
  async arm(at: number | null): Promise<void> {
    if (at === null || at === this.armedAt) return;
    // During a run, a time already due is the run's to arm when it ends (its timer is cleared after its handler, so
    // a commit inside the handler still sees it): writing it now would move the alarm there and back.
    if (this.running && at <= Date.now()) return;
    // Known before the write is awaited: a second arm meanwhile compares with what is being set (sets apply in order).
    this.armedAt = at;
    count("alarm-writes");
    try {
      await this.storage.setAlarm(at);
    } catch (error) {
      this.armedAt = null;
      throw error;
    }
  }

  /** The alarm is running: once its handler ends it is gone unless set again. */
  fired(): void {
    this.armedAt = null;
    this.running = true;
  }

  /** The run is over but for its last arm, which is written whenever it is due. */
  ended(): void {
    this.running = false;
  }

  /** Deletes the alarm. */
  async clear(): Promise<void> {
    this.armedAt = null;
    count("alarm-writes");
    await this.storage.deleteAlarm();
  }
}
