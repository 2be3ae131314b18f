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
});
