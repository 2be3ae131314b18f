/** What a ride answers a Driver DO: a wake (a driver listed near it), and whether it still claims the driver. */
import { describe, expect, it } from "vitest";
import type { RideRecord } from "../domain/ride-machine";
import { claimsDriver, wakeAnswer } from "./dispatch";

describe("a woken ride", () => {
  const base = { ride: { status: "dispatching" }, excludedDriverIds: ["dX"] };
  it("dispatches at once while it waits, passes over a driver it excluded, and says so when it no longer waits", () => {
    expect(wakeAnswer(base as unknown as RideRecord, "d1")).toBe("dispatching");
    expect(wakeAnswer(base as unknown as RideRecord, "dX")).toBe("excluded");
    expect(wakeAnswer({ ...base, offer: { driverId: "d2" } } as unknown as RideRecord, "d1")).toBe("not_waiting");
    expect(wakeAnswer({ ...base, ride: { status: "cancelled" } } as unknown as RideRecord, "d1")).toBe("not_waiting");
    expect(wakeAnswer(null, "d1")).toBe("not_waiting");
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
