/**
 * The OpsFeed object's one alarm carries two timers: the stats frame every `STATS_EVERY_MS`
 * while a socket watches stats, and the renewal of the watch lease (src/views/ops-watch.ts)
 * while one watches rides or drivers. With nobody watching either, no alarm runs.
 */
import { WATCH_RENEW_EVERY_MS } from "../views/ops-watch";

/** How often a socket watching `stats` gets them. */
export const STATS_EVERY_MS = 5_000;

/** How soon a renewal that failed (the views database down) is tried again. */
export const RENEW_RETRY_MS = 5_000;

/** What the feed's sockets watch, and when the lease wants renewing (0: at the first chance, as after a wake from hibernation, when memory is new). */
export interface Watching {
  stats: boolean;
  markers: boolean;
  renewAt: number;
}

/**
 * When the alarm should next run, or null for never.
 *
 * @example
 * nextWake(0, { stats: true, markers: true, renewAt: 60_000 }); // 5_000
 */
export function nextWake(now: number, watching: Watching): number | null {
  const times = [...(watching.stats ? [now + STATS_EVERY_MS] : []), ...(watching.markers ? [Math.max(watching.renewAt, now)] : [])];
  return times.length > 0 ? Math.min(...times) : null;
}

/**
 * When to renew next after a renewal at `now` that succeeded or failed.
 *
 * @example
 * renewAfter(0, true); // 60_000
 */
export function renewAfter(now: number, renewed: boolean): number {
  return now + (renewed ? WATCH_RENEW_EVERY_MS : RENEW_RETRY_MS);
}

/**
 * Whether the alarm at `now` should renew the lease: a console watches markers and it is due.
 *
 * @example
 * renewDue(60_000, { stats: true, markers: true, renewAt: 60_000 }); // true
 */
export function renewDue(now: number, watching: Watching): boolean {
  return watching.markers && now >= watching.renewAt;
}
