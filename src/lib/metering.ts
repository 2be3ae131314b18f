/**
 * The counting wrappers of the development metrics (src/lib/metrics.ts): a Durable Object
 * stub whose every call counts as `do:BINDING:name:method`, a D1 database whose write
 * statements count, a queue whose sends count, and `meterBatch`, the one line at the top of
 * each worker's `queue()` that counts the run and wraps its environment's D1 and queue
 * bindings. Each returns what it was given, untouched, when metrics are off.
 *
 * @example
 * async queue(batch, env) {
 *   env = meterBatch(env, "views", batch);
 *   await project(env.VIEWS_DB, batch.messages.map((m) => m.body)); // D1 writes counted
 * }
 */
import { bindingOf, count, meterEnv, metrics, metricsOn } from "./metrics";

/**
 * Properties of a stub that are no call: its id and name, `then` (which must stay undefined for
 * `await`), and what tools read to recognise a stub (`constructor.name`, as the vitest pool does).
 */
const NOT_CALLS = new Set(["id", "name", "then", "constructor", "toString", "toJSON", "valueOf"]);
/** A dispatch cell's writes (listing, moving, renewing, removing a driver), also counted per cell as `cell-writes:NAME` (never dropped). */
const CELL_WRITES = new Set(["upsert", "remove"]);

/**
 * `stub`, counting each method call under `do:BINDING:name:method` (RPC and `fetch` alike).
 *
 * @example
 * return countedStub(stub, ns, name); // in stubFor, the one place objects are named
 */
export function countedStub<S extends object>(stub: S, ns: object, name: string): S {
  if (!metricsOn()) return stub;
  const binding = bindingOf(ns);
  const prefix = `do:${binding}:${name}:`;
  return new Proxy(stub, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof prop !== "string" || NOT_CALLS.has(prop) || value === undefined) return value;
      return (...args: unknown[]) => {
        count(prefix + prop);
        if (binding === "DISPATCH_CELL" && CELL_WRITES.has(prop)) count(`cell-writes:${name}`);
        return (target as Record<string, (...a: unknown[]) => unknown>)[prop]!(...args);
      };
    },
  });
}

const WRITE = /^\s*(insert|update|delete|replace)\b/i;
type Meta = { meta?: { rows_written?: number; duration?: number } };
const rowsOf = (result: unknown) => (result as Meta | null)?.meta?.rows_written ?? 0;
/** How long D1 took to run it (`meta.duration`, ms): a database runs one query at a time, so this is its busy time. */
const msOf = (result: unknown) => (result as Meta | null)?.meta?.duration ?? 0;
/** The SQL of a statement: workerd's D1PreparedStatement keeps it in a public `statement` field. */
const sqlOf = (st: D1PreparedStatement) => (st as unknown as { statement: string }).statement;

/**
 * `db`, counting its writes: `d1:BINDING:statements` (each INSERT, UPDATE, DELETE),
 * `d1:BINDING:transactions` (each `batch` holding a write, or each write run on its own),
 * `d1:BINDING:rows` (`meta.rows_written`) and `d1:BINDING:ms` (`meta.duration`, the database's
 * busy time); and a read alone (a statement or `batch` with no write) as `d1:BINDING:reads` and
 * `d1:BINDING:readMs`, since the database is busy with it too.
 */
export function countedD1(db: D1Database, binding: string): D1Database {
  const counted = (statements: readonly string[], rows: number, ms: number) => {
    const writes = statements.filter((s) => WRITE.test(s)).length;
    if (writes === 0) {
      count(`d1:${binding}:reads`);
      if (ms > 0) count(`d1:${binding}:readMs`, ms);
      return;
    }
    count(`d1:${binding}:statements`, writes);
    count(`d1:${binding}:transactions`);
    if (rows > 0) count(`d1:${binding}:rows`, rows);
    if (ms > 0) count(`d1:${binding}:ms`, ms);
  };
  // Each wrapped statement remembers its real one, which `batch` hands to D1.
  const unwrap = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  const statement = (st: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = new Proxy(st, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop);
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...values: unknown[]) => statement(target.bind(...values));
        if (prop === "run" || prop === "all" || prop === "first" || prop === "raw")
          return async (...args: unknown[]) => {
            const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            counted([sqlOf(target)], rowsOf(result), msOf(result));
            return result;
          };
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    unwrap.set(wrapped, st);
    return wrapped;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => statement(target.prepare(sql));
      if (prop === "batch")
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements.map((s) => unwrap.get(s) ?? s));
          counted(
            statements.map(sqlOf),
            results.reduce((sum, r) => sum + rowsOf(r), 0),
            results.reduce((sum, r) => sum + msOf(r), 0),
          );
          return results;
        };
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `queue`, counting each message sent under `queue:sent:NAME`. */
export function countedQueue<Q extends Queue>(queue: Q, name: string): Q {
  return new Proxy(queue, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      if (prop === "send" || prop === "sendBatch")
        return (body: unknown, options?: unknown) => {
          count(`queue:sent:${name}`, prop === "sendBatch" ? [...(body as Iterable<unknown>)].length : 1);
          return (value as (b: unknown, o?: unknown) => Promise<unknown>).call(target, body, options);
        };
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

/** What a queue name becomes as a counter: its development or staging suffix dropped. */
const queueName = (binding: string) =>
  binding
    .replace(/_QUEUE$/, "")
    .toLowerCase()
    .replaceAll("_", "-");

/**
 * The line at the top of a worker's `queue()`: counts the run (`consumer:WORKER:QUEUE`) and its
 * messages (`consumer-messages:WORKER:QUEUE`), and returns `env` with its D1 databases and queues
 * counting. Off: `env` itself.
 */
export function meterBatch<E extends object>(env: E, worker: string, batch: { queue: string; messages: readonly unknown[] }): E {
  meterEnv(env);
  if (!metricsOn()) return env;
  count(`consumer:${worker}:${batch.queue}`);
  count(`consumer-messages:${worker}:${batch.queue}`, batch.messages.length);
  const metered: Record<string, unknown> = { ...(env as Record<string, unknown>) };
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== "object" || value === null) continue;
    // A service binding is an RPC stub: every property of it looks like a function, `prepare`
    // and `sendBatch` included. It has `fetch`; a D1 database and a queue do not.
    if (typeof (value as { fetch?: unknown }).fetch === "function") continue;
    if (typeof (value as { prepare?: unknown }).prepare === "function" && typeof (value as { batch?: unknown }).batch === "function")
      metered[name] = countedD1(value as D1Database, name);
    else if (typeof (value as { sendBatch?: unknown }).sendBatch === "function") metered[name] = countedQueue(value as Queue, queueName(name));
  }
  return metered as E;
}

/** One line for a worker the gateway cannot ask (views, notification): its totals, in development only. */
export function logMetrics(worker: string): void {
  if (metricsOn()) console.log(JSON.stringify({ msg: "dev metrics", worker, totals: metrics.totalsRecord() }));
}
