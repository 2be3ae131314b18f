/**
 * The transactional outbox of a Durable Object. Messages are written in the same
 * storage transaction as the state change that caused them, then relayed to the
 * queues. A failed send leaves them in place and the caller re-arms the alarm, so
 * no state change is ever without its messages (at-least-once; consumers dedupe).
 */
import type { QueueName } from "../domain/events";
import { count } from "./metrics";
import type { SqliteTimers } from "./timers";

export interface OutboxRow {
  seq: number;
  queue: QueueName;
  body: string;
  attempts: number;
}

/** Sends bodies to one queue; throws when the queue cannot take them. */
export type QueueSender = (queue: QueueName, bodies: unknown[]) => Promise<void>;

/** `?, ?, …` for `n` bound values of an `IN (…)` list. */
const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(",");

/** Delay before the n-th retry of a failed send: 0.5 s doubling, at most a minute. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000, 500 * 2 ** Math.max(0, attempts - 1));
}

/**
 * The outbox table in a Durable Object's SQLite.
 *
 * @example
 * const outbox = new SqliteOutbox(ctx.storage.sql);
 * ctx.storage.transactionSync(() => { saveState(); outbox.add("ride-events", msg); });
 * const { retryAt } = await outbox.relay(send, Date.now());
 */
export class SqliteOutbox {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      queue TEXT NOT NULL,
      body TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0)`);
  }

  /** Adds a message; call inside the transaction that changes the state. */
  add(queue: QueueName, body: unknown): void {
    this.sql.exec("INSERT INTO outbox (queue, body) VALUES (?, ?)", queue, JSON.stringify(body));
  }

  /**
   * Every row, in order. `next_attempt_at` is not read: a commit's relay sends a failing queue's
   * rows again with its own (its messages must not pass them), so only the `outbox` timer keeps
   * the back-off; the column says when the alarm will try, for whoever reads the table.
   */
  pending(): OutboxRow[] {
    return this.sql
      .exec<{ seq: number; queue: QueueName; body: string; attempts: number }>("SELECT seq, queue, body, attempts FROM outbox ORDER BY seq")
      .toArray();
  }

  size(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
  }

  /**
   * Sends everything pending, queue by queue in order. Sent rows are deleted; a
   * queue whose send fails keeps its rows with one more attempt counted.
   * Returns when the next attempt is due (null when the outbox is empty).
   *
   * The sent rows of every queue are deleted together once all the sends have ended: each
   * write after an await is a storage transaction of its own (with its flush to disk, on the
   * object's one thread), and a commit's messages usually go to two or three queues. An
   * instance that dies after one queue took its messages and before the delete sends them
   * again on its next start, as it would have between a send and its own delete: consumers
   * dedupe.
   */
  async relay(send: QueueSender, now: number): Promise<{ sent: number; failed: number; retryAt: number | null }> {
    const rows = this.pending();
    const byQueue = new Map<QueueName, OutboxRow[]>();
    for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
    let sent = 0,
      failed = 0;
    let retryAt: number | null = null;
    const delivered: number[] = [];
    // Queues are independent: send to all of them at once; within a queue, in order.
    await Promise.all(
      [...byQueue].map(async ([queue, group]) => {
        // Queues take at most 100 messages per batch.
        for (let i = 0; i < group.length; i += 100) {
          const chunk = group.slice(i, i + 100);
          try {
            await send(
              queue,
              chunk.map((r) => JSON.parse(r.body) as unknown),
            );
            delivered.push(...chunk.map((r) => r.seq));
            sent += chunk.length;
            count(`queue:sent:${queue}`, chunk.length);
          } catch (error) {
            const attempts = Math.max(...chunk.map((r) => r.attempts)) + 1;
            // From the failure, not the relay's start: a send that hung for its bound (10 s) would else be retried at once.
            const at = Math.max(now, Date.now()) + retryDelayMs(attempts);
            this.sql.exec(
              `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE seq IN (${placeholders(chunk.length)})`,
              at,
              ...chunk.map((r) => r.seq),
            );
            console.warn(JSON.stringify({ msg: "outbox send failed", queue, attempts, error: String(error) }));
            failed += group.length - i;
            retryAt = retryAt === null ? at : Math.min(retryAt, at);
            return;
          }
        }
      }),
    );
    // At most 100 bound parameters a statement, as for the batches; all in the same transaction.
    for (let i = 0; i < delivered.length; i += 100) {
      const seqs = delivered.slice(i, i + 100);
      this.sql.exec(`DELETE FROM outbox WHERE seq IN (${placeholders(seqs.length)})`, ...seqs);
    }
    return { sent, failed, retryAt };
  }
}

/** How long after a commit the alarm relays its messages if the relay right after it did not, when no other timer is set. */
export const RELAY_FALLBACK_MS = 2000;

/**
 * Whether unsent messages need the `outbox` timer as their fallback: only when the object
 * has no timer at all. Any timer starts the object again (its alarm), every call to it
 * does too, and a start relays what a dead instance left; so the fallback is written only
 * where nothing else would ever start the object (a ride that just ended, a driver).
 * Messages of an instance that died between its commit and its relay then wait for the
 * object's next start instead of 2 s: for a ride in a trip, the driver's next step, the
 * views' repair sweep asking it (`VIEWS_REPAIR_AFTER_S`), or its `stale` timer.
 *
 * @example
 * needsRelayFallback(null, () => outbox.size() > 0); // true if anything is unsent: nothing else would start the object
 * needsRelayFallback(Date.now() + 60_000, () => true); // false: the timer a minute away will
 */
export function needsRelayFallback(nextTimerAt: number | null, unsent: () => boolean): boolean {
  return nextTimerAt === null && unsent();
}

/**
 * When the object must start next: its earliest timer, after writing the relay's fallback
 * (`outbox`, `RELAY_FALLBACK_MS` ahead) if `unsent` messages have no timer to start the object.
 *
 * @example
 * await alarm.arm(nextWake(timers, Date.now(), () => outbox.size() > 0));
 */
export function nextWake(timers: Pick<SqliteTimers, "nextDueAt" | "set">, now: number, unsent: () => boolean): number | null {
  const next = timers.nextDueAt();
  if (!needsRelayFallback(next, unsent)) return next;
  timers.set("outbox", now + RELAY_FALLBACK_MS);
  return now + RELAY_FALLBACK_MS;
}

/**
 * Relays the outbox and keeps its `outbox` timer true to what is left: cleared once it
 * is empty, at the retry when a queue failed, at the fallback when the relay itself
 * broke. Never throws. The caller arms its alarm after.
 *
 * @example
 * await relayOutbox(outbox, timers, send, Date.now()); await armAlarm();
 */
export async function relayOutbox(outbox: SqliteOutbox, timers: SqliteTimers, send: QueueSender, now: number): Promise<void> {
  try {
    const { retryAt } = await outbox.relay(send, now);
    if (retryAt !== null) timers.set("outbox", retryAt);
    else if (outbox.size() === 0) timers.clear("outbox");
  } catch (error) {
    timers.set("outbox", Date.now() + RELAY_FALLBACK_MS);
    console.error(JSON.stringify({ msg: "outbox relay failed", error: String(error) }));
  }
}
