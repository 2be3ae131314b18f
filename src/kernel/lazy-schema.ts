/**
 * An object's tables made on its first write, not when it starts. Every Durable Object here is
 * named by an id a caller may send (a ride's, a rental's, a vehicle's): one made up in the right
 * shape reaches an object that never existed, and a `CREATE TABLE` at its start would store an
 * empty object, for good, for each such GET. Here an object that has no table yet (fresh) keeps its
 * `CREATE … IF NOT EXISTS` statements pending:
 *
 * - a read (`SELECT`, `PRAGMA`) runs as if they were made: in a transaction that makes them, reads,
 *   and is rolled back, so it answers exactly what it would on empty tables and stores nothing;
 * - the first other statement makes them for real, then runs (in the caller's transaction, if any);
 * - should that transaction be rolled back, the tables go with it: the next statement that finds
 *   no table makes the object fresh again and runs as above.
 *
 * Once the tables exist (a later start finds them) every statement goes straight through.
 */

/** What this module needs of the object's storage (the Workers runtime's, or a test's). */
export interface SchemaStorage {
  sql: SqlStorage;
  transactionSync<T>(work: () => T): T;
}

const READ = /^\s*(SELECT|PRAGMA)\b/i;
const CREATE_IF_MISSING = /^\s*CREATE\s+(UNIQUE\s+)?(TABLE|INDEX)\s+IF\s+NOT\s+EXISTS\b/i;
const NO_TABLE = /no such table/i;
const TABLE_NAME = /^\s*CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+["`]?(\w+)/i;

/** Thrown to roll back a read's transaction (its rows already taken). */
class ReadDone extends Error {}

/**
 * Rows taken out of a cursor, served as one (the read ran in a transaction that is gone).
 *
 * @example
 * taken([{ n: 0 }], ["n"]).one(); // { n: 0 }
 */
function taken<T extends Record<string, SqlStorageValue>>(rows: T[], columnNames: string[], rowsRead = 0): SqlStorageCursor<T> {
  let at = 0;
  const cursor = {
    columnNames,
    rowsRead,
    rowsWritten: 0,
    next: (): IteratorResult<T, undefined> => (at < rows.length ? { done: false, value: rows[at++]! } : { done: true, value: undefined }),
    toArray: () => rows.slice(at),
    one: () => {
      if (rows.length !== 1) throw new Error(`expected exactly one row, got ${rows.length}`);
      return rows[0]!;
    },
    raw: <U extends SqlStorageValue[]>() => rows.map((r) => columnNames.map((c) => r[c]) as U)[Symbol.iterator](),
    [Symbol.iterator]: () => rows.slice(at)[Symbol.iterator](),
  };
  return cursor as unknown as SqlStorageCursor<T>;
}

/**
 * @example
 * const schema = new LazySchema(ctx.storage, ["CREATE TABLE IF NOT EXISTS ride (id TEXT PRIMARY KEY, record TEXT NOT NULL)"]);
 * schema.sql.exec("SELECT record FROM ride").toArray(); // []: nothing stored
 * schema.sql.exec("INSERT INTO ride VALUES (?, ?)", "rd_1", "{}"); // the tables made, then the row
 */
export class LazySchema {
  /** The statements to run before the first write: the constructor's and those run while fresh. */
  private readonly pending: string[];
  private fresh: boolean;
  /** The object's SQL, through this schema: hand it to everything that runs statements. */
  readonly sql: SqlStorage;

  constructor(
    private readonly storage: SchemaStorage,
    schema: readonly string[],
  ) {
    this.pending = [...schema];
    this.fresh = !this.hasTables();
    if (!this.fresh) for (const statement of schema) storage.sql.exec(statement);
    const real = storage.sql;
    this.sql = {
      exec: <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]) => this.exec<T>(query, bindings),
      get databaseSize() {
        return real.databaseSize;
      },
    } as unknown as SqlStorage;
  }

  /** Whether nothing was written yet (no table of ours exists). */
  get isFresh(): boolean {
    return this.fresh;
  }

  /**
   * Whether a table of this schema exists: only its own count, since a part of the object may make
   * a table of its own outside it (the kept history), and the runtime has its own (`_cf_`).
   */
  private hasTables(): boolean {
    const names = this.pending.flatMap((statement) => TABLE_NAME.exec(statement)?.[1] ?? []);
    if (names.length === 0) return false;
    const found = this.storage.sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN (${names.map(() => "?").join(", ")}) LIMIT 1`, ...names);
    return found.toArray().length > 0;
  }

  private exec<T extends Record<string, SqlStorageValue>>(query: string, bindings: unknown[]): SqlStorageCursor<T> {
    if (!this.fresh) {
      try {
        return this.storage.sql.exec<T>(query, ...bindings);
      } catch (error) {
        // The transaction that made the tables was rolled back: fresh again (and the statement run as such).
        if (!NO_TABLE.test(String(error)) || this.hasTables()) throw error;
        this.fresh = true;
      }
    }
    if (CREATE_IF_MISSING.test(query)) {
      if (!this.pending.includes(query)) this.pending.push(query);
      return taken<T>([], []);
    }
    if (READ.test(query)) return this.readAsIfMade<T>(query, bindings);
    this.make();
    return this.storage.sql.exec<T>(query, ...bindings);
  }

  private make(): void {
    for (const statement of this.pending) this.storage.sql.exec(statement);
    this.fresh = false;
  }

  private readAsIfMade<T extends Record<string, SqlStorageValue>>(query: string, bindings: unknown[]): SqlStorageCursor<T> {
    let rows: T[] = [];
    let columns: string[] = [];
    let read = 0;
    try {
      this.storage.transactionSync(() => {
        for (const statement of this.pending) this.storage.sql.exec(statement);
        const cursor = this.storage.sql.exec<T>(query, ...bindings);
        rows = cursor.toArray();
        columns = cursor.columnNames;
        read = cursor.rowsRead;
        throw new ReadDone();
      });
    } catch (error) {
      if (!(error instanceof ReadDone)) throw error;
    }
    return taken(rows, columns, read);
  }
}
