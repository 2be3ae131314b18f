/**
 * Parcels: which products carry one, whether a parcel fits its class, and the handover
 * code the sender gives the courier. Pure (the code takes its randomness from the
 * platform's CSPRNG, `crypto.getRandomValues`, which Node and workerd both have).
 */
import type { Product } from "../types";

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
