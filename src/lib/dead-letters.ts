import { and, eq, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { retryDelaySeconds } from "./backoff";

/**
 * Dead-letter queues are named `<queue>-dlq`, with the environment's suffix after it
 * outside production (`ride-payments-dlq-staging`). Consumers that serve a queue and
 * its dead letters tell them apart by name, in every environment.
 *
 * @example
 * if (isDeadLetterQueue(batch.queue)) keepForAnOperator(batch);
 */
export function isDeadLetterQueue(queue: string): boolean {
  return /-dlq(?:-[a-z0-9]+)?$/.test(queue);
}

/**
 * Keeps each message of a dead-letter batch (`keep`: in the worker's database, for an
 * operator's replay), acking it once kept. One that could not be kept (the database down, a
 * body `keep` cannot read) is retried alone with back-off, its batch-mates acked as kept: a dead
 * letter is the last copy of its message, and a consumer that threw instead would have the
 * queue retry the whole batch at once and then delete it (every DLQ consumer sets
 * `max_retries`, test/config.unit.test.ts).
 *
 * @example
 * if (isDeadLetterQueue(batch.queue)) return keepEachLetter(batch, (m) => ledger.deadLetter({ id: m.id, body: m.body }));
 */
export async function keepEachLetter<T>(batch: MessageBatch<T>, keep: (message: Message<T>) => Promise<void>): Promise<void> {
  for (const message of batch.messages) {
    try {
      await keep(message);
      message.ack();
    } catch (error) {
      console.error(JSON.stringify({ msg: "dead letter not stored; will retry", queue: batch.queue, id: message.id, error: String(error) }));
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** Where an operators' list of dead letters stopped: the last item's receipt time and id. */
export type LetterCursor = { receivedAt: string; id: string };

/**
 * The rows after `after` in a newest-first list of dead letters (received time, then id,
 * both descending); everything when there is no cursor.
 *
 * @example
 * db.select().from(t).where(newestFirstAfter(t.receivedAt, t.id, cursor)).orderBy(desc(t.receivedAt), desc(t.id));
 */
export function newestFirstAfter(receivedAt: SQLiteColumn, id: SQLiteColumn, after: LetterCursor | null | undefined): SQL | undefined {
  return after ? or(lt(receivedAt, after.receivedAt), and(eq(receivedAt, after.receivedAt), lt(id, after.id))) : undefined;
}

/**
 * A kept message's body as JSON, or the text itself when it is not JSON (an operator still reads it).
 *
 * @example
 * parseLetterBody('{"kind":"ride.events"}'); // { kind: "ride.events" }
 */
export function parseLetterBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/**
 * How many of a table's dead letters wait for a replay (no `replayedAt`): the operators' figures.
 *
 * @example
 * const open = await countOpenLetters(env.VIEWS_DB, viewDeadLetters, viewDeadLetters.replayedAt);
 */
export async function countOpenLetters(d1: D1Database, table: SQLiteTable, replayedAt: SQLiteColumn): Promise<number> {
  const [row] = await drizzle(d1)
    .select({ n: sql<number>`count(*)` })
    .from(table)
    .where(isNull(replayedAt));
  return row?.n ?? 0;
}
