/**
 * The capacity model's storage half (issue 16): a D1 database has a size limit as well as a
 * query rate, and what a ride leaves behind accumulates. From the bytes a served ride leaves
 * in each store (`npm run bench:storage`) and a day's rides, how long until each D1 database
 * holds half its published limit, and how much every object class adds a day. Pure: the
 * measured bytes and the city in, the loads out (`bench/capacity.ts` prints them).
 */

import { DELIVERY_LOG_RETENTION_DAYS } from "../../src/notifications/retention.ts";
import { D1_DATABASE_LIMIT_BYTES } from "../../src/views/database-size.ts";

/** Published (Workers Paid): a D1 database's size (the one the operators' figures use), and the D1 storage of one account. */
export const STORAGE_LIMITS = { d1DatabaseBytes: D1_DATABASE_LIMIT_BYTES, d1AccountBytes: 1e12 } as const;

/** The views' window by default (the gateway's `VIEWS_WINDOW_DAYS`: src/views/window.ts, which this Node build cannot import). */
export const VIEWS_WINDOW_DAYS = 30;

/** The ledger's window by default (the gateway's `LEDGER_WINDOW_DAYS`: workers/payment/ledger-window.ts). */
export const LEDGER_WINDOW_DAYS = 30;

/**
 * The stores that keep a window, not all history: the notification database holds the delivery
 * log's retention, the views and the ledger their windows (what is older is in the owners' and
 * the rides' objects).
 */
export const RETENTION_DAYS: Record<string, number> = {
  "D1 notifications": DELIVERY_LOG_RETENTION_DAYS,
  "D1 views": VIEWS_WINDOW_DAYS,
  "D1 ledger": LEDGER_WINDOW_DAYS,
};

/** Published (Workers Paid): what one SQLite-backed Durable Object holds. */
export const OBJECT_LIMIT_BYTES = 10e9;

/**
 * What one owner's object holds of the rides handed over to it: bytes a ride, and the rides
 * it holds before half its limit.
 *
 * @example
 * ownerLoad(2_000); // { bytesPerRide: 2000, ridesToHalf: 2_500_000 }
 */
export function ownerLoad(bytesPerRide: number): { bytesPerRide: number; ridesToHalf: number } {
  return { bytesPerRide, ridesToHalf: bytesPerRide > 0 ? OBJECT_LIMIT_BYTES / 2 / bytesPerRide : Infinity };
}

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
  /** D1 only: days until the database holds half its limit (Infinity when nothing grows, or when its window never gets there). */
  daysToHalf: number;
  /** D1 only: share of the limit one day of rides takes. */
  shareADay: number;
  /** The days it keeps (RETENTION_DAYS), or Infinity: all history. */
  retentionDays: number;
  /** What it holds once its window is full (bytes a day × its days); Infinity for all history. */
  heldBytes: number;
  /** D1 only: the most rides a day for which it stays under half its limit for good (0 for all history: it only grows). */
  ridesADayUnderHalf: number;
}

/**
 * Every store's growth a day; a D1 database against its size limit. An object class that
 * each ride makes anew (a ride's object) is not one object growing: its per-object limit is
 * never near, only its sum (billed storage) grows.
 *
 * @example
 * storage({ "D1 views": 10_000 }, SEOUL_DAY)[0]; // { bytesPerDay: 21.6e9, daysToHalf: 0.23, … }
 * storage({ "D1 notifications": 1_741 }, SEOUL_DAY, { "D1 notifications": 1 })[0]; // { heldBytes: 3.76e9, daysToHalf: Infinity, … }
 */
export function storage(bytesPerRide: Record<string, number>, city: City, retention: Record<string, number> = RETENTION_DAYS): StorageLoad[] {
  const ridesADay = city.ridesPerS * 3600 * city.peakHoursADay;
  return Object.entries(bytesPerRide)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([store, bytes]) => {
      const bytesPerDay = bytes * ridesADay;
      const d1 = store.startsWith("D1 ");
      const half = STORAGE_LIMITS.d1DatabaseBytes / 2;
      const retentionDays = retention[store] ?? Infinity;
      const heldBytes = bytesPerDay > 0 ? bytesPerDay * retentionDays : 0;
      return {
        store,
        bytesPerRide: bytes,
        bytesPerDay,
        daysToHalf: d1 && bytesPerDay > 0 && heldBytes >= half ? half / bytesPerDay : Infinity,
        shareADay: d1 ? bytesPerDay / STORAGE_LIMITS.d1DatabaseBytes : 0,
        retentionDays,
        heldBytes,
        ridesADayUnderHalf: d1 && Number.isFinite(retentionDays) && bytes > 0 ? half / (bytes * retentionDays) : bytes > 0 ? 0 : Infinity,
      };
    });
}

/** The D1 database that fills first, and when (days to half its limit); none when every one stays under half for good. */
export function firstFull(loads: StorageLoad[]): StorageLoad | undefined {
  return loads
    .filter((l) => l.store.startsWith("D1 ") && Number.isFinite(l.daysToHalf))
    .reduce<StorageLoad | undefined>((a, b) => (a === undefined || b.daysToHalf < a.daysToHalf ? b : a), undefined);
}
