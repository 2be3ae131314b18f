/**
 * What an owner's object keeps of the rows the views let go: a rider's rides in the Rider DO,
 * a driver's trips and earnings in the Driver DO. The views (D1, one database) keep a window
 * of days (src/views/window.ts), since every ride's row there would fill a database in days
 * at a city's peak (BENCHMARKS.md, storage); an owner's own history is small and grows only
 * with that owner's rides, so it lives with the owner, written once by the window's run and
 * read by the owner's lists past the window (workers/gateway/own-lists.ts).
 *
 * The tables are made by the first keep, not in the object's constructor (a list read makes none):
 * a Driver DO wakes for every location report, which has no use for them.
 */
import type { ListKey } from "./merge";

/** A ride as kept: its Ride JSON at `version`, unparsed (the list hands it on as it is). */
export interface KeptRide extends ListKey {
  status: string;
  version: number;
  snapshot: string;
}

/** One row of a driver's earnings (a settled fare, or a refund's negative row): rows never change. */
export interface KeptEarning extends ListKey {
  rideId: string;
  fare: number;
  commission: number;
  earning: number;
  currency: string;
}

/** Which rows a list page wants: after `before` (a cursor's key; null: from the newest), at most `limit`. */
export interface KeptQuery {
  before: ListKey | null;
  limit: number;
}

const TABLES = [
  `CREATE TABLE IF NOT EXISTS kept_rides (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL,
     version INTEGER NOT NULL, snapshot TEXT NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS kept_rides_by_created ON kept_rides (created_at, id)",
  `CREATE TABLE IF NOT EXISTS kept_earnings (id TEXT PRIMARY KEY, ride_id TEXT NOT NULL, created_at TEXT NOT NULL,
     fare INTEGER NOT NULL, commission INTEGER NOT NULL, earning INTEGER NOT NULL, currency TEXT NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS kept_earnings_by_created ON kept_earnings (created_at, id)",
];

/** Rows after `before`, newest first: the SQL and its values (the cursor's key twice). */
function after(before: ListKey | null): [string, string[]] {
  return before ? ["(created_at < ? OR (created_at = ? AND id < ?))", [before.createdAt, before.createdAt, before.id]] : ["1 = 1", []];
}

/**
 * An owner's kept history over its object's SQLite.
 *
 * @example
 * const history = new KeptHistory(ctx.storage.sql);
 * history.keepRides([{ id, createdAt, status: "completed", version: 9, snapshot }]);
 * history.rides({ before: null, limit: 21 });
 */
export class KeptHistory {
  private ready = false;

  constructor(private readonly storage: SqlStorage) {}

  /**
   * Makes the tables if this object has none yet. Called outside any transaction: tables made
   * in one that rolls back would be gone while this object believed them made.
   */
  ensureTables(): void {
    if (this.ready) return;
    for (const statement of TABLES) this.storage.exec(statement);
    this.ready = true;
  }

  private get sql(): SqlStorage {
    this.ensureTables();
    return this.storage;
  }

  /**
   * Whether this object was ever handed anything: a list read on an object that was not (a new
   * rider's) answers nothing without making the tables, which would be a write on a read.
   */
  private kept(): boolean {
    this.ready ||= this.storage.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kept_rides'").toArray().length > 0;
    return this.ready;
  }

  /** Keeps rides; a ride kept twice keeps its newest version (a run that died before its delete sends them again). */
  keepRides(rides: readonly KeptRide[]): void {
    for (const r of rides) {
      this.sql.exec(
        `INSERT INTO kept_rides (id, created_at, status, version, snapshot) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version, snapshot = excluded.snapshot
         WHERE excluded.version > kept_rides.version`,
        r.id,
        r.createdAt,
        r.status,
        r.version,
        r.snapshot,
      );
    }
  }

  /** Kept rides newest first, of one status if asked. */
  rides(query: KeptQuery & { status?: string }): KeptRide[] {
    if (!this.kept()) return [];
    const [where, values] = after(query.before);
    const status = query.status ? "status = ?" : "1 = 1";
    type Row = { id: string; created_at: string; status: string; version: number; snapshot: string };
    return this.sql
      .exec<Row>(
        `SELECT id, created_at, status, version, snapshot FROM kept_rides WHERE ${where} AND ${status}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
        ...values,
        ...(query.status ? [query.status] : []),
        query.limit,
      )
      .toArray()
      .map((r) => ({ id: r.id, createdAt: r.created_at, status: r.status, version: r.version, snapshot: r.snapshot }));
  }

  /** Keeps earnings rows; a row kept twice is kept once (they never change). */
  keepEarnings(rows: readonly KeptEarning[]): void {
    for (const e of rows) {
      this.sql.exec(
        `INSERT INTO kept_earnings (id, ride_id, created_at, fare, commission, earning, currency) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
        e.id,
        e.rideId,
        e.createdAt,
        e.fare,
        e.commission,
        e.earning,
        e.currency,
      );
    }
  }

  /**
   * Kept earnings newest first; the sum of those kept created before `sumBefore` (the views'
   * mark as the caller read it, with the views' own sum: a row a later run kept after that read
   * is in the caller's sum already); and the sum of those among `alsoInViews` (rows the views
   * still held too, kept but not yet deleted there), which the caller takes away. So no row
   * counts twice, nor none.
   */
  earnings(query: KeptQuery & { alsoInViews: readonly string[]; sumBefore: string }): { items: KeptEarning[]; total: number; counted: number } {
    if (!this.kept()) return { items: [], total: 0, counted: 0 };
    const [where, values] = after(query.before);
    type Row = { id: string; ride_id: string; created_at: string; fare: number; commission: number; earning: number; currency: string };
    const items = this.sql
      .exec<Row>(`SELECT * FROM kept_earnings WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?`, ...values, query.limit)
      .toArray()
      .map((r) => ({ id: r.id, rideId: r.ride_id, createdAt: r.created_at, fare: r.fare, commission: r.commission, earning: r.earning, currency: r.currency }));
    const sum = (clause: string, ...bound: string[]) =>
      this.sql.exec<{ total: number }>(`SELECT coalesce(sum(earning), 0) AS total FROM kept_earnings ${clause}`, ...bound).one().total;
    const counted = query.alsoInViews.length === 0 ? 0 : sum("WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify(query.alsoInViews));
    return { items, total: sum("WHERE created_at < ?", query.sumBefore), counted };
  }
}
