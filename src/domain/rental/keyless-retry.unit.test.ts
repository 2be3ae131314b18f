import { describe, expect, it } from "vitest";
import { isKeylessRetry, KEYLESS_RETRY_MS } from "./keyless-retry";

const NOW = new Date("2026-12-07T10:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const rental = (over: Partial<{ riderId: string; status: "requested" | "confirmed" | "cancelled" | "completed" | "declined"; createdAt: string }> = {}) => ({
  riderId: "r1",
  status: "requested" as const,
  createdAt: ago(5_000),
  ...over,
});

describe("a rental request sent again without a key", () => {
  it("is the rental its first try made: the same rider, the same body, live, soon after", () => {
    expect(isKeylessRetry(rental(), "r1", true, NOW)).toBe(true);
    expect(isKeylessRetry(rental({ status: "confirmed", createdAt: ago(KEYLESS_RETRY_MS) }), "r1", true, NOW)).toBe(true);
  });

  it("is not: another rider, another body, an ended rental, or one made long before (a vehicle in another rental: 409)", () => {
    expect(isKeylessRetry(rental(), "r2", true, NOW)).toBe(false);
    expect(isKeylessRetry(rental(), "r1", false, NOW)).toBe(false);
    for (const status of ["cancelled", "completed", "declined"] as const) expect(isKeylessRetry(rental({ status }), "r1", true, NOW), status).toBe(false);
    expect(isKeylessRetry(rental({ createdAt: ago(KEYLESS_RETRY_MS + 1) }), "r1", true, NOW)).toBe(false);
  });
});
