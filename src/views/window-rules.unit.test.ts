import { describe, expect, it } from "vitest";
import { insideWindow, pastWindow, windowCutoff, windowStart } from "./window-rules";

const cutoff = new Date("2026-11-01T00:00:00.000Z");
const old = "2026-10-01T09:00:00.000Z";
const ride = (status: string, payment: string | null, createdAt = old) => ({ status, createdAt, payment: payment === null ? null : { status: payment } });

describe("the views' window", () => {
  it("hands over settled rides created before the cut-off, and nothing else", () => {
    expect(pastWindow(ride("completed", "captured"), cutoff)).toBe(true);
    expect(pastWindow(ride("completed", "refunded"), cutoff)).toBe(true);
    expect(pastWindow(ride("cancelled", "voided"), cutoff)).toBe(true);
    expect(pastWindow(ride("cancelled", null), cutoff)).toBe(true);
    expect(pastWindow(ride("completed", "captured", "2026-11-02T00:00:00.000Z"), cutoff)).toBe(false);
    // Open or failed payments stay where an operator's lists find them.
    for (const payment of ["pending", "authorized", "failed"]) expect(pastWindow(ride("completed", payment), cutoff), payment).toBe(false);
    expect(pastWindow(ride("in_progress", "authorized"), cutoff)).toBe(false);
  });

  it("the repair copies the earnings inside the window (the rides: views-repair.unit.test.ts)", () => {
    const rows = [{ createdAt: old }, { createdAt: "2026-11-01T00:00:00.000Z" }];
    expect(insideWindow.earnings(rows, cutoff)).toEqual([rows[1]]);
  });

  it("cuts off VIEWS_WINDOW_DAYS before now: 30 days unless set", () => {
    const now = new Date("2026-12-01T00:00:00.000Z");
    expect(windowCutoff(now).toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(windowCutoff(now, 1).toISOString()).toBe("2026-11-30T00:00:00.000Z");
    const start = windowStart({ ENVIRONMENT: "production", VIEWS_WINDOW_DAYS: "2" }).getTime();
    expect(Math.abs(start - (Date.now() - 2 * 86_400_000))).toBeLessThan(5_000);
  });
});
