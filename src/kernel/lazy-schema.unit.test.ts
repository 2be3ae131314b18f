/** Tables made on the first write (src/kernel/lazy-schema.ts): a read of an object never written stores nothing. */
import { describe, expect, it } from "vitest";
import { LazySchema, type SchemaStorage } from "./lazy-schema";

type Row = Record<string, SqlStorageValue>;
interface NodeStatement {
  all(...params: unknown[]): Row[];
  run(...params: unknown[]): unknown;
  columns(): { name: string }[];
}
interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
}

/** A Durable Object's storage over Node's SQLite: `exec` and nested `transactionSync` (savepoints), as the runtime has them. */
async function nodeStorage(): Promise<SchemaStorage & { tables(): string[] }> {
  const sqliteModule = "node:sqlite";
  const { DatabaseSync } = (await import(/* @vite-ignore */ sqliteModule)) as { DatabaseSync: new (path: string) => NodeDatabase };
  const db = new DatabaseSync(":memory:");
  let depth = 0;
  const exec = (query: string, ...bindings: unknown[]) => {
    const statement = db.prepare(query);
    const names = statement.columns().map((c) => c.name);
    const rows = names.length > 0 ? statement.all(...bindings) : (statement.run(...bindings), []);
    return { toArray: () => rows, one: () => rows[0], columnNames: names, rowsRead: rows.length } as unknown as SqlStorageCursor<Row>;
  };
  return {
    sql: { exec } as unknown as SqlStorage,
    transactionSync<T>(work: () => T): T {
      const savepoint = `s${depth++}`;
      db.exec(`SAVEPOINT ${savepoint}`);
      try {
        const value = work();
        db.exec(`RELEASE ${savepoint}`);
        return value;
      } catch (error) {
        db.exec(`ROLLBACK TO ${savepoint}`);
        db.exec(`RELEASE ${savepoint}`);
        throw error;
      } finally {
        depth -= 1;
      }
    },
    tables: () =>
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all()
        .map((r) => String(r.name)),
  };
}

const RIDE = "CREATE TABLE IF NOT EXISTS ride (id TEXT PRIMARY KEY, record TEXT NOT NULL)";
const TIMERS = "CREATE TABLE IF NOT EXISTS timers (name TEXT PRIMARY KEY, due_at INTEGER NOT NULL)";

describe("LazySchema", () => {
  it("an object never written answers its reads as on empty tables, and stores nothing", async () => {
    const storage = await nodeStorage();
    const schema = new LazySchema(storage, [RIDE]);
    schema.sql.exec(TIMERS); // run at start by a part of the object (the timers): kept pending too
    expect(schema.sql.exec("SELECT record FROM ride LIMIT 1").toArray()).toEqual([]);
    expect(schema.sql.exec<{ n: number }>("SELECT count(*) AS n FROM timers").one().n).toBe(0);
    expect(schema.sql.exec<{ at: number | null }>("SELECT min(due_at) AS at FROM timers").one()).toEqual({ at: null });
    expect(
      schema.sql
        .exec<{ name: string }>("PRAGMA table_info(ride)")
        .toArray()
        .map((c) => c.name),
    ).toEqual(["id", "record"]);
    expect([schema.isFresh, storage.tables()]).toEqual([true, []]);
  });

  it("the first write makes every table, and from then on statements go straight through", async () => {
    const storage = await nodeStorage();
    const schema = new LazySchema(storage, [RIDE]);
    schema.sql.exec(TIMERS);
    schema.sql.exec("INSERT INTO ride VALUES (?, ?)", "rd_1", "{}");
    expect([schema.isFresh, storage.tables()]).toEqual([false, ["ride", "timers"]]);
    expect(schema.sql.exec("SELECT id FROM ride").toArray()).toEqual([{ id: "rd_1" }]);
    // A later start finds the tables: not fresh, its statements run at once.
    expect(new LazySchema(storage, [RIDE]).isFresh).toBe(false);
  });

  it("a first write inside a transaction that is rolled back leaves the object fresh, and the next write makes the tables again", async () => {
    const storage = await nodeStorage();
    const schema = new LazySchema(storage, [RIDE]);
    expect(() =>
      storage.transactionSync(() => {
        schema.sql.exec("INSERT INTO ride VALUES (?, ?)", "rd_1", "{}");
        throw new Error("the commit failed");
      }),
    ).toThrow("the commit failed");
    expect(storage.tables()).toEqual([]);
    expect(schema.sql.exec("SELECT id FROM ride").toArray()).toEqual([]);
    expect(schema.isFresh).toBe(true);
    schema.sql.exec("INSERT INTO ride VALUES (?, ?)", "rd_2", "{}");
    expect(schema.sql.exec("SELECT id FROM ride").toArray()).toEqual([{ id: "rd_2" }]);
  });

  it("a table made outside the schema (the kept history) neither makes the object written nor keeps it from coming back fresh", async () => {
    const storage = await nodeStorage();
    storage.sql.exec("CREATE TABLE kept_rides (id TEXT PRIMARY KEY)");
    const schema = new LazySchema(storage, [RIDE]);
    expect(schema.isFresh).toBe(true);
    expect(() =>
      storage.transactionSync(() => {
        schema.sql.exec("INSERT INTO ride VALUES (?, ?)", "rd_1", "{}");
        throw new Error("the commit failed");
      }),
    ).toThrow("the commit failed");
    // Its first write undone: its reads answer again (before, a table of anyone's counted, and every read failed).
    expect(schema.sql.exec("SELECT record FROM ride").toArray()).toEqual([]);
    expect([schema.isFresh, storage.tables()]).toEqual([true, ["kept_rides"]]);
    expect(new LazySchema(storage, [RIDE]).isFresh).toBe(true);
  });

  it("a read inside the caller's transaction on a fresh object leaves the transaction's own writes alone", async () => {
    const storage = await nodeStorage();
    const schema = new LazySchema(storage, [RIDE, TIMERS]);
    storage.transactionSync(() => {
      schema.sql.exec("INSERT INTO ride VALUES (?, ?)", "rd_1", "{}");
      expect(schema.sql.exec<{ n: number }>("SELECT count(*) AS n FROM timers").one().n).toBe(0);
      schema.sql.exec("INSERT INTO timers VALUES (?, ?)", "dispatch", 5);
    });
    expect(schema.sql.exec("SELECT name FROM timers").toArray()).toEqual([{ name: "dispatch" }]);
  });

  it("an error that is not a missing table is the caller's, and a bad read on a fresh object too", async () => {
    const storage = await nodeStorage();
    const schema = new LazySchema(storage, [RIDE]);
    expect(() => schema.sql.exec("SELECT nope FROM ride")).toThrow(/no such column/);
    schema.sql.exec("INSERT INTO ride VALUES (?, ?)", "rd_1", "{}");
    expect(() => schema.sql.exec("INSERT INTO ride VALUES (?, ?)", "rd_1", "{}")).toThrow(/UNIQUE/);
    expect(() => schema.sql.exec("SELECT * FROM missing")).toThrow(/no such table/);
  });
});
