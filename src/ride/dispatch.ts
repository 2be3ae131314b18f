/**
 * Candidate search for dispatch: the pickup's geohash cell and its neighbours out
 * to the search radius, drivers of the ride's product, ranked by ETA to the pickup.
 * The index may lag; the Driver DO's reservation is what decides.
 */
import type { Config } from "../config";
import type { RideRecord } from "../domain/ride-machine";
import { cellsCovering, estimateDrive } from "../domain/geo";
import type { LatLng } from "../domain/types";

export const CELL_PRECISION = 5;

export interface Candidate {
  driverId: string;
  location: LatLng;
  etaSeconds: number;
}

/**
 * Ranks index entries for a ride: not excluded, by ETA then id (stable for ties).
 *
 * @example
 * rankCandidates(entries, record, config)[0]; // the nearest driver by ETA
 */
export function rankCandidates(entries: { driverId: string; lat: number; lng: number }[], record: RideRecord, config: Config): Candidate[] {
  const excluded = new Set(record.excludedDriverIds);
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const e of entries) {
    if (excluded.has(e.driverId) || seen.has(e.driverId)) continue;
    seen.add(e.driverId);
    const location = { lat: e.lat, lng: e.lng };
    out.push({ driverId: e.driverId, location, etaSeconds: estimateDrive(location, record.ride.pickup, config.road).durationSeconds });
  }
  return out.sort((a, b) => a.etaSeconds - b.etaSeconds || a.driverId.localeCompare(b.driverId));
}

/** Asks every covering cell for fresh drivers of the ride's product and ranks them. */
export async function findCandidates(env: Pick<Env, "DISPATCH_CELL">, record: RideRecord, config: Config): Promise<Candidate[]> {
  const cells = cellsCovering(record.ride.pickup, config.searchRadiusM, CELL_PRECISION);
  const freshSince = Date.now() - config.driverFreshnessS * 1000;
  const lists = await Promise.all(
    cells.map((cell) =>
      env.DISPATCH_CELL.get(env.DISPATCH_CELL.idFromName(cell))
        .nearby(record.ride.pickup, config.searchRadiusM, record.ride.product, freshSince)
        .catch((error: unknown) => {
          console.warn(JSON.stringify({ msg: "dispatch cell unavailable", cell, error: String(error) }));
          return [];
        }),
    ),
  );
  return rankCandidates(lists.flat(), record, config);
}
