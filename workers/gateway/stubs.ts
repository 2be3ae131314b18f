/** Stubs of the Durable Objects the gateway talks to. */

const RIDE_ID = /^rd_[a-z0-9]{20,30}$/;

/** The Ride DO of `rideId`; ids that cannot be ours answer 404 without creating an object. */
export function rideStub(env: Env, rideId: string): DurableObjectStub<import("../../src/durable-objects/ride").RideDurableObject> | null {
  if (!RIDE_ID.test(rideId)) return null;
  return env.RIDE.get(env.RIDE.idFromName(rideId));
}

/** The payment worker's internal API (service binding to its PaymentService entrypoint). */
export function paymentService(env: Env): Service<import("../payment/service").PaymentService> {
  return env.PAYMENTS as unknown as Service<import("../payment/service").PaymentService>;
}

export function driverStub(env: Env, driverId: string) {
  return env.DRIVER.get(env.DRIVER.idFromName(driverId));
}
