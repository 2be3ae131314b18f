import { describe, expect, it } from "vitest";
import type { DomainEvent, Driver } from "../domain/events";
import { record } from "../domain/ride/fixtures";
import { coalesceWrites } from "./coalesce";
import type { ViewWrite } from "./projection";

const base = record("completed", "captured", { driver: true }).ride;
const rideAt = (id: string, version: number) => ({ ...base, id, version });
const event = (rideId: string, version: number, type = "X"): DomainEvent => ({
  id: `ev_${rideId}_${version}`,
  type,
  rideId,
  version,
  occurredAt: "2026-12-01T10:00:00.000Z",
  correlationId: "c",
  causationId: null,
  data: {},
});
const rideWrite = (id: string, version: number, dispatchMs: number | null = null): ViewWrite => ({
  kind: "ride",
  event: event(id, version),
  ride: rideAt(id, version),
  dispatchMs,
});
const driverAt = (id: string, version: number) => ({ kind: "driver", driver: { id, version } as Driver }) as const;

describe("coalesceWrites", () => {
  it("keeps only the newest snapshot of each ride, whatever the order, and no timeline row (the Ride DO keeps the timeline)", () => {
    const c = coalesceWrites([rideWrite("a", 2), rideWrite("b", 1), rideWrite("a", 4), rideWrite("a", 3), rideWrite("a", 4)]);
    expect(Object.keys(c).sort()).toEqual(["drivers", "others", "riders", "rides"]);
    expect(c.rides.map((r) => [r.ride.id, r.ride.version])).toEqual([
      ["a", 4],
      ["b", 1],
    ]);
  });

  it("keeps the earliest assignment's dispatch time of a ride (a re-dispatch in the same batch does not replace it)", () => {
    const c = coalesceWrites([rideWrite("a", 5, 9000), rideWrite("a", 2, 1200), rideWrite("a", 6)]);
    expect(c.rides).toEqual([{ ride: rideAt("a", 6), dispatchMs: 1200, handoverSealed: null }]);
  });

  it("keeps the newest snapshot of each driver and rider, and every other write in order", () => {
    const earning = { kind: "earning", row: { id: "e1" } } as unknown as ViewWrite;
    const c = coalesceWrites([driverAt("d1", 3), earning, driverAt("d1", 5), driverAt("d2", 1), driverAt("d1", 4)]);
    expect(c.drivers.map((d) => [d.id, d.version])).toEqual([
      ["d1", 5],
      ["d2", 1],
    ]);
    expect(c.others).toEqual([earning]);
  });
});
