/**
 * Sliding windows over timestamped samples, for the simulator's live line: the p50 of the
 * last 10 s of dispatch times, reports in the last second. Pure: the caller passes `now`.
 *
 * @example
 * const w = new Window(10_000);
 * w.add(now, 850);
 * w.percentile(now, 50); // 850
 */
import { percentile } from "../support/stats.ts";

export class Window {
  private samples: { at: number; value: number }[] = [];
  readonly spanMs: number;

  constructor(spanMs: number) {
    this.spanMs = spanMs;
  }

  add(at: number, value = 1): void {
    this.samples.push({ at, value });
  }

  /** Drops what is older than the span before `now`; returns the samples left. */
  private live(now: number): { at: number; value: number }[] {
    const from = now - this.spanMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.at <= from) drop++;
    if (drop > 0) this.samples.splice(0, drop);
    return this.samples;
  }

  /** How many samples fell in the span before `now`. */
  count(now: number): number {
    return this.live(now).length;
  }

  /** Samples per second over the span before `now`. */
  rate(now: number): number {
    return this.count(now) / (this.spanMs / 1000);
  }

  /** The `p`-th percentile of the values in the span before `now`; NaN when none. */
  percentile(now: number, p: number): number {
    return percentile(
      this.live(now)
        .map((s) => s.value)
        .sort((a, b) => a - b),
      p,
    );
  }
}
