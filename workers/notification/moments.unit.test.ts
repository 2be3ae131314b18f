import { describe, expect, it } from "vitest";
import { MOMENT_MAX_AGE_MS, tooLate } from "./moments";

const NOW = Date.parse("2026-12-05T10:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("notices of a moment", () => {
  it("an offer is news until it expires, not after", () => {
    expect(tooLate({ type: "DriverOffered", occurredAt: ago(10_000), data: { expiresAt: ago(-5_000) } }, NOW)).toBeNull();
    expect(tooLate({ type: "DriverOffered", occurredAt: ago(20_000), data: { expiresAt: ago(5_000) } }, NOW)).toMatch(/offer expired/);
  });

  it("an arrival, an assignment or a trip's start is news for MOMENT_MAX_AGE_MS", () => {
    for (const type of ["DriverArrived", "DriverAssigned", "TripStarted", "DriverUnassigned"]) {
      expect(tooLate({ type, occurredAt: ago(MOMENT_MAX_AGE_MS - 1) }, NOW), type).toBeNull();
      expect(tooLate({ type, occurredAt: ago(MOMENT_MAX_AGE_MS) }, NOW), type).toMatch(/no longer news/);
    }
  });

  it("a receipt, a cancellation, a refund or a payout stays true, whatever its age; an event with no time is sent", () => {
    for (const type of ["RideCompleted", "RideCancelled", "PaymentCaptured", "PaymentRefunded", "PayoutPaid", "DriverApproved"]) {
      expect(tooLate({ type, occurredAt: ago(7 * 24 * 3600_000) }, NOW), type).toBeNull();
    }
    expect(tooLate({ type: "DriverArrived" }, NOW)).toBeNull();
  });
});
