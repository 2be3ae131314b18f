/**
 * Retiring the notification tables the views database kept before the notification database
 * had them (expand, then contract: src/views/schema.ts). Nothing writes them any more; until a
 * later migration drops them, the gateway's ten-minute cron empties them: the old delivery log by
 * the same retention as the new one, and the old dead letters, which an operator still has to
 * see, moved into the notification database a few at a time. Delete this file, and its call, in
 * the release whose views migration drops the tables: a cron that prunes a dropped table fails.
 */
import { asc, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { pruneDeliveries } from "./retention";
import { legacyNotificationDeadLetters as viewsNotificationDeadLetters } from "../views/schema";
import { notificationDeadLetters } from "./schema";

/** Old log rows one run deletes at most: the old log grew at most this fast (5,000 a ten-minute run was its own retention's bound). */
export const OLD_LOG_PRUNE_MAX_ROWS = 5_000;
/** Old dead letters one run moves: each keeps its message's body, so a few at a time. */
export const DEAD_LETTERS_A_MOVE = 50;

/**
 * Moves up to `DEAD_LETTERS_A_MOVE` dead letters from the views into the notification database
 * (the same table in both, but the replay mark: src/views/schema.ts): copied first (a letter already there is kept as
 * it is), then deleted from the views. A run that dies between the two leaves a letter in both,
 * and the next run copies nothing new and deletes it.
 *
 * @example
 * const moved = await moveOldDeadLetters(env.VIEWS_DB, env.NOTIFICATIONS_DB);
 */
export async function moveOldDeadLetters(views: D1Database, notifications: D1Database): Promise<number> {
  const old = drizzle(views);
  const letters = await old.select().from(viewsNotificationDeadLetters).orderBy(asc(viewsNotificationDeadLetters.receivedAt)).limit(DEAD_LETTERS_A_MOVE);
  const [first, ...rest] = letters;
  if (!first) return 0;
  // One statement a letter: D1 binds at most 100 values a statement, and a letter has 6.
  const db = drizzle(notifications);
  const copy = (letter: typeof first) => db.insert(notificationDeadLetters).values(letter).onConflictDoNothing();
  await db.batch([copy(first), ...rest.map(copy)]);
  await old.delete(viewsNotificationDeadLetters).where(
    inArray(
      viewsNotificationDeadLetters.id,
      letters.map((l) => l.id),
    ),
  );
  return letters.length;
}

/**
 * One ten-minute run's share of the retirement: the old log's rows before `before`, and a few old
 * dead letters moved.
 *
 * @example
 * const { pruned, moved } = await retireViewsLog(env, deliveryCutoff(new Date()));
 */
export async function retireViewsLog(env: { VIEWS_DB: D1Database; NOTIFICATIONS_DB: D1Database }, before: Date): Promise<{ pruned: number; moved: number }> {
  const [pruned, moved] = await Promise.all([
    pruneDeliveries(env.VIEWS_DB, before, OLD_LOG_PRUNE_MAX_ROWS),
    moveOldDeadLetters(env.VIEWS_DB, env.NOTIFICATIONS_DB),
  ]);
  return { pruned, moved };
}
