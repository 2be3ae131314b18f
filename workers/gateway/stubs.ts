/**
 * The gateway's side of the stubs module (src/durable-objects/stubs.ts): ride ids that
 * come from outside (URLs, queue messages) are checked before they name an object, and
 * the payment worker's service binding gets its type.
 */
import { AppError } from "../../src/lib/problem";
import { rideStub, type RideStub } from "../../src/durable-objects/stubs";
import type { PaymentService } from "../payment/service";

export { cellOf, cellStub, driverStub, opsFeedStub, rideStub, type DriverStub, type RideStub } from "../../src/durable-objects/stubs";

/** The shape of every id `newId("rd")` and `rideIdFor` make. */
const RIDE_ID = /^rd_[a-z0-9]{20,30}$/;

/**
 * The Ride object of an untrusted `rideId`, or null when the id cannot be one of ours:
 * naming an object creates it, so a typo must never reach `idFromName`.
 *
 * @example
 * const stub = rideStubIfValid(env, message.body.rideId);
 * if (!stub) return null;
 */
export function rideStubIfValid(env: Pick<Env, "RIDE">, rideId: string): RideStub | null {
  return RIDE_ID.test(rideId) ? rideStub(env, rideId) : null;
}

/** What a request about a ride that cannot exist is answered. */
export const noSuchRide = (): AppError => new AppError("not_found", "no such ride");

/**
 * The Ride object of a ride id from a request, or the request's answer when there is
 * none: 404 not_found unless the route says otherwise (`missing`). The one place every
 * `/v1/rides/{id}/...` handler resolves its ride.
 *
 * @example
 * const stub = resolveRide(c.env, c.req.valid("param").id);
 * return c.json(unwrap(await stub.get(c.var.actor)), 200);
 */
export function resolveRide(env: Pick<Env, "RIDE">, rideId: string, missing: () => AppError = noSuchRide): RideStub {
  const stub = rideStubIfValid(env, rideId);
  if (!stub) throw missing();
  return stub;
}

/**
 * The payment worker's internal API (service binding to its PaymentService entrypoint).
 * Wrangler types a cross-worker entrypoint as a bare `Service`; its class is ours to name.
 *
 * @example
 * const ledger = await paymentService(env).ledgerFor(rideId);
 */
export function paymentService(env: Pick<Env, "PAYMENTS">): Service<PaymentService> {
  return env.PAYMENTS as unknown as Service<PaymentService>;
}
