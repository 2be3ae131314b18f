import { describe, expect, it } from "vitest";
import { driverBalance, normalizeCutoff, payoutId, payoutRunId, payoutsDue, type EarningEntry, type PayoutRecord } from "./payout";

const T1 = "2026-01-01T10:00:00.000Z";
const T2 = "2026-01-01T12:00:00.000Z";
const CUT = "2026-01-01T13:00:00.000Z";
const LATER = "2026-01-01T15:00:00.000Z";
const earn = (driverId: string, earning: number, createdAt: string): EarningEntry => ({ driverId, earning, createdAt });
const payout = (driverId: string, amount: number, status: PayoutRecord["status"], cutoff: string, retryable = false): PayoutRecord => ({
  driverId,
  amount,
  status,
  retryable,
  cutoff,
});

describe("payoutsDue", () => {
  it("pays nothing to a driver whose balance is negative (a refund after a payout) or zero", () => {
    const earnings = [earn("d1", 8000, T1), earn("d1", -3000, T2), earn("d2", 4000, T1)];
    const paid = [payout("d1", 8000, "succeeded", T1), payout("d2", 4000, "succeeded", T1)];
    expect(payoutsDue(CUT, earnings, paid)).toEqual([]);
  });

  it("leaves out earnings after the cut-off (the cut-off itself is in)", () => {
    const earnings = [earn("d1", 8000, T1), earn("d1", 5000, CUT), earn("d1", 7000, LATER)];
    expect(payoutsDue(CUT, earnings, [])).toEqual([{ driverId: "d1", amount: 13000 }]);
  });

  it("the same cut-off twice pays nobody twice, even if more earnings of before the cut-off turn up", () => {
    const earnings = [earn("d1", 8000, T1)];
    const first = payoutsDue(CUT, earnings, []);
    expect(first).toEqual([{ driverId: "d1", amount: 8000 }]);
    const after = first.map((d) => payout(d.driverId, d.amount, "succeeded", CUT));
    expect(payoutsDue(CUT, earnings, after)).toEqual([]);
    // A late row of before the cut-off: this cut-off's payout exists, so the next cut-off pays it.
    const late = [...earnings, earn("d1", 2000, T2)];
    expect(payoutsDue(CUT, late, after)).toEqual([]);
    expect(payoutsDue(LATER, late, after)).toEqual([{ driverId: "d1", amount: 2000 }]);
  });

  it("a later cut-off pays only what was earned since, net of refunds", () => {
    const earnings = [earn("d1", 8000, T1), earn("d1", 6000, CUT), earn("d1", -1000, CUT)];
    expect(payoutsDue(LATER, earnings, [payout("d1", 8000, "succeeded", T1)])).toEqual([{ driverId: "d1", amount: 5000 }]);
  });

  it("a payout that failed without an answer keeps its amount (it is retried under its own key), a refused one gives it back", () => {
    const earnings = [earn("d1", 8000, T1), earn("d2", 4000, T1)];
    const tried = [payout("d1", 8000, "failed", T1, true), payout("d2", 4000, "failed", T1, false)];
    expect(payoutsDue(LATER, earnings, tried)).toEqual([{ driverId: "d2", amount: 4000 }]);
    // A claim not yet answered holds its amount too.
    expect(payoutsDue(LATER, earnings, [payout("d1", 8000, "pending", T1)])).toEqual([{ driverId: "d2", amount: 4000 }]);
  });

  it("a past cut-off pays no more than the balance now: what a refund since took back is not paid out again", () => {
    const earnings = [earn("d1", 8000, T1), earn("d1", -4000, LATER)];
    // The later cut-off paid the 4,000 left; the earlier one, run after it, has nothing to pay.
    expect(payoutsDue(LATER, earnings, [])).toEqual([{ driverId: "d1", amount: 4000 }]);
    expect(payoutsDue(CUT, earnings, [payout("d1", 4000, "succeeded", LATER)])).toEqual([]);
    // Run first, it pays the balance, not the 8,000 earned by then.
    expect(payoutsDue(CUT, earnings, [])).toEqual([{ driverId: "d1", amount: 4000 }]);
    // What was earned after the cut-off is still not paid by it.
    expect(payoutsDue(CUT, [earn("d1", 8000, T1), earn("d1", 5000, LATER)], [])).toEqual([{ driverId: "d1", amount: 8000 }]);
  });

  it("compares cut-offs as times, sorts by driver", () => {
    const earnings = [earn("d2", 100, T1), earn("d1", 200, T1)];
    expect(payoutsDue(CUT, earnings, [payout("d2", 50, "succeeded", "2026-01-01T22:00:00+09:00")])).toEqual([{ driverId: "d1", amount: 200 }]);
    expect(payoutsDue(CUT, earnings, []).map((d) => d.driverId)).toEqual(["d1", "d2"]);
  });
});

describe("driverBalance", () => {
  it("owed is earned minus paid, negative after a refund of a paid fare; only succeeded payouts count as paid", () => {
    expect(driverBalance(5000, [{ amount: 8000, status: "succeeded" }])).toEqual({ owed: -3000, paid: 8000 });
    expect(
      driverBalance(8000, [
        { amount: 8000, status: "failed" },
        { amount: 8000, status: "pending" },
      ]),
    ).toEqual({ owed: 8000, paid: 0 });
  });
});

describe("normalizeCutoff and ids", () => {
  const now = new Date("2026-01-02T00:00:00.000Z");
  it("refuses a future cut-off or a non-time, defaults to now", () => {
    expect(normalizeCutoff("2026-01-02T00:00:01Z", now)).toMatchObject({ ok: false });
    expect(normalizeCutoff("yesterday", now)).toMatchObject({ ok: false });
    expect(normalizeCutoff(undefined, now)).toEqual({ ok: true, cutoff: now.toISOString() });
    expect(normalizeCutoff("2026-01-01T09:00:00+09:00", now)).toEqual({ ok: true, cutoff: "2026-01-01T00:00:00.000Z" });
  });
  it("the same cut-off and driver give the same ids; another driver or cut-off another", async () => {
    expect(await payoutRunId(CUT)).toBe(await payoutRunId(CUT));
    expect(await payoutRunId(CUT)).not.toBe(await payoutRunId(LATER));
    expect(await payoutId(CUT, "d1")).toBe(await payoutId(CUT, "d1"));
    expect(new Set([await payoutId(CUT, "d1"), await payoutId(CUT, "d2"), await payoutId(LATER, "d1")]).size).toBe(3);
  });
});
