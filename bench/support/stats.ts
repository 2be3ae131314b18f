/**
 * Percentiles and summaries of latency samples, shared by the benchmarks (bench:dispatch,
 * simulate). Nearest-rank percentiles: p50 of [1, 2, 3, 4] is 2, p99 of 100 samples the 99th.
 *
 * @example
 * const s = summary([12, 3, 40]); // { n: 3, p50: 12, p90: 40, p99: 40, max: 40 }
 */

/** The `p`-th percentile (0–100, nearest rank) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Count, p50, p90, p99 and max of `values` (any order). */
export function summary(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

/** The arithmetic mean; NaN when empty. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
