/**
 * Retiring the notification tables the views database kept before the notification database
 * had them (expand, then contract: src/views/schema.ts). Nothing writes them any more; until a
 * later migration drops them, the gateway's ten-minute cron empties them: the old delivery log by
 * the same retention as the new one, and the old dead letters, which an operator still has to
 * see, moved into the notification database a few at a time. Delete this file, and its call, in
 * the release whose views migration drops the tables: a cron that prunes a dropped table fails.
 */
import { pruneDeliveries } from "./retention";

/** Old log rows one run deletes at most: the old log grew at most this fast (5,000 a ten-minute run was its own retention's bound). */
export const OLD_LOG_PRUNE_MAX_ROWS = 5_000;
/** Old dead letters one run moves: each keeps its message's body, so a few at a time. */
export const DEAD_LETTERS_A_MOVE = 50;

const COLUMNS = "id, event_id, ride_id, body, reason, received_at";

/**
 * Moves up to `DEAD_LETTERS_A_MOVE` dead letters from the views into the notification database:
 * copied first (a letter already there is kept as it is), then deleted from the views. A run that
 * dies between the two leaves a letter in both, and the next run copies nothing new and deletes it.
 *
 * @example
 * const moved = await moveOldDeadLetters(env.VIEWS_DB, env.NOTIFICATIONS_DB);
 */
export async function moveOldDeadLetters(views: D1Database, notifications: D1Database): Promise<number> {
  const { results } = await views
    .prepare(`SELECT ${COLUMNS} FROM notification_dead_letters ORDER BY received_at LIMIT ?`)
    .bind(DEAD_LETTERS_A_MOVE)
    .all<{ id: string; event_id: string; ride_id: string; body: string; reason: string; received_at: string }>();
  if (results.length === 0) return 0;
  await notifications.batch(
    results.map((l) =>
      notifications
        .prepare(`INSERT OR IGNORE INTO notification_dead_letters (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`)
        .bind(l.id, l.event_id, l.ride_id, l.body, l.reason, l.received_at),
    ),
  );
  await views
    .prepare(`DELETE FROM notification_dead_letters WHERE id IN (${results.map(() => "?").join(", ")})`)
    .bind(...results.map((l) => l.id))
    .run();
  return results.length;
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
