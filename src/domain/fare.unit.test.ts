import { describe, expect, it } from "vitest";
import { finalFare, holdAmount, meteredFare, TARIFFS } from "./fare";

describe("fares", () => {
  it("charges the base fare up to the base distance", () => {
    expect(meteredFare("standard", 0, 0)).toEqual({ amount: 4800, currency: "KRW" });
    expect(meteredFare("standard", 1600, 0).amount).toBe(4800);
  });

  it("adds a step per 131 m (or part) beyond 1.6 km, and time while slow", () => {
    expect(meteredFare("standard", 1601, 0).amount).toBe(4900);
    expect(meteredFare("standard", 1600 + 131 * 10, 0).amount).toBe(5800);
    // 5 km, 15 min: 26 steps (2,600) + 225 slow seconds = 7 time steps (700)
    expect(meteredFare("standard", 5000, 900).amount).toBe(8100);
  });

  it("prices products by their own tariffs", () => {
    expect(meteredFare("deluxe", 0, 0).amount).toBe(TARIFFS.deluxe.baseFare);
    expect(meteredFare("van", 10_000, 0).amount).toBeGreaterThan(meteredFare("standard", 10_000, 0).amount);
    expect(meteredFare("parcel_large", 5000, 0).amount).toBeGreaterThan(meteredFare("parcel_small", 5000, 0).amount);
  });

  it("holds the quote plus the margin, and never charges more than the hold", () => {
    const quote = { amount: 10_000, currency: "KRW" as const };
    expect(holdAmount(quote).amount).toBe(13_000);
    expect(finalFare("standard", quote, 200_000, 20_000).amount).toBe(13_000);
    expect(finalFare("standard", quote, 1000, 0).amount).toBe(4800);
  });

  it("never charges more than the quote plus the margin, though the hold is rounded up to a hundred won", () => {
    for (const amount of [4800, 5000, 7000, 9800, 12_300, 33_300]) {
      const quote = { amount, currency: "KRW" as const };
      const capped = finalFare("standard", quote, 200_000, 20_000).amount;
      expect(capped, `quote ${amount}`).toBeLessThanOrEqual(amount * 1.3);
      expect(capped, `quote ${amount}`).toBeGreaterThan(amount * 1.3 - 100);
      expect(capped % 100).toBe(0);
      expect(capped).toBeLessThanOrEqual(holdAmount(quote).amount);
    }
    // 4800 × 1.3 = 6240: the hold is 6300, the fare at most 6200.
    expect(holdAmount({ amount: 4800, currency: "KRW" }).amount).toBe(6300);
    expect(finalFare("standard", { amount: 4800, currency: "KRW" }, 200_000, 20_000).amount).toBe(6200);
  });
});
