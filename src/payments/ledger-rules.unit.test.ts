/** The small rules around the ledger: dues accounts, page cursors, orphan holds. */
import { describe, expect, it } from "vitest";
import type { Ride } from "../domain/types";
import { duesAccount, isDuesAccount } from "./dues";
import { holdIsOwedAVoid, isOrphanCandidate } from "./orphans";
import { decodeCursor, encodeCursor, isCursor, pageLimit } from "./page-cursor";

describe("dues accounts", () => {
  it("are named apart from rides", () => {
    expect(duesAccount("r1")).toBe("dues:r1");
    expect(isDuesAccount(duesAccount("r1"))).toBe(true);
    expect(isDuesAccount("rd_abc")).toBe(false);
  });
});

describe("page cursors", () => {
  it("round-trip their parts, a separator in the last part included", () => {
    const at = "2026-07-01T10:00:00.000Z";
    expect(decodeCursor(encodeCursor([at, "rd_1:refund:ab|c"]), 2)).toEqual([at, "rd_1:refund:ab|c"]);
    expect(decodeCursor(encodeCursor(["rd_1"]), 1)).toEqual(["rd_1"]);
    expect(encodeCursor([at, "rd_1"])).toMatch(/^[A-Za-z0-9+/=]+$/);
  });

  it("refuse what they did not make", () => {
    expect(() => decodeCursor("%%%", 2)).toThrow("invalid page cursor");
    expect(() => decodeCursor(encodeCursor(["no-separator"]), 2)).toThrow("invalid page cursor");
    expect([isCursor("%%%", 1), isCursor(btoa("\xff"), 1), isCursor(encodeCursor(["a"]), 2)]).toEqual([false, false, false]);
    expect([isCursor(encodeCursor(["rd_1"]), 1), isCursor(encodeCursor(["a", "b"]), 2)]).toEqual([true, true]);
  });

  it("keep page sizes sane", () => {
    expect(pageLimit(0)).toBe(1);
    expect(pageLimit(50.7)).toBe(50);
    expect(pageLimit(10_000)).toBe(1000);
    expect(pageLimit(Number.NaN)).toBe(1000);
  });
});

describe("orphan holds", () => {
  const now = Date.parse("2026-07-01T10:10:00Z");
  const hold = { createdAt: "2026-07-01T10:00:00Z" };

  it("are the holds the ledger does not know as placed, once old enough", () => {
    expect(isOrphanCandidate(hold, null, now, 5 * 60_000)).toBe(true);
    expect(isOrphanCandidate(hold, { outcome: "declined" }, now, 5 * 60_000)).toBe(true);
    expect(isOrphanCandidate(hold, { outcome: "succeeded" }, now, 0)).toBe(false);
    expect(isOrphanCandidate(hold, null, now, 11 * 60_000)).toBe(false);
    expect(isOrphanCandidate({ createdAt: "not a date" }, null, now, 0)).toBe(false);
  });

  it("are voided when their ride is over or gone, or they are a dues account's; a live ride keeps its hold, and so does a no-show fee to capture", () => {
    const ride = (status: Ride["status"], fare: Ride["fare"] = null, payment: Ride["payment"]["status"] = "authorized") => ({
      status,
      fare,
      payment: { status: payment },
    });
    expect(holdIsOwedAVoid("rd_1", null)).toBe(true);
    expect(holdIsOwedAVoid("rd_1", ride("cancelled"))).toBe(true);
    expect(holdIsOwedAVoid("rd_1", ride("completed", { amount: 9900, currency: "KRW" }, "failed"))).toBe(true);
    expect(holdIsOwedAVoid("dues:r1", null)).toBe(true);
    for (const status of ["requested", "dispatching", "driver_assigned", "in_progress", "payment_pending"] as const) {
      expect(holdIsOwedAVoid("rd_1", ride(status)), status).toBe(false);
    }
    // A no-show's fee is captured from the hold: voiding it first would lose the fee (or, raced, void a charged hold).
    const fee = { amount: 3000, currency: "KRW" as const };
    expect(holdIsOwedAVoid("rd_1", ride("cancelled", fee, "authorized"))).toBe(false);
    // Its authorisation's answer not yet applied (a backlog of results): the same hold, still owed the fee.
    expect(holdIsOwedAVoid("rd_1", ride("cancelled", fee, "pending"))).toBe(false);
    expect(holdIsOwedAVoid("rd_1", ride("cancelled", fee, "captured"))).toBe(true);
  });
});
