/**
 * A rental request refused `vehicle_unavailable` without an `Idempotency-Key`: the vehicle may be
 * held by this very request's first try, whose 202 was lost (src/domain/rental/keyless-retry.ts).
 * Its holder is asked, two calls on the refusal's path only.
 */
import type { Rental } from "../../src/domain/rental/types";
import { rentalStub, rentalVehicleStub } from "../../src/durable-objects/stubs";
import { ok, type Outcome } from "../../src/lib/problem";

/**
 * `created`, or, refused `vehicle_unavailable`, the rental holding the vehicle when it is what this
 * rider's same request made (answered as a key's repeat: `created` false).
 *
 * @example
 * const result = unwrap(key ? created : await orFirstTry(env, created, { riderId, vehicleId, requestHash }));
 */
export async function orFirstTry(
  env: Pick<Env, "RENTAL" | "RENTAL_VEHICLE">,
  created: Outcome<{ rental: Rental; created: boolean }>,
  request: { riderId: string; vehicleId: string; requestHash: string },
): Promise<Outcome<{ rental: Rental; created: boolean }>> {
  if (created.ok || created.problem.code !== "vehicle_unavailable") return created;
  const holder = await rentalVehicleStub(env, request.vehicleId).heldBy();
  const first = holder ? await rentalStub(env, holder).sameRequest(request.riderId, request.requestHash) : null;
  return first ? ok({ rental: first, created: false }) : created;
}
