/**
 * A driver's position on the operators' live map. Location reports record no event (too
 * frequent), so nothing reaches the views or the OpsFeed object by itself: the Driver DO
 * pushes its position here, after a report, at most once per interval that the feed
 * answers (long while no console watches drivers, a few seconds while one does), and once
 * more as they go off duty (`leaving`: the offline marker, so that the feed stops counting
 * them while nobody watches).
 *
 * Why throttled, and why fire and forget: the location report is the call every online
 * driver makes every few seconds, and its cost per call is what issue 16 measures. A push
 * per report would add an RPC to each and funnel every driver of the city into the one
 * feed object; a push per interval keeps the feed under a fixed rate (see
 * `pushIntervalMs`), and `waitUntil` with a bound keeps it off the report's answer: a slow
 * or failing feed never delays or fails a report.
 */
import type { Driver } from "../domain/events";
import { driverMarker, shouldPush, UNWATCHED_PUSH_MS } from "../ops-feed/feed";
import { within } from "../lib/timeout";
import { opsFeedStub } from "./stubs";

/** The bound of one push; a feed that does not answer in time is asked again after the long interval. */
export const PUSH_TIMEOUT_MS = 2_000;

export class OpsPositionPush {
  /** When the driver may push again (in memory: an evicted Driver DO pushes at its next report). */
  private nextAt = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Pick<Env, "OPS_FEED">,
  ) {}

  /**
   * After a location report: pushes the driver's marker if its interval has passed.
   *
   * @example
   * if (outcome.ok) this.opsPush.after(outcome.value);
   */
  after(driver: Driver): void {
    const now = Date.now();
    if (!shouldPush(driver, now, this.nextAt)) return;
    // No second push while this one is on its way; the answer sets the real interval.
    this.nextAt = now + UNWATCHED_PUSH_MS;
    const pushed = push(this.env, driver, "position").then((nextMs) => {
      if (nextMs !== null) this.nextAt = Date.now() + nextMs;
    });
    this.ctx.waitUntil(pushed);
  }

  /**
   * The driver left the map (off duty, or taken off it): the offline marker, pushed once and
   * unawaited, whether or not a console watches. While none does, the views tell the feed
   * nothing, and a driver it still counted would lengthen the interval it answers every other
   * driver (`pushIntervalMs`). Bounded as a position push; a failure is logged, and the feed's
   * check after a time unwatched forgets the driver all the same. Their first report back on
   * duty pushes at once: the feed no longer counts them.
   *
   * @example
   * this.opsPush.leaving(offlineDriver);
   */
  leaving(driver: Driver): void {
    this.nextAt = 0;
    this.ctx.waitUntil(push(this.env, driver, "leaving"));
  }
}

/** One bounded push of the driver's marker: the interval the feed answers, or null when it failed (logged, with which push). */
function push(env: Pick<Env, "OPS_FEED">, driver: Driver, kind: "position" | "leaving"): Promise<number | null> {
  return within(PUSH_TIMEOUT_MS, Promise.resolve(opsFeedStub(env).driverMoved(driverMarker(driver))), "ops feed push").then(
    (nextMs) => nextMs,
    (error: unknown) => {
      console.warn(JSON.stringify({ msg: "ops feed push failed", push: kind, driverId: driver.id, error: String(error) }));
      return null;
    },
  );
}
