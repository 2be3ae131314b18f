/**
 * The one base of every Durable Object here: the object's SQLite handle and its schema,
 * created when the object starts. An object's tables live with it (there is no migration
 * step outside the object), so each class lists its `CREATE TABLE IF NOT EXISTS`
 * statements and the base runs them before any call reaches the object. Aggregates
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
import { meterEnv } from "../lib/metrics";

export abstract class StoredObject<TEnv> extends DurableObject<TEnv> {
  protected readonly sql: SqlStorage;

  protected constructor(ctx: DurableObjectState, env: TEnv, schema: readonly string[]) {
    super(ctx, env);
    meterEnv(env); // development metrics: on when env is a development one
    this.sql = ctx.storage.sql;
    for (const statement of schema) this.sql.exec(statement);
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
