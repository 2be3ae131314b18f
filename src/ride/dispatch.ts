/**
 * Candidate search for dispatch: drivers of the ride's product near the pickup, in
 * order of ETA; and, when nobody could be had, the ride registered as waiting demand
 * around its pickup (in the cells it searched, with the districts of the others), to be
 * woken by the next driver listed there
 * (decision 12: dispatch waits instead of polling; the deadline still ends a ride nobody
 * woke). The districts around the pickup say which cells list anyone at all; only those
 * are searched. The search starts with the cells around a small inner radius and
 * widens to SEARCH_RADIUS_M only when nobody suitable is that close: usually one to
 * four cell lookups instead of a dozen. The order stays exact: every driver within
 * the inner radius is in the inner cells, and nearer than anyone outside it.
 * The index may lag; the Driver DO's reservation is what decides.
 */
import type { Config } from "../config";
import type { Driver } from "../domain/events";
import { claimedDriver, type Reservation, type RideCommand, type RideRecord } from "../domain/ride-machine";
import { CELL_PRECISION, cellsCovering, distanceMeters, estimateDrive } from "../domain/geo";
import type { LatLng, Product } from "../domain/types";
import { RELAY_FALLBACK_MS } from "../lib/outbox";
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

/**
 * Reserves a driver for the ride; null when the driver refused (busy, stale), `unavailable`
 * when the call failed (its answer lost, the object reset): the driver may be free, and no
 * listing of theirs will wake the ride, so the round searches again.
 */
export type Reserve = (driverId: string, reservation: Reservation) => Promise<Driver | null | "unavailable">;

/** A ride waiting for a driver near its pickup, until its dispatch deadline (what a DispatchCell holds). */
export interface Waiter {
  rideId: string;
  product: Product;
  pickup: LatLng;
  radiusM: number;
  /** Epoch ms: the ride's dispatch deadline, after which it no longer waits. */
  until: number;
  /**
   * Epoch ms: its place in line, the ride's request (a ride of before has none: the time it
   * registers). Not when it first registered with an object: a ride offered a driver of a cell
   * registers there only once the offer ends, behind the rides that came after it.
   */
  since?: number;
}

/**
 * A woken ride's answer: it runs a round now, it no longer waits (the cell forgets it), it will
 * not take that driver (declined before), or a round of it is already on its way (`queued`:
 * woken by another driver a moment ago, or its first round), which may well take another
 * driver, so the driver goes on waking the next ride rather than stopping at this one. A
 * `queued` ride still runs a round right after the one on its way (which may have searched
 * before this driver was listed): that one does nothing if the first served the ride.
 */
export type Wake = "dispatching" | "not_waiting" | "excluded" | "queued";

/** A round due within this many ms (a wake's or a new ride's: `runSoonAfter`'s fallback) is one on its way: a wake then answers `queued`. */
export const ROUND_ON_ITS_WAY_MS = RELAY_FALLBACK_MS;

/** What a cell search answered: the entries, whether some cell could not be asked, and the cells that listed nobody and so registered the ride as waiting. */
export type CellAnswer = { entries: CellEntryLike[]; failed: boolean; waitingIn: string[] };

/**
 * What the districts answered about some cells: those listing drivers of the ride's
 * product (to search), and those the ride now waits on with their district (a district
 * registers the ride in the same call when none of its cells list anyone). A district
 * that could not be asked answers all its cells as listing: they are searched instead.
 */
export type SupplyAnswer = { listing: string[]; waitingIn: string[] };

/** The objects a dispatch round talks to (the Ride DO's `perform`; in-memory in tests). */
export interface DispatchPeers {
  /** Asks the districts of `cells` which of them list drivers for the ride; registers `waiter` with each district none of whose cells do. */
  supply: (cells: string[], waiter: Waiter) => Promise<SupplyAnswer>;
  /** Searches `cells`; each that lists nobody for the ride registers `waiter` in the same call. */
  query: (cells: string[], waiter: Waiter) => Promise<CellAnswer>;
  reserve: Reserve;
  /** Writes ahead the driver about to be reserved (null: none), stored before the reservation leaves (`RideRecord.reserving`). */
  reserving: (driverId: string | null) => void;
  /** Lets go of `driverId` for this ride, best effort (a driver another ride holds is left alone). */
  release: (driverId: string) => Promise<void>;
  /**
   * Registers the ride as waiting in `cells`; answers the drivers they list for it now, those of them listed anew since
   * `roundStart` (epoch ms), and whether some cell failed.
   */
  wait: (cells: string[], waiter: Waiter, roundStart: number) => Promise<{ listed: string[]; relisted: string[]; failed: boolean }>;
  /** Registers the ride with the districts of `cells` (cells that listed nobody); answers those of them listing drivers for it now, and whether some district failed. */
  waitForSupply: (cells: string[], waiter: Waiter) => Promise<{ listing: string[]; failed: boolean }>;
  /** Epoch ms now (default: the round's `now` plus the time it has taken): an offer's time counts from its reservation. */
  clock?: () => number;
}

/** The outcome of a round: the commands of its one commit, the driver reserved, and when to search again (null: wait to be woken). */
export interface DispatchRound {
  commands: RideCommand[];
  driverId: string | null;
  retryAt: number | null;
}

/**
 * One dispatch round: walk the candidates near the pickup, best ETA first, and reserve
 * the first one the Driver DO lets us have (an offer, or a direct assignment in auto
 * mode). Answers the commands that make one commit (starting to dispatch, and the offer
 * or assignment) and the driver reserved.
 *
 * The round first asks the districts around the pickup which cells of its radius list
 * drivers of the ride's product, and searches only those: a ride far from every driver
 * makes one call (its district's), not one per cell, and is registered as waiting with
 * the district in that same call. When nobody could be had the ride waits: in every
 * cell it searched (by the search itself where a cell listed nobody, by one more call in
 * the others) and with the districts of the cells it did not search. It searches again
 * only when woken, or after `DISPATCH_RETRY_S` when a cell, district or driver could not be
 * asked, or when a driver (or a cell's supply) it did not try appeared between its
 * search and its registration, so none is ever missed. Its cost no longer grows with
 * the deadline. A ride served from one cell may stay registered in the empty cells it
 * searched: a driver listed there later wakes it, it answers `not_waiting`, and the cell
 * forgets it (or it lapses at its deadline).
 *
 * @example
 * const round = await dispatchRound(record, config, new Date(), peers);
 * if (round.retryAt !== null) schedule("dispatch", round.retryAt);
 */
export async function dispatchRound(record: RideRecord, config: Config, now: Date, peers: DispatchPeers): Promise<DispatchRound> {
  const start: RideCommand[] = record.ride.status === "requested" ? [{ type: "startDispatch" }] : [];
  const auto = config.dispatchMode === "auto";
  const startedAt = Date.now();
  const clock = peers.clock ?? (() => now.getTime() + (Date.now() - startedAt));
  const { id: rideId, pickup, dropoff, product, quote } = record.ride;
  const reservationUntil = (expiresAt: string): Reservation =>
    auto ? { kind: "assign", rideId, product } : { kind: "offer", offer: { rideId, pickup, dropoff, product, quote, expiresAt } };
  const until = Date.parse(record.dispatchDeadlineAt);
  const waiter: Waiter = { rideId, product, pickup, radiusM: config.searchRadiusM, until, since: Date.parse(record.ride.createdAt) };
  const radius = cellsCovering(pickup, config.searchRadiusM, CELL_PRECISION);
  const tried = new Set(record.excludedDriverIds);
  // Written ahead, so that an instance dying between the reservation and its commit leaves the driver findable.
  // A refusal is not forgotten at once: the next candidate's write replaces it, and a round that ends with
  // nobody forgets it once (as it does a driver an earlier round left there and this one did not ask).
  let wroteAhead = false;
  let failed = false;
  const reserve = async (driverId: string): Promise<DispatchRound | null> => {
    tried.add(driverId);
    peers.reserving(driverId);
    wroteAhead = true;
    // From now, not from the round's start: slow peers before this reservation (up to PEER_CALL_MS each) must not eat the driver's time to answer.
    const expiresAt = new Date(clock() + config.offerTimeoutS * 1000).toISOString();
    const reserved = await peers.reserve(driverId, reservationUntil(expiresAt));
    failed ||= reserved === "unavailable";
    if (!reserved || reserved === "unavailable") return null;
    const driver = toRideDriver(reserved);
    const step: RideCommand = auto
      ? { type: "assignDriver", driver, etaSeconds: etaSeconds(driver, record, config.road) }
      : { type: "offerDriver", driverId: driver.id, expiresAt };
    return { commands: [...start, step], driverId: driver.id, retryAt: null };
  };
  // A driver an earlier round reserved and never committed (its instance died in between) holds the ride: taken first.
  const held = record.reserving && !tried.has(record.reserving) ? record.reserving : null;
  const left = held ? await reserve(held) : null;
  if (left) return left;
  // Refused (gone silent since: its offer is not refreshed), it may still hold this ride's offer, which nothing else
  // would end once the round forgets it: let it go (by this ride's id: a driver another ride holds is left alone).
  if (held) await peers.release(held);
  const supply = await peers.supply(radius, waiter);
  const listing = new Set(supply.listing);
  const waitingIn = new Set(supply.waitingIn);
  const query: CellQuery = async (cells) => {
    const asked = cells.filter((cell) => listing.has(cell));
    if (asked.length === 0) return [];
    const answer = await peers.query(asked, waiter);
    failed ||= answer.failed;
    for (const cell of answer.waitingIn) waitingIn.add(cell);
    return answer.entries;
  };
  for await (const candidate of candidates(query, record, config)) {
    const round = tried.has(candidate.driverId) ? null : await reserve(candidate.driverId);
    if (round) return round;
  }
  if (wroteAhead || record.reserving) peers.reserving(null);
  const rest = radius.filter((cell) => !waitingIn.has(cell));
  const searched = rest.filter((cell) => listing.has(cell));
  const unlisted = rest.filter((cell) => !listing.has(cell));
  const none = { listed: [], relisted: [], listing: [], failed: false };
  const [waited, districts] = await Promise.all([
    searched.length > 0 ? peers.wait(searched, waiter, startedAt) : none,
    unlisted.length > 0 ? peers.waitForSupply(unlisted, waiter) : none,
  ]);
  // Missed: a driver not tried, or one tried (busy then) and listed anew since the round began: freed before this
  // registration, their listing woke nobody.
  const excluded = new Set(record.excludedDriverIds);
  const missed = waited.listed.some((id) => !tried.has(id)) || waited.relisted.some((id) => !excluded.has(id)) || districts.listing.length > 0;
  // From the round's end: a round that waited on a hung peer (PEER_CALL_MS, 10 s) would else search again at once, back to back.
  const retryAt = failed || waited.failed || districts.failed || missed ? clock() + config.dispatchRetryS * 1000 : null;
  return { commands: start, driverId: null, retryAt };
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

/**
 * Whether the ride (null: none) still has a claim on `driverId` (`claimedDriver`): a Driver DO
 * held for it asks, and lets go of a ride that has none (src/driver/silence.ts).
 *
 * @example
 * claimsDriver(cancelledRide, "d1"); // false: a cancelled ride released its driver
 */
export function claimsDriver(record: RideRecord | null, driverId: string): boolean {
  return !!record && claimedDriver(record) === driverId;
}

/**
 * What a ride answers a driver listed near it: it runs a round now, it no longer waits
 * (assigned, offered, ended: the cell forgets it), it will not take that driver, or a round
 * is already due by `roundDueAt` (epoch ms, null: none) within `ROUND_ON_ITS_WAY_MS` of `now`.
 * Without `queued`, two drivers freed a moment apart would both stop at the oldest ride, whose
 * one round reserves one of them, and the next ride would wait out its deadline.
 *
 * @example
 * wakeAnswer(record, "d1", null, Date.now()); // "excluded" after d1 declined this ride
 */
export function wakeAnswer(record: RideRecord | null, driverId: string, roundDueAt: number | null, now: number): Wake {
  if (!awaitsDriver(record)) return "not_waiting";
  if (record.excludedDriverIds.includes(driverId)) return "excluded";
  return roundDueAt !== null && roundDueAt <= now + ROUND_ON_ITS_WAY_MS ? "queued" : "dispatching";
}
