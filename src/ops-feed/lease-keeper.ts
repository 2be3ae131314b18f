/**
 * The OpsFeed object's hold on the watch lease (src/views/ops-watch.ts): when to renew it, and
 * whether consoles may have missed changes since the last renewal (a gap), which the object then
 * closes with fresh snapshots. Pure but for the injected renewal; the object only wires it.
 *
 * A gap is any of: D1 found the lease run out (or never kept); a renewal failed since the last one
 * that held (it may have committed late, after batches that saw no lease: D1 would then answer
 * "ahead" next time and hide it); the last renewal that held is older than the lease. Memory is
 * new after the object is evicted: a failure before an eviction is then known only to D1.
 */
import { within } from "../lib/timeout";
import { WATCH_LEASE_S } from "../views/ops-watch";
import { renewAfter } from "./wake";

/**
 * How long a renewal may take before it counts as failed (and the next one that holds as a gap,
 * since it may still commit): every console connecting or subscribing meanwhile joins the renewal
 * on its way, so one D1 call that hangs would hold them all until the runtime's own limit.
 */
export const RENEW_BOUND_MS = 5_000;

/** What a renewal found: the lease held on, a gap is closed only once consoles catch up, or it failed (tried again soon). */
export type Hold = "held" | "gap" | "failed";

export class LeaseKeeper {
  /** When the lease wants renewing next (0: at the first chance, as after a wake). */
  renewAt = 0;
  private renewedAt = 0;
  private failedSince = false;
  private readonly renew: () => Promise<{ lapsed: boolean }>;
  private readonly now: () => number;
  private readonly boundMs: number;

  /**
   * @param renew pushes the lease forward; answers whether it had run out
   * @param now the clock
   * @param boundMs how long a renewal may take (`RENEW_BOUND_MS`)
   */
  constructor(renew: () => Promise<{ lapsed: boolean }>, now: () => number = Date.now, boundMs = RENEW_BOUND_MS) {
    this.renew = renew;
    this.now = now;
    this.boundMs = boundMs;
  }

  /**
   * Renews the lease. Never throws: a failure, or no answer within `boundMs`, is one warning line and a retry in RENEW_RETRY_MS.
   *
   * @example
   * if ((await keeper.hold()) === "gap") await sendFreshSnapshots();
   */
  async hold(): Promise<Hold> {
    try {
      const { lapsed } = await within(this.boundMs, this.renew(), "watch lease renewal");
      const now = this.now();
      const gap = lapsed || this.failedSince || (this.renewedAt > 0 && now - this.renewedAt >= WATCH_LEASE_S * 1000);
      [this.renewedAt, this.renewAt, this.failedSince] = [now, renewAfter(now, true), false];
      return gap ? "gap" : "held";
    } catch (error) {
      [this.renewAt, this.failedSince] = [renewAfter(this.now(), false), true];
      console.warn(JSON.stringify({ msg: "ops feed: watch lease not renewed", error: String(error) }));
      return "failed";
    }
  }
}
