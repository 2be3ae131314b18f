/**
 * How long the notification delivery log keeps a delivery. The log is what makes a
 * redelivered message not send again, and what an operator reads to answer "did the rider
 * get it?" (`GET /v1/ops/notifications`); after a month it does neither (a queue keeps a
 * message at most 14 days), and it is the largest table a ride leaves in D1: about 1.7 KB
 * (BENCHMARKS.md, storage). Without this the notification database only ever grows towards
 * D1's 10 GB limit.
 */

/**
 * Deliveries created longer ago than this are deleted, unless the gateway's
 * `DELIVERY_LOG_RETENTION_DAYS` var says otherwise (src/config.ts; at least 1 day, which is
 * longer than any redelivery: a message's ten retries take under an hour). A deployment of
 * Seoul's size should keep a day: 30 days of its log would not fit in one D1 database
 * (BENCHMARKS.md, storage).
 */
export const DELIVERY_LOG_RETENTION_DAYS = 30;

/**
 * The retention a `DELIVERY_LOG_RETENTION_DAYS` value sets: its days, or the default when it is
 * missing, not a number, or under a day (a value that would delete rows a redelivery still needs).
 *
 * @example
 * retentionDaysOf("1"); // 1
 * retentionDaysOf("0"); // 30
 */
export function retentionDaysOf(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DELIVERY_LOG_RETENTION_DAYS;
  const days = Number(value);
  return Number.isFinite(days) && days >= 1 ? days : DELIVERY_LOG_RETENTION_DAYS;
}
/** Rows one statement deletes: a D1 statement holds the database while it runs, so many small ones leave room for the consumers' writes. */
export const PRUNE_CHUNK = 500;

/**
 * What `pruneDeliveries` needs of a D1 database: structural, since the benchmarks' Node build
 * reads this file's retention and has no Workers types.
 */
type PrunedDatabase = { prepare(sql: string): { bind(...values: unknown[]): { run(): Promise<{ meta: { changes?: number } }> } } };

/** The cut-off of a prune run at `now`: deliveries created before it go. */
export function deliveryCutoff(now: Date, retentionDays = DELIVERY_LOG_RETENTION_DAYS): Date {
  return new Date(now.getTime() - retentionDays * 86_400_000);
}

/**
 * Deletes deliveries created before `before`, oldest first, in statements of `PRUNE_CHUNK`
 * rows and at most `maxRows` in all (a cron run's bound); answers how many went. A run that
 * stops at the bound leaves the rest to the next run.
 *
 * The log has no index on time: each statement takes the oldest `PRUNE_CHUNK` rows by `seq`
 * (the rowid, the order deliveries were first recorded in) and deletes those among them
 * created before the cut-off. A statement that deletes fewer than it took has reached the
 * cut-off, so a run never scans past it. Clocks of two consumers a few milliseconds apart may
 * record a delivery a little out of order; such a row goes once the rows recorded before it
 * have gone (a run or so later), never lost.
 *
 * @example
 * const pruned = await pruneDeliveries(env.NOTIFICATIONS_DB, deliveryCutoff(new Date()), 5_000);
 */
export async function pruneDeliveries(db: PrunedDatabase, before: Date, maxRows: number): Promise<number> {
  let pruned = 0;
  while (pruned < maxRows) {
    const chunk = Math.min(PRUNE_CHUNK, maxRows - pruned);
    const result = await db
      .prepare(
        `DELETE FROM notification_deliveries
         WHERE seq IN (SELECT seq FROM notification_deliveries ORDER BY seq LIMIT ?2) AND created_at < ?1`,
      )
      .bind(before.getTime(), chunk)
      .run();
    const deleted = result.meta.changes ?? 0;
    pruned += deleted;
    if (deleted < chunk) break;
  }
  return pruned;
}

/**
 * Deletes the dead letters received before `before`, at most `maxRows`: their deliveries are
 * pruned by then, so a replay would refuse them as too old (src/notifications/replay.ts), and
 * an operator could never close them; kept, they would count as open for ever and the table,
 * which holds whole message bodies, would only grow. Answers how many went.
 *
 * @example
 * const gone = await pruneLetters(env.NOTIFICATIONS_DB, deliveryCutoff(new Date()), PRUNE_CHUNK);
 */
export async function pruneLetters(db: PrunedDatabase, before: Date, maxRows: number): Promise<number> {
  const result = await db
    .prepare("DELETE FROM notification_dead_letters WHERE id IN (SELECT id FROM notification_dead_letters WHERE received_at < ?1 LIMIT ?2)")
    .bind(before.toISOString(), maxRows)
    .run();
  return result.meta.changes ?? 0;
}
