/**
 * The one place that turns a name into a Durable Object stub. Every object in this
 * system is addressed by name (`idFromName`): a ride by its id, a driver by theirs, a
 * dispatch cell by its geohash. Naming lives here so that the name a writer uses and
 * the name a reader uses can never drift apart (a cell computed at another precision
 * would silently be another, empty object).
 *
 * Stubs are typed by the namespace's class, so RPC results come back as the methods
 * declare them: `await rideStub(env, id).get(actor)` is an `Outcome<Ride>`, no cast.
 */
import { dispatchCell } from "../domain/geo";
import type { LatLng } from "../domain/types";
import { countedStub } from "../lib/metering";

/** The class behind a namespace binding: what its stubs' RPC methods are typed by. */
type ObjectOf<N> = N extends DurableObjectNamespace<infer T> ? T : never;
/** A stub of a Ride object. */
export type RideStub = DurableObjectStub<ObjectOf<Env["RIDE"]>>;
/** A stub of a Driver object. */
export type DriverStub = DurableObjectStub<ObjectOf<Env["DRIVER"]>>;
/** A stub of a Rider object. */
export type RiderStub = DurableObjectStub<ObjectOf<Env["RIDER"]>>;
/** A stub of a Rental object. */
export type RentalStub = DurableObjectStub<ObjectOf<Env["RENTAL"]>>;
/** A stub of a RentalVehicle object. */
export type RentalVehicleStub = DurableObjectStub<ObjectOf<Env["RENTAL_VEHICLE"]>>;
/** A stub of a DispatchCell object. */
export type CellStub = DurableObjectStub<ObjectOf<Env["DISPATCH_CELL"]>>;
/** A stub of a DispatchDistrict object. */
export type DistrictStub = DurableObjectStub<ObjectOf<Env["DISPATCH_DISTRICT"]>>;

/**
 * The stub of the object named `name` in `ns`: the generic form of every helper below,
 * also for objects other workers own (the payment simulator, the circuit breaker).
 *
 * @example
 * const breaker = stubFor(env.PAYMENT_BREAKER, "stripe");
 * await breaker.acquire();
 */
export function stubFor<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, name: string): DurableObjectStub<T> {
  // Development only: counted per object and method (src/lib/metrics.ts); the stub itself otherwise.
  return countedStub(ns.get(ns.idFromName(name)), ns, name);
}

/**
 * The Ride object of `rideId`. Trusts the id: callers holding an id from outside (a URL)
 * check its format first, so a typo never creates an empty object (see the gateway's
 * ride middleware).
 *
 * @example
 * const outcome = await rideStub(env, rideId).get(actor); // Outcome<Ride>
 */
export function rideStub(env: Pick<Env, "RIDE">, rideId: string): RideStub {
  return stubFor(env.RIDE, rideId);
}

/**
 * The Driver object of `driverId`.
 *
 * @example
 * await driverStub(env, driverId).notify({ type: "notification", id, event, rideId, text });
 */
export function driverStub(env: Pick<Env, "DRIVER">, driverId: string): DriverStub {
  return stubFor(env.DRIVER, driverId);
}

/**
 * The Rider object of `riderId` (what the rider owes).
 *
 * @example
 * const { dues } = await riderStub(env, riderId).account(riderId);
 */
export function riderStub(env: Pick<Env, "RIDER">, riderId: string): RiderStub {
  return stubFor(env.RIDER, riderId);
}

/**
 * The dispatch cell a point falls in: its geohash at the dispatch precision. Drivers
 * register in, and rides search, cells named by this function only.
 *
 * @example
 * cellOf({ lat: 37.5219, lng: 126.9245 }); // "wydm2"
 */
export function cellOf(point: LatLng): string {
  return dispatchCell(point);
}

/**
 * The DispatchCell object named `cell` (a name from `cellOf`, or from `cellsCovering`
 * at the same precision when searching around a point).
 *
 * @example
 * const until = await cellStub(env, cellOf(pickup)).noSupplyUntil("standard");
 */
export function cellStub(env: Pick<Env, "DISPATCH_CELL">, cell: string): CellStub {
  return stubFor(env.DISPATCH_CELL, cell);
}

/**
 * The DispatchDistrict object named `district` (a name from `districtOf(cell)`): the
 * supply map of its cells and the rides waiting on those that list nobody.
 *
 * @example
 * const { listing } = await districtStub(env, districtOf("wydm2")).supply(["wydm2"], waiter, Date.now());
 */
export function districtStub(env: Pick<Env, "DISPATCH_DISTRICT">, district: string): DistrictStub {
  return stubFor(env.DISPATCH_DISTRICT, district);
}

/**
 * The Rental object of `rentalId` (trusts the id, like `rideStub`).
 *
 * @example
 * const outcome = await rentalStub(env, rentalId).get(actor); // Outcome<Rental>
 */
export function rentalStub(env: Pick<Env, "RENTAL">, rentalId: string): RentalStub {
  return stubFor(env.RENTAL, rentalId);
}

/**
 * The RentalVehicle object of `vehicleId`: whether the vehicle is free, and for whom it is held.
 *
 * @example
 * await rentalVehicleStub(env, "rv_…").reserve(rentalId, correlationId);
 */
export function rentalVehicleStub(env: Pick<Env, "RENTAL_VEHICLE">, vehicleId: string): RentalVehicleStub {
  return stubFor(env.RENTAL_VEHICLE, vehicleId);
}

/**
 * The key-issuing service (simulated): one object.
 *
 * @example
 * const key = await keyIssuerStub(env).issue(rentalId);
 */
export function keyIssuerStub(env: Pick<Env, "KEY_ISSUER">): DurableObjectStub<ObjectOf<Env["KEY_ISSUER"]>> {
  return stubFor(env.KEY_ISSUER, "keys");
}

/**
 * The fleet: the one list of every rental vehicle registered (one object).
 *
 * @example
 * await fleetStub(env).add([vehicleId]);
 */
export function fleetStub(env: Pick<Env, "FLEET">): DurableObjectStub<ObjectOf<Env["FLEET"]>> {
  return stubFor(env.FLEET, "fleet");
}

/**
 * The operators' live feed: one object for the deployment (every console's socket, every
 * driver's throttled position, the views worker's markers).
 *
 * @example
 * const nextPushMs = await opsFeedStub(env).driverMoved(driverMarker(driver));
 */
export function opsFeedStub(env: Pick<Env, "OPS_FEED">): DurableObjectStub<ObjectOf<Env["OPS_FEED"]>> {
  return stubFor(env.OPS_FEED, "city");
}
