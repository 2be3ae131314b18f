/**
 * The circuit breaker's state machine, pure. One instance guards the payment
 * provider for every isolate (it lives in a Durable Object): after `failureThreshold`
 * failures or timeouts in a row it opens and sheds calls; after `cooldownMs` it lets
 * one probe through (half-open); the probe's success closes it, its failure opens it
 * again. A probe that never reports back is replaced after `probeTimeoutMs`.
 *
 * Only the probe's answer moves a breaker that is not closed. Hundreds of calls may be in flight
 * when it opens (each with its own timeout), and their late answers say nothing about the
 * provider now: a late success that closed it would send full traffic back to a provider that
 * is partly down (say 70 % of calls timing out) within milliseconds of opening, again and again.
 */

export type BreakerMode = "closed" | "open" | "half_open";

export interface BreakerState {
  mode: BreakerMode;
  /** Failures in a row while closed. */
  failures: number;
  openedAt: number | null;
  probeStartedAt: number | null;
}

export interface BreakerSettings {
  failureThreshold: number;
  cooldownMs: number;
  probeTimeoutMs: number;
}

export const CLOSED: BreakerState = { mode: "closed", failures: 0, openedAt: null, probeStartedAt: null };

export type Permit = { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number };

/**
 * May a call go to the provider now?
 *
 * @example
 * const { state, permit } = acquire(current, Date.now(), settings);
 * if (!permit.allowed) message.retry({ delaySeconds: Math.ceil(permit.retryAfterMs / 1000) });
 */
export function acquire(current: BreakerState, now: number, s: BreakerSettings): { state: BreakerState; permit: Permit } {
  switch (current.mode) {
    case "closed":
      return { state: current, permit: { allowed: true, probe: false } };
    case "open": {
      const waited = now - (current.openedAt ?? now);
      if (waited < s.cooldownMs) return { state: current, permit: { allowed: false, retryAfterMs: s.cooldownMs - waited } };
      return { state: { ...current, mode: "half_open", probeStartedAt: now }, permit: { allowed: true, probe: true } };
    }
    case "half_open": {
      const probing = current.probeStartedAt !== null && now - current.probeStartedAt < s.probeTimeoutMs;
      if (probing)
        return { state: current, permit: { allowed: false, retryAfterMs: Math.min(s.cooldownMs, s.probeTimeoutMs - (now - current.probeStartedAt!)) } };
      return { state: { ...current, probeStartedAt: now }, permit: { allowed: true, probe: true } };
    }
  }
}

/**
 * Records how a call went; `probe`: the call was let through as the probe (its permit said so).
 *
 * @example
 * record(halfOpen, true, Date.now(), settings, permit.probe); // closed if that was the probe, else unchanged
 */
export function record(current: BreakerState, success: boolean, now: number, s: BreakerSettings, probe = false): BreakerState {
  switch (current.mode) {
    case "closed": {
      if (success) return current.failures === 0 ? current : CLOSED;
      const failures = current.failures + 1;
      return failures >= s.failureThreshold ? { mode: "open", failures, openedAt: now, probeStartedAt: null } : { ...current, failures };
    }
    case "half_open":
      // A call let through before the breaker opened answers late: only the probe's answer counts.
      if (!probe) return current;
      return success ? CLOSED : { mode: "open", failures: current.failures, openedAt: now, probeStartedAt: null };
    case "open":
      return current; // a call that started before the breaker opened (or a probe replaced, answering late)
  }
}
