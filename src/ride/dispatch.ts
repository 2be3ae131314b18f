/**
 * Candidate search for dispatch: drivers of the ride's product near the pickup, in
 * order of ETA. The search starts with the cells around a small inner radius and
 * widens to SEARCH_RADIUS_M only when nobody suitable is that close: usually one to
 * four cell lookups instead of a dozen. The order stays exact: every driver within
 * the inner radius is in the inner cells, and nearer than anyone outside it.
 * The index may lag; the Driver DO's reservation is what decides.
 */
import type { Config } from "../config";
import type { RideRecord } from "../domain/ride-machine";
import { cellsCovering, distanceMeters, estimateDrive } from "../domain/geo";
import type { LatLng } from "../domain/types";
import { PEER_CALL_MS, within } from "../lib/timeout";

export const CELL_PRECISION = 5;
/** The first, cheap search ring. */
export const INNER_RADIUS_M = 1500;

export interface Candidate {
  driverId: string;
  location: LatLng;
  distanceMeters: number;
  etaSeconds: number;
}

export type CellEntryLike = { driverId: string; lat: number; lng: number };
/** Looks up fresh drivers of the ride's product in the given cells. */
export type CellQuery = (cells: string[]) => Promise<CellEntryLike[]>;

/**
 * Ranks index entries for a ride: not excluded, by ETA then id (stable for ties).
 *
 * @example
 * rankCandidates(entries, record, config)[0]; // the nearest driver by ETA
 */
export function rankCandidates(entries: CellEntryLike[], record: RideRecord, config: Config): Candidate[] {
  const excluded = new Set(record.excludedDriverIds);
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const e of entries) {
    if (excluded.has(e.driverId) || seen.has(e.driverId)) continue;
    seen.add(e.driverId);
    const location = { lat: e.lat, lng: e.lng };
    const distance = distanceMeters(location, record.ride.pickup);
    if (distance > config.searchRadiusM) continue;
    out.push({ driverId: e.driverId, location, distanceMeters: distance, etaSeconds: estimateDrive(location, record.ride.pickup, config.road).durationSeconds });
  }
  return out.sort((a, b) => a.distanceMeters - b.distanceMeters || a.driverId.localeCompare(b.driverId));
}

/**
 * Candidates in ETA order, looked up lazily ring by ring: the dispatcher stops
 * reading as soon as one driver is reserved.
 *
 * @example
 * for await (const c of candidates(query, record, config)) if (await reserve(c)) break;
 */
export async function* candidates(query: CellQuery, record: RideRecord, config: Config): AsyncGenerator<Candidate> {
  const pickup = record.ride.pickup;
  const inner = Math.min(INNER_RADIUS_M, config.searchRadiusM);
  const innerCells = cellsCovering(pickup, inner, CELL_PRECISION);
  const first = await query(innerCells);
  const firstRanked = rankCandidates(first, record, config);
  const offered = new Set<string>();
  for (const c of firstRanked) {
    if (c.distanceMeters > inner) break;
    offered.add(c.driverId);
    yield c;
  }
  if (inner >= config.searchRadiusM) return;
  const seen = new Set(innerCells);
  const outerCells = cellsCovering(pickup, config.searchRadiusM, CELL_PRECISION).filter((c) => !seen.has(c));
  const second = outerCells.length > 0 ? await query(outerCells) : [];
  for (const c of rankCandidates([...first, ...second], record, config)) {
    if (!offered.has(c.driverId)) yield c;
  }
}

/** The real cell query: fresh drivers of the ride's product, from each DispatchCell DO. */
export function dispatchCellQuery(env: Pick<Env, "DISPATCH_CELL">, record: RideRecord, config: Config): CellQuery {
  const freshSince = Date.now() - config.driverFreshnessS * 1000;
  return async (cells) => {
    const lists = await Promise.all(
      cells.map((cell) =>
        within(PEER_CALL_MS, env.DISPATCH_CELL.get(env.DISPATCH_CELL.idFromName(cell)).nearby(record.ride.pickup, config.searchRadiusM, record.ride.product, freshSince), `dispatch cell ${cell}`)
          .catch((error: unknown) => {
            console.warn(JSON.stringify({ msg: "dispatch cell unavailable", cell, error: String(error) }));
            return [];
          }),
      ),
    );
    return lists.flat();
  };
}
