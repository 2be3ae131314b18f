/**
 * How full a D1 database is, for the operators' figures (`GET /v1/ops/stats`: `storage`) and
 * for an error line on-call can alert on. A D1 database holds at most 10 GB, and a full one
 * refuses every write: the views stop healing and the ledger stops recording money. The
 * capacity model keeps every component under half its limit, so half is where it is
 * reported (BENCHMARKS.md, storage: at a Seoul-size day the views reach it in under a day).
 */

/** Published (Workers Paid): the most a D1 database holds. */
export const D1_DATABASE_LIMIT_BYTES = 10e9;
/** From this share of its limit a database is reported. */
export const DATABASE_ALERT_SHARE = 0.5;

export interface DatabaseSize {
  bytes: number;
  limitBytes: number;
  /** `bytes / limitBytes`. */
  share: number;
}

/**
 * What `databaseSize` needs of a D1 database: structural, since the benchmarks' Node build
 * reads this file's limit and has no Workers types.
 */
type SizedDatabase = { prepare(sql: string): { run(): Promise<{ meta: { size_after?: number } }> } };

/** @example sizeOf(2.5e9); // { bytes: 2.5e9, limitBytes: 1e10, share: 0.25 } */
export function sizeOf(bytes: number): DatabaseSize {
  return { bytes, limitBytes: D1_DATABASE_LIMIT_BYTES, share: bytes / D1_DATABASE_LIMIT_BYTES };
}

/**
 * The database's size now: D1 answers it with every query (`meta.size_after`), so one
 * trivial read is enough.
 *
 * @example
 * const views = await databaseSize(env.VIEWS_DB);
 */
export async function databaseSize(db: SizedDatabase): Promise<DatabaseSize> {
  const result = await db.prepare("SELECT 1").run();
  return sizeOf(result.meta.size_after ?? 0);
}

/**
 * The error line to log when `database` holds `DATABASE_ALERT_SHARE` of its limit or more,
 * else null.
 *
 * @example
 * const line = sizeAlert("views", await databaseSize(env.VIEWS_DB));
 * if (line) console.error(line);
 */
export function sizeAlert(database: string, size: DatabaseSize): string | null {
  if (size.share < DATABASE_ALERT_SHARE) return null;
  return JSON.stringify({ msg: "database above half its size limit", database, ...size });
}
