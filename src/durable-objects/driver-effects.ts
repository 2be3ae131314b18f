/**
 * The Driver DO's calls to other objects: the rides it is offered or driving, and the
 * dispatch cells that list it. Only the Driver DO's `perform` calls these.
 */
import type { DriverEffect, DriverRecord } from "../driver/types";
import { indexPoint, leaseMs, type ListingConfig } from "../driver/driver-rules";
import { productsOf } from "../driver/vehicle";
import type { Outcome } from "../lib/problem";
import { PEER_CALL_MS, within } from "../lib/timeout";
import { cellOf, cellStub, rideStub } from "./stubs";

/**
 * Tells a ride about its driver. Best effort: a lost withdrawal is ended by the ride's
 * offer timer; a lost move by the next report. A move is answered with whether the ride
 * wants more of them (`more: false` once it is past the pickup).
 *
 * @example
 * await tellRide(env, { type: "driverMoved", rideId, driverId, location });
 */
export async function tellRide(env: Pick<Env, "RIDE">, effect: Exclude<DriverEffect, { type: "syncIndex" }>): Promise<Outcome<{ more: boolean } | null>> {
  const ride = rideStub(env, effect.rideId);
  if (effect.type === "driverMoved") return (await ride.driverMoved(effect.driverId, effect.location)) as Outcome<{ more: boolean }>;
  return (await within(
    PEER_CALL_MS,
    Promise.resolve(ride.withdrawOffer(effect.driverId, effect.reason, effect.correlationId)),
    "withdraw offer",
  )) as Outcome<null>;
}

/** What the driver record keeps of its listing once the dispatch index was written. */
export type Listed = Pick<DriverRecord, "indexedCell" | "indexedAt" | "indexedVersion">;

/**
 * Lists the driver in the cell of their position while dispatchable (with a lease, see
 * `leaseMs`), and removes them from the cell they were listed in when they moved or
 * stopped being dispatchable (a driver silent past the freshness limit included).
 * Answers where the driver is listed now, for the record.
 *
 * @example
 * Object.assign(record, await listDriver(env, record, new Date(), config));
 */
export async function listDriver(env: Pick<Env, "DISPATCH_CELL">, record: DriverRecord, now: Date, config: ListingConfig): Promise<Listed> {
  const { driver, indexedCell: previous } = record;
  const point = indexPoint(driver, now, config.driverFreshnessS);
  const cell = point ? cellOf(point) : null;
  if (previous && previous !== cell) await cellStub(env, previous).remove(driver.id);
  if (cell && point) {
    const reportedAt = Date.parse(driver.locationAt ?? new Date(0).toISOString());
    const listedUntil = now.getTime() + leaseMs(config);
    const entry = {
      driverId: driver.id,
      lat: point.lat,
      lng: point.lng,
      product: driver.vehicle.product,
      products: productsOf(driver.vehicle),
      reportedAt,
      listedUntil,
    };
    await cellStub(env, cell).upsert(entry);
  }
  return { indexedCell: cell, indexedAt: now.getTime(), indexedVersion: driver.version };
}
