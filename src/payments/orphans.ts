/**
 * Orphan holds: holds the provider has open under this platform's idempotency keys but
 * the ledger never recorded as placed (the provider authorised, then the ledger write was
 * lost in a crash). Reconciliation voids those whose ride is over; a live ride's hold is
 * left to the ride's own saga, whose watchdog asks for the authorisation again and gets
 * this very hold back (same key).
 */
import type { Ride } from "../domain/types";
import { isDuesAccount } from "./dues";

/**
 * Whether a provider hold is the ledger's blind spot and old enough to act on: the ledger
 * has no row for its key, or one that did not succeed, and it was placed at least
 * `minAgeMs` ago (a younger one may still be on its way into the ledger).
 *
 * @example
 * isOrphanCandidate({ createdAt: "2026-01-01T00:00:00Z" }, null, Date.parse("2026-01-01T00:10:00Z"), 300_000); // true
 */
export function isOrphanCandidate(hold: { createdAt: string }, known: { outcome: string } | null, now: number, minAgeMs: number): boolean {
  if (known?.outcome === "succeeded") return false;
  const placedAt = Date.parse(hold.createdAt);
  return Number.isFinite(placedAt) && now - placedAt >= minAgeMs;
}

/**
 * Whether a hold on this reference may be voided: a dues account's (nobody else will
 * charge it), or a ride that is gone, cancelled or completed (nothing will capture it), but
 * for a cancelled ride whose no-show fee (its `fare`) is still to be captured from that hold (held, or its
 * authorisation not yet heard of by the ride).
 *
 * @example
 * holdIsOwedAVoid("rd_1", null); // true: the ride is gone
 * holdIsOwedAVoid("rd_1", { status: "dispatching", fare: null, payment: { status: "authorized" } }); // false: the ride's saga owns it
 */
export function holdIsOwedAVoid(reference: string, ride: Pick<Ride, "status" | "fare" | "payment"> | null): boolean {
  if (isDuesAccount(reference)) return true;
  if (ride === null) return true;
  // A fee's hold is left to the ride's saga also while the ride has not heard of it yet (`pending`: its result delayed or
  // lost): the watchdog asks for it again under its key, and the capture of the fee follows.
  if (ride.status === "cancelled" && (ride.fare?.amount ?? 0) > 0 && ["authorized", "pending"].includes(ride.payment.status)) return false;
  return ride.status === "cancelled" || ride.status === "completed";
}
