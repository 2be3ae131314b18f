/**
 * A driver record for the driver unit tests: approved, available, reported 5 s before
 * `now` and listed in its dispatch cell then, holding no offer unless `offer` is given.
 *
 * @example
 * const record = driverRecord(new Date(), { status: "offered" });
 */
import type { Driver, DriverStatus } from "../domain/events";
import { dispatchCell } from "../domain/geo";
import { indexPoint } from "./driver-rules";
import type { DriverOffer, DriverRecord } from "./types";

export function driverRecord(now: Date, patch: Partial<Driver> = {}, offer: DriverOffer | null = null): DriverRecord {
  const driver: Driver = {
    id: "d1",
    name: "Kim",
    vehicle: { plate: "1", model: "m", product: "standard" },
    approval: "approved",
    status: "available",
    location: { lat: 37.5, lng: 127 },
    locationAt: new Date(now.getTime() - 5000).toISOString(),
    currentRideId: null,
    version: 4,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...patch,
  };
  // Listed as the Driver DO leaves a driver: in the cell of their position while dispatchable, written with the last report.
  const point = indexPoint(driver);
  return {
    driver,
    offer,
    indexedCell: point ? dispatchCell(point) : null,
    indexedAt: Date.parse(driver.locationAt ?? driver.updatedAt),
    indexedVersion: driver.version,
  };
}

/**
 * An offer of ride `rideId` (standard, 9,800 KRW, near Seoul City Hall) expiring at `expiresAt`.
 *
 * @example
 * driverRecord(now, { status: "offered", currentRideId: "rd_1" }, testOffer("rd_1"));
 */
export const testOffer = (rideId: string, expiresAt = "2026-11-21T10:00:15Z"): DriverOffer => ({
  rideId,
  pickup: { lat: 37.5, lng: 127 },
  dropoff: { lat: 37.51, lng: 127.01 },
  product: "standard",
  quote: { amount: 9800, currency: "KRW" },
  expiresAt,
});

/** The status before the command the driver-machine tests plan with (`planDriver`'s `statusBefore`), unless a test says otherwise. */
export const ON_DUTY: DriverStatus | null = "available";

/**
 * What `planDriver` plans with in the driver unit tests, at `now`: test listing and silence limits,
 * one event id, and an on-duty driver before the command.
 *
 * @example
 * planDriver(command, d.record, d.events, planContext(NOW));
 */
export const planContext = (now: Date) => ({
  listing: { cellRefreshS: 60, driverFreshnessS: 30 },
  silence: { driverOfflineAfterS: 600, driverPickupSilentS: 180 },
  now,
  correlationId: "req-1",
  newId: () => "ev_1",
  statusBefore: ON_DUTY,
});
