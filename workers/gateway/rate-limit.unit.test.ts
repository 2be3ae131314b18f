import { describe, expect, it, vi } from "vitest";
import { AppError } from "../../src/lib/problem";
import { LIMITERS, enforceLimit, type LimiterEnv } from "./rate-limit";

/** A limiter that lets `allowed` requests per key through, and records the keys it saw. */
function fakeLimiter(allowed: number) {
  const counts = new Map<string, number>();
  const limiter = {
    limit: vi.fn(async ({ key }: RateLimitOptions): Promise<RateLimitOutcome> => {
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      return { success: n <= allowed };
    }),
  };
  return limiter;
}

function env(on: boolean, limiter = fakeLimiter(2)): LimiterEnv & { limiter: ReturnType<typeof fakeLimiter> } {
  return {
    RATE_LIMITS: on ? "on" : "off",
    RIDER_LIMITER: limiter,
    LOCATION_LIMITER: limiter,
    IP_LIMITER: limiter,
    ACCOUNT_LIMITER: limiter,
    USER_LIMITER: limiter,
    limiter,
  };
}

describe("enforceLimit", () => {
  it("lets requests through up to the limit, then throws 429 rate_limited with the limiter's period as Retry-After", async () => {
    const e = env(true);
    await enforceLimit(e, "location", "d1");
    await enforceLimit(e, "location", "d1");
    const refused = await enforceLimit(e, "location", "d1").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "rate_limited", status: 429, retryAfterSeconds: LIMITERS.location.periodS });
    expect(LIMITERS.location.periodS).toBe(10);
    // keys are counted apart
    await enforceLimit(e, "location", "d2");
  });

  it("uses the period of each limiter", async () => {
    const e = env(true, fakeLimiter(0));
    await expect(enforceLimit(e, "rider", "r1")).rejects.toMatchObject({ retryAfterSeconds: 60 });
    await expect(enforceLimit(e, "ip", "203.0.113.9")).rejects.toMatchObject({ retryAfterSeconds: 60 });
  });

  it("does nothing, and asks no limiter, unless RATE_LIMITS is on", async () => {
    const e = env(false, fakeLimiter(0));
    await enforceLimit(e, "rider", "r1");
    expect(e.limiter.limit).not.toHaveBeenCalled();
  });

  it("fails open when the limiter cannot answer", async () => {
    const broken = { limit: vi.fn(async (): Promise<RateLimitOutcome> => Promise.reject(new Error("down"))) };
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await enforceLimit(
        { RATE_LIMITS: "on", RIDER_LIMITER: broken, LOCATION_LIMITER: broken, IP_LIMITER: broken, ACCOUNT_LIMITER: broken, USER_LIMITER: broken },
        "rider",
        "r1",
      );
      expect(warn).toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
