/**
 * Parcels: which products carry one, whether a parcel fits its class, and the handover
 * code the sender gives the courier. Pure (the code takes its randomness from the
 * platform's CSPRNG, `crypto.getRandomValues`, which Node and workerd both have).
 */
import type { Product, Ride } from "../types";
import type { RideCommand, RideDecision, RideRecord } from "./types";

/** The products that carry a parcel (and need a courier whose vehicle serves them). */
export const PARCEL_PRODUCTS: readonly Product[] = ["parcel_small", "parcel_large"];
/** The heaviest parcel of the small class (kg); large parcels are heavier. */
export const SMALL_PARCEL_MAX_KG = 10;

/**
 * Whether `product` carries a parcel.
 *
 * @example
 * isParcel("parcel_small"); // true
 */
export const isParcel = (product: Product): boolean => PARCEL_PRODUCTS.includes(product);

/** What a parcel request carries (the phone only on its way in). */
export interface ParcelRequest {
  weightKg: number;
  recipient: { name: string; phone: string };
  note?: string;
}

/**
 * Why `parcel` does not go with `product`, or null when it does: a parcel product needs a
 * parcel whose weight fits its class (small: over 0 up to 10 kg; large: over 10 kg up to
 * `maxKg`), and any other product takes none.
 *
 * @example
 * parcelProblem("parcel_small", { weightKg: 12, recipient }, 100); // "parcel.weightKg: 12 kg is over 10 kg, the most a parcel_small takes; ask for parcel_large"
 */
export function parcelProblem(product: Product, parcel: { weightKg: number } | undefined, maxKg: number): string | null {
  if (!isParcel(product)) return parcel ? `parcel: only parcel_small and parcel_large carry a parcel, not ${product}` : null;
  if (!parcel) return `parcel: a ${product} ride must carry {weightKg, recipient: {name, phone}, note?}`;
  const w = parcel.weightKg;
  if (!(w > 0)) return "parcel.weightKg: must be more than 0";
  if (w > maxKg) return `parcel.weightKg: ${w} kg is over ${maxKg} kg, the heaviest parcel accepted (PARCEL_MAX_KG)`;
  if (product === "parcel_small" && w > SMALL_PARCEL_MAX_KG) {
    return `parcel.weightKg: ${w} kg is over ${SMALL_PARCEL_MAX_KG} kg, the most a parcel_small takes; ask for parcel_large`;
  }
  if (product === "parcel_large" && w <= SMALL_PARCEL_MAX_KG) {
    return `parcel.weightKg: ${w} kg is not over ${SMALL_PARCEL_MAX_KG} kg, which a parcel_large needs; ask for parcel_small`;
  }
  return null;
}

/**
 * A 4-digit handover code, uniform over 0000-9999 (rejection sampling keeps it unbiased).
 *
 * @example
 * newHandoverCode(); // "0482"
 */
export function newHandoverCode(random: (into: Uint16Array) => Uint16Array = (a) => crypto.getRandomValues(a)): string {
  for (;;) {
    const [n] = random(new Uint16Array(1));
    if (n !== undefined && n < 60_000) return String(n % 10_000).padStart(4, "0");
  }
}

/**
 * Constant-time comparison of a code given with the one kept: no timing tells how much
 * matched. Anything but a string (missing, a number, an object with a `length`) is no match.
 *
 * @example
 * sameCode("4821", "4821"); // true
 * sameCode({ length: 4 }, "4821"); // false
 */
export function sameCode(given: unknown, kept: string): boolean {
  if (typeof given !== "string" || given.length !== kept.length) return false;
  let diff = 0;
  for (let i = 0; i < kept.length; i++) diff |= given.charCodeAt(i) ^ kept.charCodeAt(i);
  return diff === 0;
}

/**
 * The ride as its sender sees it: with the parcel's handover code (kept beside `ride`, never in it).
 *
 * @example
 * senderView(parcelRecord).handoverCode; // "4821"
 */
export const senderView = (r: Pick<RideRecord, "ride" | "handoverCode">): Ride => (r.handoverCode ? { ...r.ride, handoverCode: r.handoverCode } : r.ride);

/** After this many wrong handover codes a parcel ride refuses every complete by its courier: an operator must act. */
export const HANDOVER_ATTEMPTS = 5;

/**
 * Why the courier's complete of a parcel is refused, or null: the sender's code is
 * needed, and none is taken any more after `HANDOVER_ATTEMPTS` wrong ones (an operator
 * must act: the stale timer's end, `bySystem`, needs no code, and the fare can then be refunded).
 *
 * @example
 * handoverRefusal({ handoverCode: "4821", handoverMisses: 5 }, { handoverCode: "4821" }); // "locked after 5 wrong handover codes: ..."
 */
export function handoverRefusal(r: Pick<RideRecord, "handoverCode" | "handoverMisses">, c: { handoverCode?: unknown; bySystem?: boolean }): string | null {
  if (!r.handoverCode || c.bySystem) return null;
  const misses = r.handoverMisses ?? 0;
  if (misses >= HANDOVER_ATTEMPTS)
    return `locked after ${HANDOVER_ATTEMPTS} wrong handover codes: an operator must act (the stale-trip timer ends the ride; then refund it)`;
  if (c.handoverCode === undefined) return "a parcel needs the sender's handoverCode";
  return sameCode(c.handoverCode, r.handoverCode) ? null : `wrong handoverCode (${HANDOVER_ATTEMPTS - misses - 1} tries left)`;
}

/**
 * The log line of the parcel `missed` has just locked (its last try spent), or null. Nothing
 * else tells the operators: the count changes no version and makes no event, and the ride
 * stays `in_progress`, its courier on the trip, until its stale timer ends it unconfirmed.
 *
 * @example
 * const line = lockedNotice(missed, "req-7"); // '{"msg":"parcel handover locked","rideId":"rd_1",…}'
 */
export function lockedNotice(missed: RideRecord, correlationId: string | null): string | null {
  if (missed.handoverMisses !== HANDOVER_ATTEMPTS) return null;
  return JSON.stringify({ msg: "parcel handover locked", rideId: missed.ride.id, driverId: missed.ride.driver?.id ?? null, correlationId });
}

/**
 * The record with one more wrong handover code counted, when `command` was refused for
 * giving a wrong one; else null. The count sits beside `ride` (not in it, no new version
 * and no event): it is stored even though the command changes nothing else.
 *
 * @example
 * const missed = withMissedHandover(record, command, decide(record, command, now));
 * if (missed) store(missed);
 */
export function withMissedHandover(record: RideRecord, command: RideCommand, decision: RideDecision): RideRecord | null {
  if (command.type !== "complete" || command.handoverCode === undefined || decision.kind !== "refused") return null;
  const misses = record.handoverMisses ?? 0;
  if (decision.code !== "handover_code_mismatch" || misses >= HANDOVER_ATTEMPTS) return null;
  return { ...record, handoverMisses: misses + 1 };
}
