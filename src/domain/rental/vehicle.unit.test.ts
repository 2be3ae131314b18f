import { describe, expect, it } from "vitest";
import { decideVehicle, newVehicle, planVehicle, type VehicleRecord } from "./vehicle";

const NOW = new Date("2026-12-01T10:00:00Z");
const fresh = () => newVehicle({ id: "rv_1", kind: "bike", location: { lat: 37.5, lng: 127 }, hourlyRate: { amount: 2000, currency: "KRW" } }, NOW);

function step(record: VehicleRecord, command: Parameters<typeof decideVehicle>[1]): VehicleRecord {
  const d = decideVehicle(record, command, NOW);
  if (d.kind !== "applied") throw new Error(d.kind);
  return d.record;
}

describe("rental vehicle machine", () => {
  it("a second rental cannot reserve a rented vehicle", () => {
    const rented = step(fresh(), { type: "reserve", rentalId: "rn_1" });
    expect(decideVehicle(rented, { type: "reserve", rentalId: "rn_2" }, NOW)).toMatchObject({ kind: "refused", code: "vehicle_unavailable" });
    expect(rented.vehicle).toMatchObject({ status: "rented", version: 2 });
  });

  it("reserve and release are idempotent by rental", () => {
    const rented = step(fresh(), { type: "reserve", rentalId: "rn_1" });
    expect(decideVehicle(rented, { type: "reserve", rentalId: "rn_1" }, NOW).kind).toBe("unchanged");
    expect(decideVehicle(rented, { type: "release", rentalId: "rn_2" }, NOW).kind).toBe("unchanged");
    const free = step(rented, { type: "release", rentalId: "rn_1" });
    expect(free).toMatchObject({ rentalId: null, vehicle: { status: "available" } });
    expect(decideVehicle(free, { type: "release", rentalId: "rn_1" }, NOW).kind).toBe("unchanged");
    expect(step(free, { type: "reserve", rentalId: "rn_2" }).rentalId).toBe("rn_2");
  });

  it("a release that says where leaves the vehicle there (listed there from then on); a repeat by another rental moves nothing", () => {
    const rented = step(fresh(), { type: "reserve", rentalId: "rn_1" });
    const there = { lat: 37.55, lng: 126.97 };
    expect(decideVehicle(rented, { type: "release", rentalId: "rn_2", at: there }, NOW).kind).toBe("unchanged");
    const d = decideVehicle(rented, { type: "release", rentalId: "rn_1", at: there }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.record.vehicle).toMatchObject({ status: "available", location: there });
    expect(d.events).toEqual([{ type: "VehicleReleased", data: { rentalId: "rn_1", location: there } }]);
    expect(step(rented, { type: "release", rentalId: "rn_1" }).vehicle.location).toEqual({ lat: 37.5, lng: 127 });
  });

  it("every change goes to the views with the vehicle", () => {
    const plan = planVehicle(null, fresh(), [{ type: "VehicleRegistered", data: {} }], { now: NOW, correlationId: "c", newId: () => "ev_1" });
    expect(plan.events[0]).toMatchObject({ type: "VehicleRegistered", version: 1 });
    expect(plan.messages[0]?.body).toMatchObject({ kind: "rental-vehicle.event", vehicle: { id: "rv_1", status: "available" } });
  });
});
