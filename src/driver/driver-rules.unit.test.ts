import { describe, expect, it } from "vitest";
import type { Driver } from "../domain/events";
import { approvalEffect, canChangeVehicle, canGoOffline, canGoOnline, canReserve, indexPoint, type DriverRecord } from "./driver-rules";
import { driverRecord } from "./fixtures";

const now = new Date("2026-11-21T10:00:00Z");
const rec = (patch: Partial<Driver> = {}): DriverRecord => driverRecord(now, patch);

describe("driver availability rules", () => {
  it("reserves only an approved, available driver with a fresh location", () => {
    expect(canReserve(rec(), now, 30)).toEqual({ ok: true });
    expect(canReserve(rec({ status: "offered" }), now, 30)).toMatchObject({ ok: false, code: "offer_not_available" });
    expect(canReserve(rec({ status: "on_trip" }), now, 30)).toMatchObject({ ok: false });
    expect(canReserve(rec({ status: "offline" }), now, 30)).toMatchObject({ ok: false });
    expect(canReserve(rec({ approval: "pending" }), now, 30)).toMatchObject({ ok: false, code: "driver_not_approved" });
    expect(canReserve(rec({ locationAt: new Date(now.getTime() - 31_000).toISOString() }), now, 30)).toMatchObject({ ok: false });
    expect(canReserve(rec({ locationAt: null }), now, 30)).toMatchObject({ ok: false });
  });

  it("lets only approved drivers go online and refuses going offline mid-trip", () => {
    expect(canGoOnline(rec({ approval: "rejected" }))).toMatchObject({ ok: false, code: "driver_not_approved" });
    expect(canGoOffline(rec({ status: "on_trip" }))).toMatchObject({ ok: false, code: "invalid_transition" });
    expect(canGoOffline(rec())).toEqual({ ok: true });
    // An open offer is let go on the way out (DriverWentOffline withdraws it), not a reason to refuse.
    expect(canGoOffline(rec({ status: "offered" }))).toEqual({ ok: true });
  });

  it("keeps the plate and products a rider was told while the driver has a ride; a new name or model is taken", () => {
    const onTrip = rec({ status: "on_trip", currentRideId: "rd_1" });
    const vehicle = onTrip.driver.vehicle;
    expect(canChangeVehicle(onTrip, { ...vehicle, plate: `${vehicle.plate}9` })).toMatchObject({ ok: false, code: "invalid_transition" });
    expect(canChangeVehicle(onTrip, { ...vehicle, products: ["standard", "deluxe"] })).toMatchObject({ ok: false, code: "invalid_transition" });
    expect(canChangeVehicle(onTrip, { ...vehicle, model: "Other" })).toEqual({ ok: true });
    for (const status of ["offline", "available", "offered"] as const)
      expect(canChangeVehicle(rec({ status }), { ...vehicle, plate: `${vehicle.plate}9` }), status).toEqual({ ok: true });
  });

  it("lists only available, approved drivers in the dispatch index", () => {
    expect(indexPoint(rec().driver)).toEqual({ lat: 37.5, lng: 127 });
    expect(indexPoint(rec({ status: "on_trip" }).driver)).toBeNull();
    expect(indexPoint(rec({ approval: "pending" }).driver)).toBeNull();
  });

  it("a rejection takes the driver offline and takes back its offer; a ride they hold is asked to go on without them", () => {
    const offer = {
      rideId: "rd_1",
      pickup: { lat: 37.5, lng: 127 },
      dropoff: { lat: 37.51, lng: 127.01 },
      product: "standard" as const,
      quote: { amount: 9800, currency: "KRW" as const },
      expiresAt: now.toISOString(),
    };
    const offered = { ...rec({ status: "offered", currentRideId: "rd_1" }), offer };
    expect(approvalEffect(offered, "rejected")).toEqual({ status: "offline", currentRideId: null, offer: null, withdrawnRideId: "rd_1", leftRideId: null });
    expect(approvalEffect(rec(), "rejected")).toMatchObject({ status: "offline", withdrawnRideId: null });
    expect(approvalEffect(rec({ status: "on_trip", currentRideId: "rd_2" }), "rejected")).toEqual({
      status: "on_trip",
      currentRideId: "rd_2",
      offer: null,
      withdrawnRideId: null,
      leftRideId: "rd_2",
    });
    // Sent back to pending is not a rejection: the ride is not asked (a driver with a ride cannot change vehicle).
    expect(approvalEffect(rec({ status: "on_trip", currentRideId: "rd_2" }), "pending")).toMatchObject({ status: "on_trip", leftRideId: null });
    expect(approvalEffect(offered, "approved")).toEqual({ status: "offered", currentRideId: "rd_1", offer, withdrawnRideId: null, leftRideId: null });
  });
});
