/**
 * Whether a console watches the operators' live map, kept in the views database so that the
 * views worker calls the OpsFeed object only while one does (before, it called it after every
 * batch, watched or not: one object call per batch for nobody).
 *
 * The OpsFeed object holds a lease, a time in D1's own clock, and pushes it forward while a
 * socket watches rides or drivers; the views worker asks whether it is ahead in the same batch
 * as its writes. No change can slip between the two, because D1 runs one transaction at a
 * time: a batch that read no lease committed before the lease was written, so before the
 * snapshot a new console reads after writing it, and that snapshot holds the batch's rows.
 * Only a lease that ran out while a console still watched (the feed's renewals failing for two
 * minutes, the lease holding three from the last one) leaves a gap, which the feed closes with a
 * fresh snapshot once it renews (src/ops-feed/lease-keeper.ts).
 *
 * No row is no console, as in a fresh deployment. The gateway, whose object keeps the lease, is
 * deployed before the views worker (which binds it): an old views worker tells the feed always.
 *
 * The argument needs every read on the primary, in commit order: the snapshot's reads and the
 * views worker's batch go there (no read replicas, no `withSession`); reading the snapshot from a
 * replica would need the lease's bookmark first.
 */
import { sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { drizzle } from "drizzle-orm/d1";
import { opsWatch } from "./schema";

/** The one lease: the live map (ride and driver markers). */
const MARKERS = "markers";

/** How long a renewal holds: three renewals, so that two failing in a row lose nothing. */
export const WATCH_LEASE_S = 180;

/** How often the feed renews while a console watches. */
export const WATCH_RENEW_EVERY_MS = 60_000;

/**
 * The query a batch ends with: one row while the lease is ahead of D1's clock, none otherwise.
 *
 * @example
 * const results = await db.batch([...statements, watchedQuery(db)]);
 * const tell = results[results.length - 1].length > 0;
 */
export function watchedQuery(db: DrizzleD1Database) {
  return db
    .select({ until: opsWatch.until })
    .from(opsWatch)
    .where(sql`${opsWatch.name} = ${MARKERS} AND ${opsWatch.until} > unixepoch()`);
}

/**
 * Pushes the lease `WATCH_LEASE_S` past D1's clock. Answers whether it had run out (or was never
 * kept): a console that watched meanwhile may have missed changes.
 *
 * @example
 * const { lapsed } = await renewWatch(env.VIEWS_DB);
 */
export async function renewWatch(d1: D1Database): Promise<{ lapsed: boolean }> {
  const db = drizzle(d1);
  const [ahead] = await db.batch([
    watchedQuery(db),
    db
      .insert(opsWatch)
      .values({ name: MARKERS, until: sql`unixepoch() + ${WATCH_LEASE_S}` })
      .onConflictDoUpdate({ target: opsWatch.name, set: { until: sql`unixepoch() + ${WATCH_LEASE_S}` } }),
  ]);
  return { lapsed: ahead.length === 0 };
}
