import { describe, expect, it } from "vitest";
import { checkRefund, refundAdjustment } from "./refund";

const krw = (amount: number) => ({ amount, currency: "KRW" as const });
const captured = (amount: number) => ({ amount, providerRef: "pi_1" });

describe("checkRefund", () => {
  it("allows the whole capture, or a part, while the refunds stay within it", () => {
    expect(checkRefund({ capture: captured(10000), refunded: 0 }, krw(10000))).toEqual({ ok: true, holdRef: "pi_1" });
    expect(checkRefund({ capture: captured(10000), refunded: 0 }, krw(2500))).toEqual({ ok: true, holdRef: "pi_1" });
    expect(checkRefund({ capture: captured(10000), refunded: 4000 }, krw(6000))).toEqual({ ok: true, holdRef: "pi_1" });
  });

  it("refuses more than is left of the capture", () => {
    expect(checkRefund({ capture: captured(10000), refunded: 4000 }, krw(6001))).toMatchObject({ ok: false, detail: expect.stringContaining("exceeds") });
    expect(checkRefund({ capture: captured(10000), refunded: 10000 }, krw(1))).toMatchObject({ ok: false });
    expect(checkRefund({ capture: captured(10000), refunded: 0 }, krw(10001))).toMatchObject({ ok: false });
  });

  it("refuses without a capture, and amounts that are not positive whole won", () => {
    expect(checkRefund({ capture: null, refunded: 0 }, krw(100))).toEqual({ ok: false, detail: "no captured payment to refund" });
    expect(checkRefund({ capture: { amount: 100, providerRef: null }, refunded: 0 }, krw(100))).toMatchObject({ ok: false });
    for (const bad of [0, -5, 1.5, Number.NaN]) expect(checkRefund({ capture: captured(10000), refunded: 0 }, krw(bad)).ok).toBe(false);
  });
});

describe("refundAdjustment", () => {
  const settlement = { driverId: "d1", fare: 12300, earning: 9840 };

  it("takes back the whole settlement for a full refund, in negative amounts", () => {
    expect(refundAdjustment(settlement, krw(12300), null)).toEqual({ driverId: "d1", fare: krw(-12300), commission: krw(-2460), earning: krw(-9840) });
  });

  it("splits a partial refund in the settlement's proportion, rounding the driver's part", () => {
    // 9840 × 1000 / 12300 = 800
    expect(refundAdjustment(settlement, krw(1000), null)).toEqual({ driverId: "d1", fare: krw(-1000), commission: krw(-200), earning: krw(-800) });
    // round(7840 × 333 / 9800) = round(266.4) = 266
    const a = refundAdjustment({ driverId: "d2", fare: 9800, earning: 7840 }, krw(333), "ignored");
    expect(a).toEqual({ driverId: "d2", fare: krw(-333), commission: krw(-67), earning: krw(-266) });
    expect(a.commission.amount + a.earning.amount).toBe(a.fare.amount);
  });

  it("refunding a fare in pieces takes back exactly the driver's earning, not a won more", () => {
    const fare = 10001;
    const s = { driverId: "d1", fare, earning: 8001 };
    let prior = { refunded: 0, earning: 0 };
    for (let i = 0; i < fare; i += 3) {
      const piece = Math.min(3, fare - i);
      const adj = refundAdjustment(s, krw(piece), null, prior);
      expect(adj.commission.amount + adj.earning.amount).toBe(-piece);
      expect(adj.earning.amount).toBeLessThanOrEqual(0);
      prior = { refunded: prior.refunded + piece, earning: prior.earning - adj.earning.amount };
    }
    expect(prior).toEqual({ refunded: fare, earning: 8001 });
  });

  it("without a settlement the driver had no share: the platform gives it all back", () => {
    expect(refundAdjustment(null, krw(5000), "d9")).toEqual({ driverId: "d9", fare: krw(-5000), commission: krw(-5000), earning: krw(0) });
    expect(refundAdjustment(null, krw(5000), null).driverId).toBe("");
  });
});
