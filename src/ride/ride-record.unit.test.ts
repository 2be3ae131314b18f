import { describe, expect, it } from "vitest";
import { NOW } from "../domain/ride/fixtures";
import { newRideRecord, requestedEvent, viewFor, type CreateRideInput } from "./ride-record";

const input: CreateRideInput = {
  rideId: "rd_p",
  riderId: "r1",
  product: "parcel_small",
  pickup: { lat: 37.52, lng: 126.92 },
  dropoff: { lat: 37.49, lng: 126.95 },
  paymentMethod: "pm_card_visa",
  quote: { amount: 9800, currency: "KRW" },
  distanceMeters: 4000,
  durationSeconds: 600,
  locale: "ko",
  correlationId: "req-1",
  requestHash: "h",
  parcel: { view: { weightKg: 4.5, recipient: { name: "Park" }, note: null }, handoverCode: "4821", recipientPhoneSealed: "iv.sealed" },
};

describe("a parcel ride's record", () => {
  const record = newRideRecord(input, NOW, 60);

  it("shows the parcel without the phone; keeps the code and the sealed phone beside the ride, not in it", () => {
    expect(record.ride.parcel).toEqual({ weightKg: 4.5, recipient: { name: "Park" }, note: null });
    expect(record).toMatchObject({ handoverCode: "4821", recipientPhoneSealed: "iv.sealed" });
    expect(JSON.stringify(record.ride)).not.toContain("4821");
    expect(JSON.stringify(record.ride)).not.toContain("sealed");
    expect(JSON.stringify(requestedEvent(input))).not.toMatch(/4821|sealed/);
  });

  it("gives the handover code to the sender only", () => {
    expect(viewFor(record, { id: "r1", role: "rider" }).handoverCode).toBe("4821");
    expect(viewFor(record, { id: "r2", role: "rider" }).handoverCode).toBeUndefined();
    expect(viewFor(record, { id: "d1", role: "driver" }).handoverCode).toBeUndefined();
    expect(viewFor(record, { id: "ops", role: "ops" }).handoverCode).toBeUndefined();
  });

  it("a ride that is no parcel has neither", () => {
    const plain = newRideRecord({ ...input, product: "standard", parcel: undefined }, NOW, 60);
    expect(plain.ride.parcel).toBeUndefined();
    expect(viewFor(plain, { id: "r1", role: "rider" }).handoverCode).toBeUndefined();
  });
});
