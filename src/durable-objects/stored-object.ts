/**
 * The one base of every Durable Object here: the object's SQLite handle and its schema. An
 * object's tables live with it (there is no migration step outside the object), so each class
 * lists its `CREATE TABLE IF NOT EXISTS` statements and the base makes them: at once when the
 * object has tables already, else on its first write (`LazySchema`: an object named by a made-up
 * id and only read, a GET of a ride that never was, stores nothing). Aggregates
 * (Ride, Driver) build on it through `AggregateObject`; indexes and adapters (the
 * dispatch cell, the payment simulator and circuit breaker) use it directly.
 *
 * @example
 * export class CounterObject extends StoredObject<Env> {
 *   constructor(ctx: DurableObjectState, env: Env) {
 *     super(ctx, env, ["CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"]);
 *   }
 * }
 */
import { DurableObject } from "cloudflare:workers";
import { LazySchema } from "../kernel/lazy-schema";
import { meterEnv } from "../lib/metrics";

export abstract class StoredObject<TEnv> extends DurableObject<TEnv> {
  /** The object's SQL: every statement goes through here, so that the tables are made on the first write. */
  protected readonly sql: SqlStorage;
  private readonly schema: LazySchema;

  protected constructor(ctx: DurableObjectState, env: TEnv, schema: readonly string[]) {
    super(ctx, env);
    meterEnv(env); // development metrics: on when env is a development one
    this.schema = new LazySchema(ctx.storage, schema);
    this.sql = this.schema.sql;
  }

  /** Nothing written yet: no timer, message, alarm or row of ours can exist. */
  protected get fresh(): boolean {
    return this.schema.isFresh;
  }
}

/**
 * Adds a column to a table an object created before the column existed (`CREATE TABLE
 * IF NOT EXISTS` leaves an existing table as it was). Idempotent: answers whether it
 * added the column, so a caller can fill it in for the rows already there, once.
 *
 * @example
 * if (addColumn(this.sql, "drivers", "listed_until", "INTEGER NOT NULL DEFAULT 0")) this.sql.exec("UPDATE drivers SET listed_until = …");
 */
export function addColumn(sql: SqlStorage, table: string, column: string, definition: string): boolean {
  const columns = sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray();
  if (columns.some((c) => c.name === column)) return false;
  sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  return true;
}
