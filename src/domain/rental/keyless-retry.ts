/**
 * A rental request sent again without an `Idempotency-Key` (its 202 lost on the way back). Its
 * first try holds the vehicle, so the second is refused `vehicle_unavailable`, and the rider,
 * told the vehicle is in another rental, believes they have none while the first goes on and is
 * charged. The same rider's same body, soon after, is taken for that request and answered its
 * rental, as a key would have answered it. A rider cannot mean a second rental of a vehicle their
 * own rental holds.
 */
import type { Rental } from "./types";

/** How long after a rental's request the same body sent again without a key is taken for it. */
export const KEYLESS_RETRY_MS = 10 * 60_000;

/**
 * Whether `rental` is what the rider's request sent again made: theirs, made by the same body
 * (`sameBody`: its hash), not ended, and made within `KEYLESS_RETRY_MS` of `now`.
 *
 * @example
 * isKeylessRetry(rental, "r1", true, new Date()); // true for r1's rental requested a minute ago
 */
export function isKeylessRetry(rental: Pick<Rental, "riderId" | "status" | "createdAt">, riderId: string, sameBody: boolean, now: Date): boolean {
  const live = rental.status === "requested" || rental.status === "confirmed";
  return sameBody && live && rental.riderId === riderId && now.getTime() - Date.parse(rental.createdAt) <= KEYLESS_RETRY_MS;
}
