/**
 * Development-only counters: what a ride costs in calls, messages and writes, counted where
 * they happen (object stubs, alarms, queue sends, consumer runs, D1 statements) and read back
 * by `GET /v1/dev/metrics` and `npm run bench:cost`. One registry per isolate, module-level:
 * locally the gateway and every object it hosts (Ride, Driver, DispatchCell, Rider) share one
 * isolate, so it sees every ride, driver and cell call; the payment, views and notification
 * workers each keep their own.
 *
 * Keys are `kind:…` strings, for an object call `do:BINDING:name:method`. Each key has a total
 * and per-second buckets over the last `windowS` seconds, from which the hottest objects are
 * ranked (most requests in one second, and the mean over the window). A key idle for longer
 * than the window is dropped from the per-key series; its count stays in `byClass` totals
 * (`do:BINDING:method`), so a long run cannot grow the registry without bound.
 *
 * Off (nothing counted, one boolean test per call) unless `meterEnv` saw ENVIRONMENT=development.
 *
 * @example
 * meterEnv(env); // in an entry point or an object's constructor
 * count("queue:sent:ride-events", 2);
 * metrics.snapshot(Date.now()).totals["queue:sent:ride-events"]; // 2
 */

interface Series {
  total: number;
  /** Second (epoch s) → requests counted in it; only seconds inside the window. */
  buckets: Map<number, number>;
  lastSecond: number;
}

/** One object's rate over the window. */
export interface ObjectRate {
  /** `BINDING:name`, e.g. `RIDE:rd_…` or `DISPATCH_CELL:wydm2`. */
  object: string;
  /** Requests counted for it since it was last idle for a whole window. */
  total: number;
  /** The most requests it received in one second of the window. */
  maxPerSecond: number;
  /** Its requests in the window divided by the window's length. */
  meanPerSecond: number;
}

export interface MetricsSnapshot {
  windowS: number;
  /** Every counter's total since the isolate started (object calls summed per `do:BINDING:method`). */
  totals: Record<string, number>;
  /** The objects with the highest request rate, per binding (`RIDE`, `DRIVER`, `DISPATCH_CELL`, …), hottest first. */
  hottest: Record<string, ObjectRate[]>;
  /** Rate over the window of every counter that is not an object call (queue sends, consumer runs, D1 writes, alarms). */
  rates: Record<string, { maxPerSecond: number; meanPerSecond: number }>;
}

/** Keys of per-object series kept at most; beyond it the idle ones are dropped at once. */
const MAX_SERIES = 20_000;
/** How often (in counts) idle series are swept. */
const SWEEP_EVERY = 5_000;

export class MetricsRegistry {
  private readonly series = new Map<string, Series>();
  private readonly totals = new Map<string, number>();
  private counted = 0;

  constructor(readonly windowS = 120) {}

  /**
   * Adds `n` to `key`. Object calls (`do:BINDING:name:method`) also add to `do:BINDING:method`
   * and get a per-second series; other keys are totals only, with a series as well so their
   * rate can be read (there are few of them).
   */
  count(key: string, n = 1, now = Date.now()): void {
    const parts = key.split(":");
    const totalKey = parts[0] === "do" && parts.length >= 4 ? `do:${parts[1]}:${parts[parts.length - 1]}` : key;
    this.totals.set(totalKey, (this.totals.get(totalKey) ?? 0) + n);
    const second = Math.floor(now / 1000);
    let s = this.series.get(key);
    if (!s) {
      s = { total: 0, buckets: new Map(), lastSecond: second };
      this.series.set(key, s);
    }
    s.total += n;
    s.lastSecond = Math.max(s.lastSecond, second);
    s.buckets.set(second, (s.buckets.get(second) ?? 0) + n);
    if (s.buckets.size > this.windowS) this.prune(s, second);
    if (++this.counted % SWEEP_EVERY === 0 || this.series.size > MAX_SERIES) this.sweep(second);
  }

  /** The total of a counter (0 when never counted). */
  total(key: string): number {
    return this.totals.get(key) ?? 0;
  }

  /** Most in one second, and mean per second, of `key` over the window ending at `now`. */
  rate(key: string, now = Date.now()): { maxPerSecond: number; meanPerSecond: number } {
    const s = this.series.get(key);
    return s ? this.rateOf(s.buckets, Math.floor(now / 1000)) : { maxPerSecond: 0, meanPerSecond: 0 };
  }

  /** Totals and the `top` hottest objects per binding over the window ending at `now`. */
  snapshot(now = Date.now(), top = 5): MetricsSnapshot {
    const second = Math.floor(now / 1000);
    const objects = new Map<string, { binding: string; total: number; buckets: Map<number, number> }>();
    for (const [key, s] of this.series) {
      const parts = key.split(":");
      if (parts[0] !== "do" || parts.length < 4) continue;
      const object = parts.slice(1, -1).join(":");
      const o = objects.get(object) ?? { binding: parts[1]!, total: 0, buckets: new Map<number, number>() };
      o.total += s.total;
      for (const [sec, n] of s.buckets) o.buckets.set(sec, (o.buckets.get(sec) ?? 0) + n);
      objects.set(object, o);
    }
    const hottest: Record<string, ObjectRate[]> = {};
    for (const [object, o] of objects) {
      const rate = this.rateOf(o.buckets, second);
      if (rate.maxPerSecond === 0) continue;
      (hottest[o.binding] ??= []).push({ object, total: o.total, ...rate });
    }
    for (const list of Object.values(hottest)) {
      list.sort((a, b) => b.maxPerSecond - a.maxPerSecond || b.meanPerSecond - a.meanPerSecond || a.object.localeCompare(b.object));
      list.splice(top);
    }
    const rates: MetricsSnapshot["rates"] = {};
    for (const [key, s] of this.series) if (!key.startsWith("do:")) rates[key] = this.rateOf(s.buckets, second);
    return { windowS: this.windowS, totals: this.totalsRecord(), hottest, rates };
  }

  /** Every counter's total, by key. */
  totalsRecord(): Record<string, number> {
    return Object.fromEntries([...this.totals].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Forgets everything (tests). */
  reset(): void {
    this.series.clear();
    this.totals.clear();
    this.counted = 0;
  }

  private rateOf(buckets: Map<number, number>, second: number): { maxPerSecond: number; meanPerSecond: number } {
    let max = 0,
      sum = 0;
    for (const [sec, n] of buckets) {
      if (sec <= second - this.windowS || sec > second) continue;
      max = Math.max(max, n);
      sum += n;
    }
    return { maxPerSecond: max, meanPerSecond: sum / this.windowS };
  }

  private prune(s: Series, second: number): void {
    for (const sec of s.buckets.keys()) if (sec <= second - this.windowS) s.buckets.delete(sec);
  }

  private sweep(second: number): void {
    for (const [key, s] of this.series) if (s.lastSecond <= second - this.windowS) this.series.delete(key);
  }
}

/** The isolate's registry. */
export const metrics = new MetricsRegistry();

let enabled = false;

/** True once an environment with ENVIRONMENT=development was seen in this isolate. */
export function metricsOn(): boolean {
  return enabled;
}

/** Counts `n` under `key` when metrics are on; nothing otherwise. */
export function count(key: string, n = 1): void {
  if (enabled) metrics.count(key, n);
}

/** Binding name of every Durable Object namespace seen in a development environment. */
const bindingNames = new WeakMap<object, string>();
const seenEnvs = new WeakSet<object>();

/**
 * Turns the counters on when `env` is a development one (ENVIRONMENT=development exactly, as the
 * other development-only paths check), and learns the binding names of its object namespaces,
 * which label the counted stubs. Cheap to call on every entry: an environment is read once.
 */
export function meterEnv(env: unknown): void {
  if (typeof env !== "object" || env === null || seenEnvs.has(env)) return;
  seenEnvs.add(env);
  if ((env as { ENVIRONMENT?: unknown }).ENVIRONMENT !== "development") return;
  enabled = true;
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === "object" && value !== null && typeof (value as { idFromName?: unknown }).idFromName === "function") bindingNames.set(value, name);
  }
}

/** The binding name of a namespace seen by `meterEnv` ("OBJECT" for one it never saw). */
export function bindingOf(ns: object): string {
  return bindingNames.get(ns) ?? "OBJECT";
}
