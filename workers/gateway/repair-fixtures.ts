/**
 * Test fixtures of the views' healing (the repair sweep's and the rebuild's unit tests): a
 * ride's snapshot with its timeline, a rental's writes, a ledger earnings row.
 */
import { record } from "../../src/domain/ride/fixtures";
import type { Rental, RentalVehicle } from "../../src/domain/rental/types";
import type { EarningRow, TimelineEntry, ViewWrite } from "../../src/views/projection";
import type { RideSnapshot } from "./ride-snapshot";

/** A rental id (the ledger's ids are rides' and rentals'). */
export const rn = (name: string) => `rn_${name.padEnd(20, "0")}`;

/** A rental's writes, with its vehicle's. */
export const rentalWritesOf = (id: string): ViewWrite[] => [
  { kind: "rental", rental: { id, vehicleId: "rv_1" } as Rental },
  { kind: "rentalVehicle", vehicle: { id: "rv_1" } as RentalVehicle },
];

/** A ride in progress at version `versions`, with that many events. */
export function snapshotOf(id: string, versions = 3): RideSnapshot {
  const ride = { ...record("in_progress", "authorized", { driver: true }).ride, id, version: versions };
  const timeline: TimelineEntry[] = Array.from({ length: versions }, (_, i) => ({
    id: `${id}_ev${i + 1}`,
    type: `T${i + 1}`,
    version: i + 1,
    occurredAt: ride.createdAt,
    correlationId: "c",
    data: {},
  }));
  return { ride, timeline };
}

/** A ledger earnings row: a settlement (`rd_1`) or a refund adjustment (`rd_1:refund:k`). */
export const earning = (id: string): EarningRow => ({
  id,
  rideId: id.split(":")[0]!,
  driverId: "d1",
  fare: 100,
  commission: 20,
  earning: 80,
  currency: "KRW",
  createdAt: "2026-11-21T10:00:00.000Z",
});
