/**
 * A rider's unpaid dues are charged outside any ride, so the ledger files them under an
 * account of their own: `dues:<riderId>` in place of a ride id. Everything that reads the
 * ledger's ride ids (reconciliation's ride lookups, the views' repair) skips these.
 */

export const DUES_PREFIX = "dues:";

/**
 * The ledger's "ride id" for a rider's dues.
 *
 * @example
 * duesAccount("r1"); // "dues:r1"
 */
export function duesAccount(riderId: string): string {
  return `${DUES_PREFIX}${riderId}`;
}

/**
 * Whether a ledger row's ride id is a dues account rather than a ride.
 *
 * @example
 * isDuesAccount("dues:r1"); // true
 * isDuesAccount("rd_abc"); // false
 */
export function isDuesAccount(rideId: string): boolean {
  return rideId.startsWith(DUES_PREFIX);
}
