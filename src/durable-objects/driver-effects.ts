/**
 * The Driver DO's calls to other objects: the rides it is offered or driving, and the
 * dispatch cells that list it. Only the Driver DO's `perform` calls these.
 */
import type { DriverEffect, DriverRecord } from "../driver/types";
import { indexPoint } from "../driver/driver-rules";
import { productsOf } from "../driver/vehicle";
import type { Outcome } from "../lib/problem";
import { PEER_CALL_MS, within } from "../lib/timeout";
import { cellOf, cellStub, rideStub } from "./stubs";

/**
 * Tells a ride about its driver. Best effort: a lost withdrawal is ended by the ride's
 * offer timer; a lost move by the next report.
 *
 * @example
 * await tellRide(env, { type: "driverMoved", rideId, driverId, location });
 */
export async function tellRide(env: Pick<Env, "RIDE">, effect: Exclude<DriverEffect, { type: "syncIndex" }>): Promise<Outcome<null>> {
  const ride = rideStub(env, effect.rideId);
  if (effect.type === "driverMoved") return (await ride.driverMoved(effect.driverId, effect.location)) as Outcome<null>;
  return (await within(
    PEER_CALL_MS,
    Promise.resolve(ride.withdrawOffer(effect.driverId, effect.reason, effect.correlationId)),
    "withdraw offer",
  )) as Outcome<null>;
}

/**
 * Lists the driver in the cell of their position while dispatchable, and removes them
 * from the cell they were listed in when they moved or stopped being dispatchable.
 * Answers the cell they are listed in now.
 *
 * @example
 * record.indexedCell = await listDriver(env, record);
 */
export async function listDriver(env: Pick<Env, "DISPATCH_CELL">, record: DriverRecord): Promise<string | null> {
  const { driver, indexedCell: previous } = record;
  const point = indexPoint(driver);
  const cell = point ? cellOf(point) : null;
  if (previous && previous !== cell) await cellStub(env, previous).remove(driver.id);
  if (cell && point) {
    const reportedAt = Date.parse(driver.locationAt ?? new Date(0).toISOString());
    const entry = { driverId: driver.id, lat: point.lat, lng: point.lng, product: driver.vehicle.product, products: productsOf(driver.vehicle), reportedAt };
    await cellStub(env, cell).upsert(entry);
  }
  return cell;
}
