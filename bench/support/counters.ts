/**
 * The development counters of a running local system (src/lib/metrics.ts), all workers at once:
 * the gateway's (with every object it hosts) and the payment worker's from `GET /v1/dev/metrics`,
 * the views' and notification's from the last `{"msg":"dev metrics",…}` line each logged (those
 * two workers have no route the gateway can reach). `delta` of two readings is what happened
 * between them; `structure` groups a delta into the figures the benchmarks report.
 *
 * @example
 * const before = await readCounters(system);
 * await runRides();
 * const perRide = scale(structure(delta(await readCounters(system), before)), 1 / rides);
 */
import type { RunningSystem } from "../../test/support/system.ts";

export type Counters = Record<string, number>;

const LOG_LINE = /\{"msg":"dev metrics","worker":"(\w+)","totals":(\{[^{}]*\})\}/g;

/** Every counter of the system, keyed `worker/key` (e.g. `views/d1:VIEWS_DB:statements`). */
export async function readCounters(system: Pick<RunningSystem, "baseUrl" | "logs"> & { logLines?: number }): Promise<Counters> {
  const res = await fetch(`${system.baseUrl}/v1/dev/metrics`);
  if (res.status !== 200) throw new Error(`GET /v1/dev/metrics: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { gateway: { totals: Counters }; payment: { totals: Counters } | null };
  const out: Counters = {};
  const add = (worker: string, totals: Counters) => {
    for (const [key, n] of Object.entries(totals)) out[`${worker}/${key}`] = n;
  };
  add("gateway", body.gateway.totals);
  if (body.payment) add("payment", body.payment.totals);
  const last = new Map<string, Counters>();
  for (const m of system.logs.join("").matchAll(LOG_LINE)) last.set(m[1]!, JSON.parse(m[2]!) as Counters);
  for (const [worker, totals] of last) add(worker, totals);
  if (system.logLines !== undefined) out["output/log-lines"] = system.logLines;
  return out;
}

/** `after − before`, per key, without the keys that did not move. */
export function delta(after: Counters, before: Counters): Counters {
  const out: Counters = {};
  for (const [key, n] of Object.entries(after)) {
    const d = n - (before[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

export interface Structure {
  /** Durable Object calls (RPC and fetch), made from any worker. */
  objectCalls: number;
  /** Alarm runs of aggregates (Ride, Driver, Rider, Rental …). */
  alarms: number;
  /** Alarm writes (set or delete) of aggregates: each a storage write of its own. */
  alarmWrites: number;
  /** Queue messages sent (outbox relays, payment results). */
  messages: number;
  /** Consumer runs (`queue()` invocations), every worker. */
  consumerRuns: number;
  /** D1 write statements, the transactions (batches) they went in, and rows written. */
  d1Statements: number;
  d1Transactions: number;
  d1Rows: number;
  /** Log lines the workers wrote (`RunningSystem.logLines`): each a log event to carry and store. */
  logLines: number;
}

/** The sum of the counters whose key passes `test`. */
export const sumOf = (c: Counters, test: (key: string) => boolean) => Object.entries(c).reduce((s, [k, n]) => (test(k) ? s + n : s), 0);
/** A counter's key without its worker (`views/d1:VIEWS_DB:ms` → `d1:VIEWS_DB:ms`). */
export const keyOf = (k: string) => k.slice(k.indexOf("/") + 1);

export function structure(c: Counters): Structure {
  return {
    objectCalls: sumOf(c, (k) => keyOf(k).startsWith("do:")),
    alarms: sumOf(c, (k) => keyOf(k).startsWith("alarm:")),
    alarmWrites: sumOf(c, (k) => keyOf(k) === "alarm-writes"),
    messages: sumOf(c, (k) => keyOf(k).startsWith("queue:sent:")),
    consumerRuns: sumOf(c, (k) => keyOf(k).startsWith("consumer:")),
    d1Statements: sumOf(c, (k) => /^d1:.*:statements$/.test(keyOf(k))),
    d1Transactions: sumOf(c, (k) => /^d1:.*:transactions$/.test(keyOf(k))),
    d1Rows: sumOf(c, (k) => /^d1:.*:rows$/.test(keyOf(k))),
    logLines: sumOf(c, (k) => keyOf(k) === "log-lines"),
  };
}

/** Every figure (or counter) times `factor`, e.g. 1/n for per-ride figures. */
export function scale<T extends object>(figures: T, factor: number): T {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, (v as number) * factor])) as T;
}
