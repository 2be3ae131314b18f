import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import { render, TEMPLATES } from "./templates";

const ride: Ride = {
  id: "rd_1", status: "driver_assigned", version: 5, riderId: "r1", product: "standard",
  pickup: { lat: 37.52, lng: 126.92, address: "Yeouido" }, dropoff: { lat: 37.49, lng: 126.95, address: "Sangdo-dong" },
  quote: { amount: 9800, currency: "KRW" },
  driver: { id: "d1", name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" }, location: null },
  etaSeconds: 240, fare: { amount: 12300, currency: "KRW" }, payment: { status: "captured" }, cancellation: { by: "system", reason: "no_driver_available" },
  distanceMeters: 4000, durationSeconds: 600, locale: "ko", createdAt: "", updatedAt: "",
};
const event = (type: string): DomainEvent => ({ id: "ev1", type, rideId: "rd_1", version: 5, occurredAt: "", correlationId: "c", causationId: null, data: {} });

describe("notification templates", () => {
  it("has Korean and English for every rider-facing event", () => {
    for (const type of ["DriverAssigned", "DriverUnassigned", "DriverArrived", "TripStarted", "RideCompleted", "RideCancelled"]) {
      expect(TEMPLATES[type]).toBeDefined();
      expect(render(ride, event(type), "ko")).toMatch(/[가-힣]/);
      expect(render(ride, event(type), "en")?.replace(ride.driver!.vehicle.plate, "")).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it("puts the ride's details in the text", () => {
    expect(render(ride, event("DriverAssigned"), "ko")).toContain("30우8281");
    expect(render(ride, event("DriverAssigned"), "en")).toMatch(/Kim.*Sonata.*30우8281|Kim.*Sonata/);
    expect(render(ride, event("DriverAssigned"), "en")).toContain("4 min");
    expect(render(ride, event("RideCompleted"), "ko")).toContain("12,300원");
    expect(render(ride, event("RideCompleted"), "en")).toContain("KRW 12,300");
    expect(render(ride, event("TripStarted"), "en")).toContain("Sangdo-dong");
    expect(render(ride, event("RideCancelled"), "en")).toContain("try again");
    expect(render(ride, event("RideCancelled"), "ko")).toContain("다시 호출");
  });

  it("renders nothing for events riders are not told about", () => {
    expect(render(ride, event("DriverOffered"), "ko")).toBeNull();
  });
});
