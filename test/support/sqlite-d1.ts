/**
 * A D1 database over Node's built-in SQLite (`node:sqlite`), with a schema from a
 * migrations folder: lets Node unit tests run code that takes a D1 binding (the payment
 * ledger, through drizzle) against real SQL, without workerd. It implements what drizzle's
 * D1 driver and plain `prepare().bind().all()` use; nothing else.
 *
 * The Node modules are imported by name at run time so that the file type-checks in the
 * Workers program too (which has no Node types); it runs in Node only.
 */

interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  setReturnArrays(enabled: boolean): void;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
}

/** D1 binds at most this many values to one statement (its published limit). */
export const D1_MAX_BOUND_VALUES = 100;

/** The subset of D1's prepared statement this stand-in answers. */
export interface D1LikeStatement {
  bind(...values: unknown[]): D1LikeStatement;
  all<T = Record<string, unknown>>(): Promise<{ results: T[]; success: true; meta: { changes: number } }>;
  raw<T = unknown[]>(): Promise<T[]>;
  run(): Promise<{ results: []; success: true; meta: { changes: number } }>;
  first<T = Record<string, unknown>>(column?: string): Promise<T | null>;
}

export interface D1Like {
  prepare(sql: string): D1LikeStatement;
  batch(statements: D1LikeStatement[]): Promise<{ results: unknown[]; meta: { changes: number } }[]>;
  exec(sql: string): Promise<{ count: number; duration: number }>;
}

/** Each statement's synchronous run, for batch(). */
const runNow = new WeakMap<D1LikeStatement, () => { results: unknown[]; meta: { changes: number } }>();

const totalChanges = (db: SqliteDatabase) => Number((db.prepare("SELECT total_changes() AS n").all()[0] as { n: number | bigint }).n);

function statement(db: SqliteDatabase, sql: string, params: unknown[]): D1LikeStatement {
  const prepared = (arrays: boolean) => {
    const s = db.prepare(sql);
    s.setReturnArrays(arrays);
    return s;
  };
  // Rows changed, as D1 reports them for a write run with all() (in a batch, say).
  const allNow = <T>() => {
    const before = totalChanges(db);
    const results = prepared(false).all(...params) as T[];
    return { results, success: true as const, meta: { changes: totalChanges(db) - before } };
  };
  const self: D1LikeStatement = {
    bind: (...values) => {
      // D1's limit, which Node's SQLite (32,766) would not enforce: code that binds more fails here as it would there.
      if (values.length > D1_MAX_BOUND_VALUES) throw new Error(`D1_ERROR: too many SQL variables: ${values.length} bound, D1 allows ${D1_MAX_BOUND_VALUES}`);
      return statement(db, sql, values);
    },
    all: async <T>() => allNow<T>(),
    raw: async <T>() => prepared(true).all(...params) as T[],
    run: async () => ({ results: [] as [], success: true as const, meta: { changes: Number(prepared(false).run(...params).changes) } }),
    first: async <T>(column?: string) => {
      const row = prepared(false).all(...params)[0] as Record<string, unknown> | undefined;
      if (!row) return null;
      return (column === undefined ? row : (row[column] ?? null)) as T | null;
    },
  };
  runNow.set(self, allNow);
  return self;
}

/** A drizzle-kit migration's statements, as wrangler applies them one by one. */
const statementsOf = (migration: string) => migration.split("--> statement-breakpoint").filter((part) => part.trim());

/**
 * A fresh in-memory database with every migration of `migrationsDir` (relative to the
 * working directory, the repository root under vitest) applied in order; with `before`, only
 * the migrations whose file name sorts before it (to test a migration over older rows).
 *
 * @example
 * const d1 = (await sqliteD1("migrations/payments")) as unknown as D1Database;
 * const ledger = new Ledger(d1);
 */
export async function sqliteD1(migrationsDir: string, options: { before?: string } = {}): Promise<D1Like> {
  const sqliteModule = "node:sqlite";
  const fsModule = "node:fs";
  const { DatabaseSync } = (await import(/* @vite-ignore */ sqliteModule)) as { DatabaseSync: new (path: string) => SqliteDatabase };
  const fs = (await import(/* @vite-ignore */ fsModule)) as { readdirSync(dir: string): string[]; readFileSync(path: string, encoding: "utf8"): string };
  const db = new DatabaseSync(":memory:");
  for (const file of fs
    .readdirSync(migrationsDir)
    .filter((f) => f.endsWith(".sql") && (options.before === undefined || f < options.before))
    .sort()) {
    for (const part of statementsOf(fs.readFileSync(`${migrationsDir}/${file}`, "utf8"))) db.exec(part);
  }
  const d1: D1Like = {
    prepare: (sql) => statement(db, sql, []),
    // All statements at once, with no await in between: D1 runs a batch as one transaction,
    // and another batch must not begin inside this one.
    batch: async (statements) => {
      db.exec("BEGIN");
      try {
        const results = statements.map((s) => {
          const now = runNow.get(s);
          if (!now) throw new Error("a statement of another database in the batch");
          return now();
        });
        db.exec("COMMIT");
        return results;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
    exec: async (sql) => {
      db.exec(sql);
      return { count: 1, duration: 0 };
    },
  };
  return d1;
}

/**
 * Applies one migration file of `migrationsDir` to a database `sqliteD1` made (with `before`
 * it), statement by statement as wrangler does: to test a migration over rows written before it.
 *
 * @example
 * const d1 = await sqliteD1("migrations/payments", { before: "0007_payout_told.sql" });
 * await applyMigration(d1, "migrations/payments", "0007_payout_told.sql");
 */
export async function applyMigration(d1: D1Like, migrationsDir: string, file: string): Promise<void> {
  const fsModule = "node:fs";
  const fs = (await import(/* @vite-ignore */ fsModule)) as { readFileSync(path: string, encoding: "utf8"): string };
  for (const part of statementsOf(fs.readFileSync(`${migrationsDir}/${file}`, "utf8"))) await d1.exec(part);
}

/**
 * SQLite's plan for `query` with `params` bound: its steps' details, one a line (to assert which
 * index a query reads by, and that it walks no growing table).
 *
 * @example
 * expect(await queryPlan(db, OPEN_RIDES, [5000])).toMatch(/USING INDEX rides_open/);
 */
export async function queryPlan(db: D1Like, query: string, params: unknown[] = []): Promise<string> {
  const { results } = await db
    .prepare(`EXPLAIN QUERY PLAN ${query}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}
