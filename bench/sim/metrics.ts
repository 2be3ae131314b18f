/**
 * What `GET /v1/dev/metrics` (development only) says about a run: the hottest ride, driver
 * and dispatch-cell objects (most requests in one second over the system's window, and the
 * mean) and the D1 writes per second, from the counters' totals at the start and the end of
 * the request phase. Pure: the caller fetches both snapshots; a system without the endpoint
 * (404) or with another shape gives null and a note.
 *
 * @example
 * const summary = summarizeMetrics(before, after, 120); // { hottest: { ride: { name: "RIDE:rd_…", perSecond: 9, … } … }, d1WritesPerSecond: 41.2 }
 */

export interface HotObject {
  name: string;
  /** Most requests in one second within the system's window. */
  perSecond: number;
  meanPerSecond: number;
  /** Every request it took while the system counted (development counters start with the system). */
  total: number;
}

export interface MetricsSummary {
  windowS: number;
  hottest: { ride: HotObject | null; driver: HotObject | null; cell: HotObject | null; district: HotObject | null };
  /** D1 write statements (gateway and payment worker databases) per second of the request phase. */
  d1WritesPerSecond: number | null;
  d1TransactionsPerSecond: number | null;
  /** D1 write statements per database over the request phase. */
  d1Writes: Record<string, number>;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

function hottestOf(list: unknown): HotObject | null {
  if (!Array.isArray(list) || list.length === 0) return null;
  const top = list[0] as unknown;
  if (!isRecord(top) || typeof top.object !== "string" || typeof top.maxPerSecond !== "number") return null;
  return {
    name: top.object,
    perSecond: top.maxPerSecond,
    meanPerSecond: typeof top.meanPerSecond === "number" ? top.meanPerSecond : NaN,
    total: typeof top.total === "number" ? top.total : NaN,
  };
}

/** D1 statements and transactions by database in one snapshot. */
function d1Totals(snapshot: Record<string, unknown>): Record<string, { statements: number; transactions: number }> {
  const out: Record<string, { statements: number; transactions: number }> = {};
  if (!isRecord(snapshot.d1)) return out;
  for (const [db, v] of Object.entries(snapshot.d1)) {
    if (isRecord(v) && typeof v.statements === "number")
      out[db] = { statements: v.statements, transactions: typeof v.transactions === "number" ? v.transactions : 0 };
  }
  return out;
}

/**
 * The run's figures from the snapshots taken when the request phase began (`before`, may be
 * null) and ended (`after`), `seconds` apart; null when `after` is not the expected shape.
 */
export function summarizeMetrics(before: unknown, after: unknown, seconds: number): MetricsSummary | null {
  if (!isRecord(after) || !isRecord(after.hottest) || typeof after.windowS !== "number") return null;
  const hot = after.hottest;
  const end = d1Totals(after);
  const start = isRecord(before) ? d1Totals(before) : null;
  const d1Writes: Record<string, number> = {};
  let statements = 0,
    transactions = 0;
  for (const [db, t] of Object.entries(end)) {
    const s = start?.[db] ?? { statements: 0, transactions: 0 };
    d1Writes[db] = t.statements - s.statements;
    statements += t.statements - s.statements;
    transactions += t.transactions - s.transactions;
  }
  const perSecond = (n: number) => (start && seconds > 0 ? Math.round((n / seconds) * 10) / 10 : null);
  return {
    windowS: after.windowS,
    hottest: { ride: hottestOf(hot.ride), driver: hottestOf(hot.driver), cell: hottestOf(hot.cell), district: hottestOf(hot.district) },
    d1WritesPerSecond: perSecond(statements),
    d1TransactionsPerSecond: perSecond(transactions),
    d1Writes,
  };
}

/**
 * Every dispatch cell's writes (listing, moving, renewing, removing a driver: the
 * `cell-writes:NAME` counters of the gateway) in one snapshot, less those already counted in
 * `before` (the counters run from the system's start: a second run against one `npm run dev`
 * would count the first run's writes too); empty without them.
 *
 * @example
 * cellWritesOf(await snapshot(), startOfRun); // { wydm2: 31, … }
 */
export function cellWritesOf(snapshot: unknown, before: unknown = null): Record<string, number> {
  const writes = (s: unknown) => {
    const gateway = isRecord(s) && isRecord(s.gateway) ? s.gateway : null;
    const totals = gateway && isRecord(gateway.totals) ? gateway.totals : {};
    const out: Record<string, number> = {};
    for (const [key, n] of Object.entries(totals)) if (key.startsWith("cell-writes:") && typeof n === "number") out[key.slice(12)] = n;
    return out;
  };
  const earlier = writes(before);
  return Object.fromEntries(Object.entries(writes(snapshot)).map(([cell, n]) => [cell, n - (earlier[cell] ?? 0)]));
}
