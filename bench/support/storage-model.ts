/**
 * The capacity model's storage half (issue 16): a D1 database has a size limit as well as a
 * query rate, and what a ride leaves behind accumulates. From the bytes a served ride leaves
 * in each store (`npm run bench:storage`) and a day's rides, how long until each D1 database
 * holds half its published limit, and how much every object class adds a day. Pure: the
 * measured bytes and the city in, the loads out (`bench/capacity.ts` prints them).
 */

import { D1_DATABASE_LIMIT_BYTES } from "../../src/views/database-size.ts";

/** Published (Workers Paid): a D1 database's size (the one the operators' figures use), and the D1 storage of one account. */
export const STORAGE_LIMITS = { d1DatabaseBytes: D1_DATABASE_LIMIT_BYTES, d1AccountBytes: 1e12 } as const;

export interface City {
  /** Ride requests a second at the peak. */
  ridesPerS: number;
  /** A day's rides in hours at the peak rate (six: 2.16 M rides a day at 100 a second, about 31 a driver of 70,000). */
  peakHoursADay: number;
  drivers: number;
}

export const SEOUL_DAY: City = { ridesPerS: 100, peakHoursADay: 6, drivers: 70_000 };

export interface StorageLoad {
  store: string;
  bytesPerRide: number;
  bytesPerDay: number;
  /** D1 only: days until the database holds half its limit (Infinity when nothing grows). */
  daysToHalf: number;
  /** D1 only: share of the limit one day of rides takes. */
  shareADay: number;
}

/**
 * Every store's growth a day; a D1 database against its size limit. An object class that
 * each ride makes anew (a ride's object) is not one object growing: its per-object limit is
 * never near, only its sum (billed storage) grows.
 *
 * @example
 * storage({ "D1 views": 10_000 }, SEOUL_DAY)[0]; // { bytesPerDay: 21.6e9, daysToHalf: 0.23, … }
 */
export function storage(bytesPerRide: Record<string, number>, city: City): StorageLoad[] {
  const ridesADay = city.ridesPerS * 3600 * city.peakHoursADay;
  return Object.entries(bytesPerRide)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([store, bytes]) => {
      const bytesPerDay = bytes * ridesADay;
      const d1 = store.startsWith("D1 ");
      return {
        store,
        bytesPerRide: bytes,
        bytesPerDay,
        daysToHalf: d1 && bytesPerDay > 0 ? STORAGE_LIMITS.d1DatabaseBytes / 2 / bytesPerDay : Infinity,
        shareADay: d1 ? bytesPerDay / STORAGE_LIMITS.d1DatabaseBytes : 0,
      };
    });
}

/** The D1 database that fills first, and when (days to half its limit). */
export function firstFull(loads: StorageLoad[]): StorageLoad | undefined {
  return loads
    .filter((l) => l.store.startsWith("D1 "))
    .reduce<StorageLoad | undefined>((a, b) => (a === undefined || b.daysToHalf < a.daysToHalf ? b : a), undefined);
}
