/** What a ride answers a Driver DO: a wake (a driver listed near it), and whether it still claims the driver. */
import { describe, expect, it } from "vitest";
import type { RideRecord } from "../domain/ride-machine";
import { claimsDriver, ROUND_ON_ITS_WAY_MS, wakeAnswer } from "./dispatch";

describe("a woken ride", () => {
  const base = { ride: { status: "dispatching" }, excludedDriverIds: ["dX"] };
  const NOW = 1_000_000;
  it("dispatches at once while it waits, passes over a driver it excluded, and says so when it no longer waits", () => {
    expect(wakeAnswer(base as unknown as RideRecord, "d1", null, NOW)).toBe("dispatching");
    expect(wakeAnswer(base as unknown as RideRecord, "dX", null, NOW)).toBe("excluded");
    expect(wakeAnswer({ ...base, offer: { driverId: "d2" } } as unknown as RideRecord, "d1", null, NOW)).toBe("not_waiting");
    expect(wakeAnswer({ ...base, ride: { status: "cancelled" } } as unknown as RideRecord, "d1", null, NOW)).toBe("not_waiting");
    expect(wakeAnswer(null, "d1", null, NOW)).toBe("not_waiting");
  });

  it("a round already on its way (woken a moment ago, or its first) answers queued, so the driver goes on to the next ride; one due later is brought forward", () => {
    const ride = base as unknown as RideRecord;
    expect(wakeAnswer(ride, "d2", NOW + ROUND_ON_ITS_WAY_MS, NOW)).toBe("queued");
    expect(wakeAnswer(ride, "d2", NOW - 5, NOW), "a round running now").toBe("queued");
    expect(wakeAnswer(ride, "d2", NOW + ROUND_ON_ITS_WAY_MS + 1, NOW)).toBe("dispatching");
    expect(wakeAnswer(ride, "dX", NOW, NOW), "excluded is said first").toBe("excluded");
  });
});

describe("whether a ride still claims a driver (a Driver DO held for it asks)", () => {
  const at = (status: string, patch: Record<string, unknown> = {}) =>
    ({ ride: { status, driver: null, ...patch }, offer: null, excludedDriverIds: [] }) as unknown as RideRecord;

  it("claims the driver it holds, offers or is reserving, while it may hold one", () => {
    expect(claimsDriver(at("driver_assigned", { driver: { id: "d1" } }), "d1")).toBe(true);
    expect(claimsDriver(at("in_progress", { driver: { id: "d1" } }), "d1")).toBe(true);
    expect(claimsDriver({ ...at("dispatching"), offer: { driverId: "d1", expiresAt: "" } } as RideRecord, "d1")).toBe(true);
    expect(claimsDriver({ ...at("dispatching"), reserving: "d1" } as RideRecord, "d1")).toBe(true);
  });

  it("no claim on another driver, from an ended ride (it released its driver), or from no ride at all", () => {
    expect(claimsDriver(at("driver_assigned", { driver: { id: "d2" } }), "d1")).toBe(false);
    expect(claimsDriver(at("dispatching"), "d1")).toBe(false);
    for (const ended of ["payment_pending", "completed", "cancelled"]) expect(claimsDriver(at(ended, { driver: { id: "d1" } }), "d1"), ended).toBe(false);
    expect(claimsDriver({ ...at("cancelled"), reserving: "d1" } as RideRecord, "d1")).toBe(false);
    expect(claimsDriver(null, "d1")).toBe(false);
  });
});
