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
import { WATCH_LEASE_S } from "../views/ops-watch";
import { renewAfter } from "./wake";

/** What a renewal found: the lease held on, a gap is closed only once consoles catch up, or it failed (tried again soon). */
export type Hold = "held" | "gap" | "failed";

export class LeaseKeeper {
  /** When the lease wants renewing next (0: at the first chance, as after a wake). */
  renewAt = 0;
  private renewedAt = 0;
  private failedSince = false;
  private readonly renew: () => Promise<{ lapsed: boolean }>;
  private readonly now: () => number;

  /**
   * @param renew pushes the lease forward; answers whether it had run out
   * @param now the clock
   */
  constructor(renew: () => Promise<{ lapsed: boolean }>, now: () => number = Date.now) {
    this.renew = renew;
    this.now = now;
  }

  /**
   * Renews the lease. Never throws: a failure is one warning line and a retry in RENEW_RETRY_MS.
   *
   * @example
   * if ((await keeper.hold()) === "gap") await sendFreshSnapshots();
   */
  async hold(): Promise<Hold> {
    try {
      const { lapsed } = await this.renew();
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
