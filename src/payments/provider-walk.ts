/**
 * Reconciliation's walk over the provider's open holds, by creation time. The provider lists
 * a bounded number of holds a run (Stripe: pages of its search), and at a city's peak the
 * newest of them are all live rides' holds: an orphan further back (a hold whose ledger row a
 * crash lost, for a ride long over) would never be listed, and would lapse at the provider
 * after about 7 days with the rider's money held. So besides the newest holds, each run reads
 * one window of creation time further back, and the next run the window before it, until the
 * walk reaches HOLD_LIFETIME_MS back and starts again from the newest.
 *
 * The order the provider lists holds in is not relied on (Stripe's search does not promise
 * one): a window read only in part is read again, halved, until it is read whole; a window
 * read whole lets the next one double, so quiet stretches of time go by in few runs.
 */

/** A span of creation time in Unix seconds: from `fromS` (inclusive) to `beforeS` (exclusive). */
export interface CreatedWindow {
  fromS: number;
  beforeS: number;
}

/** Where the walk stands between runs: the next window ends at `beforeS` and spans `spanS`. */
export interface ProviderHoldWalk {
  beforeS: number;
  spanS: number;
}

/** The first window's span: an hour. */
export const FIRST_SPAN_S = 3_600;
/** The widest window: a day. */
export const MAX_SPAN_S = 86_400;

/**
 * The window to read this run: the walk's next one, or (a first run, a walk past its end, or
 * one ahead of `topS`) the one ending at `topS`, the newest creation time old enough to judge.
 * `bottomS` is how far back the walk goes.
 *
 * @example
 * walkWindow(null, 1_700_000_000, 1_699_300_000); // { fromS: 1_699_996_400, beforeS: 1_700_000_000 }
 */
export function walkWindow(walk: ProviderHoldWalk | null, topS: number, bottomS: number): CreatedWindow {
  const current = walk && walk.beforeS <= topS && walk.beforeS > bottomS ? walk : { beforeS: topS, spanS: FIRST_SPAN_S };
  return { fromS: Math.max(bottomS, current.beforeS - current.spanS), beforeS: current.beforeS };
}

/** What reading a window came to: how many holds were listed, of at most `limit`, and whether that was all. */
export interface WindowRead {
  listed: number;
  limit: number;
  complete: boolean;
}

/**
 * Where the walk goes after reading `window`: a window read in part is read again at half the
 * span (a one-second window is passed whatever was left, so that the walk always moves); one
 * read whole moves the walk past it, at twice the span when it listed under half the limit
 * (so that a dense stretch is not read in part every other run); past `bottomS` the walk ends
 * (null) and the next run starts from the newest.
 *
 * @example
 * walkOn({ fromS: 100, beforeS: 200 }, { listed: 500, limit: 500, complete: false }, 0); // { beforeS: 200, spanS: 50 }
 */
export function walkOn(window: CreatedWindow, read: WindowRead, bottomS: number): ProviderHoldWalk | null {
  const spanS = Math.max(1, window.beforeS - window.fromS);
  if (!read.complete && spanS > 1) return { beforeS: window.beforeS, spanS: Math.floor(spanS / 2) };
  if (window.fromS <= bottomS) return null;
  const sparse = read.complete && read.listed < read.limit / 2;
  return { beforeS: window.fromS, spanS: sparse ? Math.min(MAX_SPAN_S, spanS * 2) : spanS };
}
