import { describe, expect, it } from "vitest";
import { splitFare } from "./settlement";

const krw = (amount: number) => ({ amount, currency: "KRW" as const });

describe("settlement", () => {
  it("splits the fare into commission and earning that add up to it", () => {
    expect(splitFare(krw(12300), 0.2)).toEqual({ commission: krw(2460), earning: krw(9840) });
    for (const fare of [1, 99, 4800, 12345, 99_999]) {
      const { commission, earning } = splitFare(krw(fare), 0.17);
      expect(commission.amount + earning.amount).toBe(fare);
      expect(Number.isInteger(commission.amount)).toBe(true);
    }
  });

  it("falls back to 20 % for a nonsense rate", () => {
    expect(splitFare(krw(1000), Number.NaN).commission.amount).toBe(200);
    expect(splitFare(krw(1000), 3).commission.amount).toBe(200);
  });
});
