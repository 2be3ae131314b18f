/**
 * Candidate search for dispatch: drivers of the ride's product near the pickup, in
 * order of ETA. The search starts with the cells around a small inner radius and
 * widens to SEARCH_RADIUS_M only when nobody suitable is that close: usually one to
 * four cell lookups instead of a dozen. The order stays exact: every driver within
 * the inner radius is in the inner cells, and nearer than anyone outside it.
 * The index may lag; the Driver DO's reservation is what decides.
 */
import type { Config } from "../config";
import type { Driver } from "../domain/events";
import type { Reservation, RideCommand, RideRecord } from "../domain/ride-machine";
import { CELL_PRECISION, cellsCovering, distanceMeters, estimateDrive } from "../domain/geo";
import type { LatLng } from "../domain/types";
import { etaSeconds, toRideDriver } from "./commands";

export { CELL_PRECISION };
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
    out.push({
      driverId: e.driverId,
      location,
      distanceMeters: distance,
      etaSeconds: estimateDrive(location, record.ride.pickup, config.road).durationSeconds,
    });
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

/** Reserves a driver for the ride; null when that driver cannot be had (busy, stale, unreachable). */
export type Reserve = (driverId: string, reservation: Reservation) => Promise<Driver | null>;

/**
 * One dispatch round: walk the candidates near the pickup, best ETA first, and reserve
 * the first one the Driver DO lets us have (an offer, or a direct assignment in auto
 * mode). Answers the commands that make one commit (starting to dispatch, and the offer
 * or assignment) and the driver reserved, or null when nobody could be had: the caller
 * then commits the start alone and tries again shortly, until the deadline.
 *
 * @example
 * const round = await dispatchRound(record, config, new Date(), query, reserve);
 */
export async function dispatchRound(
  record: RideRecord,
  config: Config,
  now: Date,
  query: CellQuery,
  reserve: Reserve,
): Promise<{ commands: RideCommand[]; driverId: string | null }> {
  const start: RideCommand[] = record.ride.status === "requested" ? [{ type: "startDispatch" }] : [];
  const auto = config.dispatchMode === "auto";
  const expiresAt = new Date(now.getTime() + config.offerTimeoutS * 1000).toISOString();
  const { id: rideId, pickup, dropoff, product, quote } = record.ride;
  const reservation: Reservation = auto
    ? { kind: "assign", rideId, product }
    : { kind: "offer", offer: { rideId, pickup, dropoff, product, quote, expiresAt } };
  for await (const candidate of candidates(query, record, config)) {
    const reserved = await reserve(candidate.driverId, reservation);
    if (!reserved) continue;
    const driver = toRideDriver(reserved);
    const step: RideCommand = auto
      ? { type: "assignDriver", driver, etaSeconds: etaSeconds(driver, record, config.road) }
      : { type: "offerDriver", driverId: driver.id, expiresAt };
    return { commands: [...start, step], driverId: driver.id };
  }
  return { commands: start, driverId: null };
}

/**
 * Whether the ride is waiting for a dispatch round: not yet assigned, and nobody offered.
 *
 * @example
 * if (!awaitsDriver(record)) return; // a timer that ran late or twice
 */
export function awaitsDriver(record: RideRecord | null): record is RideRecord {
  return !!record && !record.offer && (record.ride.status === "requested" || record.ride.status === "dispatching");
}
