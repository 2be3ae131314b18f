/**
 * Fares. `standard` follows Seoul's metered taxi tariff (base fare for the first
 * 1.6 km, then a distance charge per 131 m, a time charge while slow); the other
 * products have their own tables. Amounts are whole won.
 */
import type { Money, Product } from "./types";

export interface Tariff {
  baseFare: number;
  baseMeters: number;
  /** Charge per `stepMeters` beyond the base distance. */
  stepFare: number;
  stepMeters: number;
  /** Charge per `slowStepSeconds` spent crawling. */
  slowStepFare: number;
  slowStepSeconds: number;
}

export const TARIFFS: Record<Product, Tariff> = {
  standard: { baseFare: 4800, baseMeters: 1600, stepFare: 100, stepMeters: 131, slowStepFare: 100, slowStepSeconds: 30 },
  deluxe: { baseFare: 7000, baseMeters: 3000, stepFare: 200, stepMeters: 151, slowStepFare: 200, slowStepSeconds: 36 },
  van: { baseFare: 7000, baseMeters: 3000, stepFare: 200, stepMeters: 151, slowStepFare: 200, slowStepSeconds: 36 },
  parcel_small: { baseFare: 5000, baseMeters: 2000, stepFare: 100, stepMeters: 150, slowStepFare: 0, slowStepSeconds: 60 },
  parcel_large: { baseFare: 9000, baseMeters: 2000, stepFare: 200, stepMeters: 150, slowStepFare: 0, slowStepSeconds: 60 },
};

/** Share of a city trip spent in slow traffic, for quotes. */
export const SLOW_SHARE = 0.25;
/** The final fare is never more than this fraction above the quote; the hold covers it. */
export const FARE_MARGIN = 0.3;

/**
 * Metered fare for a trip.
 *
 * @example
 * meteredFare("standard", 5000, 900); // { amount: 8100, currency: "KRW" }
 */
export function meteredFare(product: Product, distanceMeters: number, durationSeconds: number): Money {
  const t = TARIFFS[product];
  const extraMeters = Math.max(0, distanceMeters - t.baseMeters);
  const slowSeconds = Math.max(0, durationSeconds) * SLOW_SHARE;
  const amount = t.baseFare + Math.ceil(extraMeters / t.stepMeters) * t.stepFare + Math.floor(slowSeconds / t.slowStepSeconds) * t.slowStepFare;
  return { amount: roundTo100(amount), currency: "KRW" };
}

/**
 * The final fare: metered, but never above the quote plus the margin, in whole hundreds of won
 * rounded down (the hold is rounded up, so capping at it would charge up to 99 won more).
 *
 * @example
 * finalFare("standard", { amount: 4800, currency: "KRW" }, 200_000, 20_000); // { amount: 6200, currency: "KRW" }: 4800 × 1.3 = 6240
 */
export function finalFare(product: Product, quote: Money, distanceMeters: number, durationSeconds: number): Money {
  const metered = meteredFare(product, distanceMeters, durationSeconds);
  // In whole percent, so that no binary fraction (4800 × 1.3 = 6240.000000000001) moves the cut.
  const cap = Math.floor((quote.amount * Math.round((1 + FARE_MARGIN) * 100)) / 10_000) * 100;
  return { amount: Math.min(metered.amount, cap), currency: "KRW" };
}

/** What is held on the card when the ride is requested: the quote plus the margin. */
export function holdAmount(quote: Money): Money {
  return { amount: roundTo100(Math.ceil(quote.amount * (1 + FARE_MARGIN))), currency: "KRW" };
}

function roundTo100(amount: number): number {
  return Math.ceil(amount / 100) * 100;
}
