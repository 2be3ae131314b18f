import { describe, expect, it } from "vitest";
import type { DomainEvent, Driver, RiderAccount, ViewsMessage } from "../domain/events";
import { record } from "../domain/ride/fixtures";
import type { Rental, RentalVehicle } from "../domain/rental/types";
import { coalesceWrites } from "./coalesce";
import { earningOf, refundEarningId, rideMessages, writesOf } from "./projection";

const ride = { ...record("completed", "captured", { driver: true }).ride, createdAt: "2026-11-21T10:00:00.000Z" };
const split = (fare: number, commission: number) => ({
  driverId: "d1",
  fare: { amount: fare, currency: "KRW" },
  commission: { amount: commission, currency: "KRW" },
  earning: { amount: fare - commission, currency: "KRW" },
});
const event = (type: string, data: Record<string, unknown> = {}, version = 8): DomainEvent => ({
  id: `ev_${type}`,
  type,
  rideId: ride.id,
  version,
  occurredAt: "2026-11-21T10:20:00.000Z",
  correlationId: "c",
  causationId: null,
  data,
});

describe("earningOf", () => {
  it("a captured fare is one row keyed by the ride", () => {
    expect(earningOf(event("PaymentCaptured", { settlement: split(9900, 1980) }), ride.id)).toEqual({
      id: ride.id,
      rideId: ride.id,
      driverId: "d1",
      fare: 9900,
      commission: 1980,
      earning: 7920,
      currency: "KRW",
      createdAt: "2026-11-21T10:20:00.000Z",
    });
  });

  it("a settled fare (the rider's card declined, the driver paid) is a row like a capture", () => {
    expect(earningOf(event("DriverSettled", { settlement: split(9900, 1980) }), ride.id)).toMatchObject({ id: ride.id, earning: 7920 });
  });

  it("a refund adds a negative row keyed by its payment step, the ledger's id", () => {
    const data = { key: "k1", amount: { amount: 5000, currency: "KRW" }, adjustment: split(-5000, -1000) };
    const row = earningOf(event("PaymentRefunded", data), ride.id);
    expect(row).toMatchObject({ id: `${ride.id}:refund:k1`, rideId: ride.id, fare: -5000, commission: -1000, earning: -4000 });
    expect(row?.id).toBe(refundEarningId(ride.id, "k1"));
  });

  it("no row for a refund without a driver's share, a capture without a split, or any other event", () => {
    expect(earningOf(event("PaymentRefunded", { key: "k1", amount: { amount: 1, currency: "KRW" }, adjustment: null }), ride.id)).toBeNull();
    expect(earningOf(event("PaymentCaptured", {}), ride.id)).toBeNull();
    expect(earningOf(event("DuesIncurred", { amount: { amount: 9900, currency: "KRW" } }), ride.id)).toBeNull();
  });
});

describe("writesOf", () => {
  it("a ride event is its timeline row and snapshot, plus its earnings row", () => {
    const e = event("PaymentCaptured", { settlement: split(9900, 1980) });
    const writes = writesOf({ kind: "ride.event", event: e, ride });
    expect(writes.map((w) => w.kind)).toEqual(["ride", "earning"]);
    expect(writes[0]).toMatchObject({ kind: "ride", event: e, ride, dispatchMs: null });
  });

  it("a commit's message is every one of its events, each with the ride's snapshot; one without events is poison", () => {
    const events = [event("DispatchStarted", {}, 2), event("DriverAssigned", {}, 3)];
    const writes = writesOf({ kind: "ride.events", events, ride });
    expect(writes.map((w) => (w.kind === "ride" ? [w.event.type, w.ride.version, w.dispatchMs !== null] : w.kind))).toEqual([
      ["DispatchStarted", ride.version, false],
      ["DriverAssigned", ride.version, true],
    ]);
    expect(() => writesOf({ kind: "ride.events", events: [], ride })).toThrow(/without a ride or its events/);
  });

  it("a parcel's sealed code rides on each of its ride writes, and the coalesced batch keeps it for the row", () => {
    const events = [event("DispatchStarted", {}, 2), event("DriverAssigned", {}, 3)];
    const writes = writesOf({ kind: "ride.events", events, ride, handoverSealed: "iv.sealed" });
    expect(writes.map((w) => w.kind === "ride" && w.handoverSealed)).toEqual(["iv.sealed", "iv.sealed"]);
    // With an older message of the ride that had none (the healing's), in either order.
    const older = writesOf({ kind: "ride.event", event: event("RideRequested", {}, 1), ride: { ...ride, version: 1 } });
    expect(coalesceWrites([...older, ...writes]).rides).toEqual([expect.objectContaining({ handoverSealed: "iv.sealed" })]);
    expect(coalesceWrites([...writes, ...older]).rides).toEqual([expect.objectContaining({ handoverSealed: "iv.sealed" })]);
    expect(coalesceWrites(older).rides).toEqual([expect.objectContaining({ handoverSealed: null })]);
  });

  it("the first assignment carries the dispatch time", () => {
    const e = { ...event("DriverAssigned"), occurredAt: "2026-11-21T10:00:04.500Z" };
    expect(writesOf({ kind: "ride.event", event: e, ride })[0]).toMatchObject({ dispatchMs: 4500 });
  });

  it("driver and rider events are their snapshots", () => {
    const driver = { id: "d1", version: 3 } as Driver;
    const rider: RiderAccount = { id: "r1", dues: { amount: 9900, currency: "KRW" }, items: [], version: 2, updatedAt: "2026-11-21T10:00:00.000Z" };
    expect(writesOf({ kind: "driver.event", event: event("DriverWentOnline"), driver })).toEqual([{ kind: "driver", driver }]);
    expect(writesOf({ kind: "rider.event", event: event("DuesIncurred"), rider })).toEqual([{ kind: "rider", rider }]);
  });

  it("a message it cannot read throws (it is poison: it ends in the dead letters)", () => {
    expect(() => writesOf({ kind: "scooter.event" } as unknown as ViewsMessage)).toThrow(/unknown views message kind: scooter.event/);
    expect(() => writesOf({ kind: "rental.event", event: event("X") } as unknown as ViewsMessage)).toThrow(/without a rental/);
    expect(() => writesOf({ kind: "rental-vehicle.event", event: event("X") } as unknown as ViewsMessage)).toThrow(/without a vehicle/);
    expect(() => writesOf({ kind: "ride.event", event: event("X") } as unknown as ViewsMessage)).toThrow(/without a ride/);
    expect(() => writesOf({ kind: "rider.event", event: event("X") } as unknown as ViewsMessage)).toThrow(/without a rider/);
  });
});

describe("rentals in the views", () => {
  it("a rental's and a vehicle's events write their snapshot rows", () => {
    const rental = { id: "rn_1", unlockKey: null, version: 4 } as Rental;
    const vehicle = { id: "rv_1", version: 2 } as RentalVehicle;
    expect(writesOf({ kind: "rental.event", event: event("RentalConfirmed"), rental })).toEqual([{ kind: "rental", rental }]);
    expect(writesOf({ kind: "rental-vehicle.event", event: event("VehicleReserved"), vehicle })).toEqual([{ kind: "rentalVehicle", vehicle }]);
  });
});

describe("rideMessages", () => {
  it("every timeline item becomes an event of the ride, each with the current snapshot", () => {
    const timeline = [1, 2, 3].map((version) => ({
      id: `ev${version}`,
      type: `T${version}`,
      version,
      occurredAt: ride.createdAt,
      correlationId: "c",
      data: {},
    }));
    const messages = rideMessages(ride, timeline);
    expect(messages).toHaveLength(3);
    expect(messages.every((m) => m.kind === "ride.event" && m.ride === ride)).toBe(true);
    expect(messages[2]!.event).toEqual({ ...timeline[2], rideId: ride.id, causationId: null });
  });
});
