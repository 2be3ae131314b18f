/**
 * An isolate's view of the shared circuit breaker (the one `PAYMENT_BREAKER` object per
 * provider), so that a healthy provider costs the breaker object almost nothing: without
 * it every payment step made two calls to that one object (acquire, then record), which
 * at a city's peak (100 rides a second, two steps each) is 400 requests a second to a
 * single Durable Object, close to half its soft limit.
 *
 * - `acquire`: a plain "closed, go ahead" answer is kept for `ttlMs` and reused; an open
 *   breaker, a probe or a refusal is never kept, so what is not healthy is always asked.
 * - `record(false)`: always sent, and the kept answer dropped: failures are counted by
 *   the object exactly as before, and the next call asks it again.
 * - `record(true)`: sent only when it can change something: the object last said it had
 *   failures counted, or this isolate recorded one since. A success while closed with
 *   no failures changes nothing and is not sent.
 *
 * The price: for up to `ttlMs` after the breaker opens, an isolate that last saw it
 * closed may still let calls through (each of which, failing, is recorded); and a
 * success of one isolate may not reset failures another counted meanwhile, so the
 * breaker may open a little sooner under mixed results, never later.
 */
import type { Permit } from "./breaker";

/** The shared breaker object's calls (its `acquire` answers its failure count when it allows a call). */
export interface BreakerRemote {
  acquire(): Promise<Permit & { failures?: number }>;
  /** `probe`: the call was the probe its permit named (only the probe's answer moves an open breaker). */
  record(success: boolean, probe?: boolean): Promise<void>;
}

/**
 * Holds no stub: the object is reached through the `remote` of each call, since an
 * isolate keeps this view across requests and a stub belongs to the request that made it.
 *
 * @example
 * const view = new BreakerView();
 * const permit = await view.acquire(breakerStub(env, provider)); // one call to the object per second at most while closed
 */
export class BreakerView {
  private closedUntil = 0;
  /** The object may hold failures that a success would clear. */
  private failuresKnown = true;

  constructor(
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(remote: BreakerRemote): Promise<Permit> {
    if (this.now() < this.closedUntil) return { allowed: true, probe: false };
    const permit = await remote.acquire();
    if (permit.allowed && !permit.probe && permit.failures === 0) {
      this.closedUntil = this.now() + this.ttlMs;
      this.failuresKnown = false;
    } else {
      this.closedUntil = 0;
      this.failuresKnown = true;
    }
    return permit.allowed ? { allowed: true, probe: permit.probe } : permit;
  }

  async record(remote: BreakerRemote, success: boolean, probe = false): Promise<void> {
    if (success && !this.failuresKnown && !probe) return;
    if (!success) {
      this.closedUntil = 0;
      this.failuresKnown = true;
    }
    await remote.record(success, probe);
    if (success) this.failuresKnown = false;
  }
}
