/**
 * The rules of a driver's availability, as pure functions over the driver record.
 * The Driver DO is the single writer of a driver; it asks these rules and applies
 * the answer in one transaction, so a driver can never hold two rides at once.
 */
import type { Config } from "../config";
import type { Driver, DriverApproval, DriverStatus } from "../domain/events";
import { dispatchCell } from "../domain/geo";
import type { LatLng, Product, Vehicle } from "../domain/types";
import { needsReview, sameVehicle, serves } from "./vehicle";
import type { DriverCommand, DriverOffer, DriverRecord, Reservation } from "./types";

export type { DriverOffer, DriverRecord, Reservation } from "./types";

export type RuleResult = { ok: true } | { ok: false; code: "invalid_transition" | "driver_not_approved" | "offer_not_available"; detail: string };

const refuse = (code: "invalid_transition" | "driver_not_approved" | "offer_not_available", detail: string): RuleResult => ({ ok: false, code, detail });

/** Whether a driver's last location is recent enough to be dispatched. */
export function isFresh(driver: Driver, now: Date, freshnessS: number): boolean {
  return driver.locationAt !== null && now.getTime() - Date.parse(driver.locationAt) <= freshnessS * 1000;
}

/**
 * Whether `reservation` is an offer for the ride the driver is offered already, expiring
 * later: the round after a crash that came between this driver's commit and the ride's
 * reserves the driver written ahead again, with a new `OFFER_TIMEOUT_S`, and the ride commits
 * that expiry. Answered as a repeat, the driver's app would keep the first offer's, gone
 * already when the recovery took longer (the ride then waits out an offer its driver cannot
 * see, and never offers them the ride again). An older one (a late copy) stays a repeat.
 *
 * @example
 * refreshesOffer(offeredUntil15s, { kind: "offer", offer: { ...sameRide, expiresAt: in35s } }); // true
 */
export function refreshesOffer(record: DriverRecord, reservation: Reservation): boolean {
  if (reservation.kind !== "offer" || record.driver.status !== "offered" || record.driver.currentRideId !== reservation.offer.rideId) return false;
  return Date.parse(reservation.offer.expiresAt) > Date.parse(record.offer?.expiresAt ?? "");
}

/**
 * May the offer the driver holds be refreshed (`refreshesOffer`)? Only while they still report:
 * a recovery long after the crash must not offer the ride again, with a new expiry, to an app
 * gone silent (the ride would wait that out). Refused, the round lets the driver go for that ride.
 *
 * @example
 * canRefreshOffer(offeredButSilent40s, new Date(), 30); // { ok: false, code: "offer_not_available", ... }
 */
export function canRefreshOffer(record: DriverRecord, now: Date, freshnessS: number): RuleResult {
  return isFresh(record.driver, now, freshnessS) ? { ok: true } : refuse("offer_not_available", "driver location is stale");
}

/**
 * May `reservation` be had of this driver: a refresh of the offer they hold (`refreshesOffer`)
 * while they still report, else a reservation of a free driver (`canReserve`).
 *
 * @example
 * mayReserve(record, { kind: "assign", rideId: "rd_1", product: "standard" }, new Date(), 30);
 */
export function mayReserve(record: DriverRecord, reservation: Reservation, now: Date, freshnessS: number, product?: Product): RuleResult {
  return refreshesOffer(record, reservation) ? canRefreshOffer(record, now, freshnessS) : canReserve(record, now, freshnessS, product);
}

/**
 * May the driver be approved, with the vehicle the operator `reviewed` (none named: yes)? Not
 * when theirs changed since in what needs a review (plate or products): it is looked at again.
 *
 * @example
 * canApprove(pendingWithPlate2, { ...vehicle, plate: "1" }); // { ok: false, code: "invalid_transition", ... }
 */
export function canApprove(record: DriverRecord, reviewed?: Vehicle): RuleResult {
  if (reviewed && needsReview(reviewed, record.driver.vehicle))
    return refuse("invalid_transition", "the driver changed their vehicle since it was reviewed: review it again");
  return { ok: true };
}

/**
 * May this driver be reserved for a ride? Only an approved, available driver with a
 * fresh location; a second reservation while one is held is refused.
 *
 * @example
 * canReserve(record, new Date(), 30); // { ok: false, code: "offer_not_available", ... } when busy
 */
export function canReserve(record: DriverRecord, now: Date, freshnessS: number, product?: Product): RuleResult {
  const d = record.driver;
  if (d.approval !== "approved") return refuse("driver_not_approved", "driver not approved");
  if (d.status !== "available") return refuse("offer_not_available", `driver is ${d.status}`);
  // The index may be stale: the vehicle's own products decide.
  if (product && !serves(d.vehicle, product)) return refuse("offer_not_available", `the vehicle does not serve ${product}`);
  if (!isFresh(d, now, freshnessS)) return refuse("offer_not_available", "driver location is stale");
  return { ok: true };
}

export function canGoOnline(record: DriverRecord): RuleResult {
  if (record.driver.approval !== "approved") return refuse("driver_not_approved", `driver approval is ${record.driver.approval}`);
  return { ok: true };
}

/**
 * A new plate or other products wait while the driver has a ride: the rider was told the car
 * that comes (its plate in the Ride they read), and an approved driver would go back to
 * `pending` with a ride under way. A new name or model is taken.
 *
 * @example
 * canChangeVehicle(onTrip, { plate: "other", model: "K5", product: "standard" }); // refused: invalid_transition
 */
export function canChangeVehicle(record: DriverRecord, vehicle: Vehicle): RuleResult {
  if (record.driver.status === "on_trip" && needsReview(record.driver.vehicle, vehicle))
    return refuse("invalid_transition", "finish or decline your ride before changing your plate or products");
  return { ok: true };
}

export function canGoOffline(record: DriverRecord): RuleResult {
  const s = record.driver.status;
  if (s === "on_trip") return refuse("invalid_transition", "cannot go offline while on a trip");
  return { ok: true };
}

/**
 * The point a driver should be listed at in the dispatch index, or null when not
 * dispatchable: not available, not approved, or (given `now` and `freshnessS`) silent
 * for longer than the freshness limit.
 */
export function indexPoint(driver: Driver, now?: Date, freshnessS?: number): LatLng | null {
  if (driver.status !== "available" || driver.approval !== "approved") return null;
  if (now && freshnessS !== undefined && !isFresh(driver, now, freshnessS)) return null;
  return driver.location;
}

/** The settings the dispatch index is kept by. */
export type ListingConfig = Pick<Config, "cellRefreshS" | "driverFreshnessS">;

/** What the driver's dispatch cell needs now: nothing, the driver's entry (re)written, or the entry removed. */
export type IndexWrite = "none" | "upsert" | "remove";

/**
 * How long (ms) a cell lists a driver after a write: until the next refresh is due plus
 * the longer of another refresh and the freshness limit. A driver who keeps reporting
 * is rewritten before the lease runs out, one still fresh is never dropped, and one
 * who went silent drops out by itself.
 *
 * @example
 * leaseMs({ cellRefreshS: 60, driverFreshnessS: 30 }); // 120_000
 */
export function leaseMs(config: ListingConfig): number {
  return (config.cellRefreshS + Math.max(config.cellRefreshS, config.driverFreshnessS)) * 1000;
}

/**
 * Whether a driver's dispatch cell must be written, so that location reports do not
 * write it every time: a dispatchable driver's entry is written when it is in another
 * cell than the one listing them, after any event of theirs (availability, approval,
 * vehicle), and when `cellRefreshS` has passed since the last write (the lease); a
 * driver no longer dispatchable (busy, offline, not approved, silent past the
 * freshness limit) is removed from the cell listing them. Freshness itself stays the
 * Driver DO's to decide (`canReserve`): a cell may list a silent driver until its lease
 * runs out, and the reservation refuses them.
 *
 * @example
 * indexWrite(record, new Date(), { cellRefreshS: 60, driverFreshnessS: 30 }); // "none" for a report 4 s after the last write
 */
export function indexWrite(record: DriverRecord, now: Date, config: ListingConfig): IndexWrite {
  const point = indexPoint(record.driver, now, config.driverFreshnessS);
  if (!point) return record.indexedCell ? "remove" : "none";
  if (dispatchCell(point) !== record.indexedCell || record.indexedVersion !== record.driver.version) return "upsert";
  return now.getTime() - (record.indexedAt ?? 0) >= config.cellRefreshS * 1000 ? "upsert" : "none";
}

/** What an operator's decision does to the driver's availability. */
export interface ApprovalEffect {
  status: DriverStatus;
  currentRideId: string | null;
  offer: DriverOffer | null;
  /** The ride whose open offer the driver loses, to be told to move on. */
  withdrawnRideId: string | null;
  /** The ride the driver is assigned to, asked to go on without them (rejected: before the pickup it is dispatched again; a trip under way is theirs to finish). */
  leftRideId: string | null;
}

/**
 * A rejected driver (or one sent back to pending by a new vehicle) goes offline and loses
 * its open offer. A rejected driver's ride is asked to go on without them (`leftRideId`):
 * before the pickup it is dispatched again; a trip under way is left to finish (the driver
 * goes offline when it is released). An approval changes nothing else: the driver goes
 * online when they choose.
 *
 * @example
 * approvalEffect(offeredRecord, "rejected"); // { status: "offline", offer: null, withdrawnRideId: "rd_..." , ... }
 */
export function approvalEffect(record: DriverRecord, approval: DriverApproval): ApprovalEffect {
  const d = record.driver;
  const unchanged: ApprovalEffect = { status: d.status, currentRideId: d.currentRideId, offer: record.offer, withdrawnRideId: null, leftRideId: null };
  if (approval === "approved") return unchanged;
  switch (d.status) {
    case "offered":
      return { ...unchanged, status: "offline", currentRideId: null, offer: null, withdrawnRideId: d.currentRideId };
    case "available":
      return { ...unchanged, status: "offline" };
    case "on_trip":
      // Still held until the ride releases them (then offline: `release`); a rider waiting for a rejected driver gets another.
      return approval === "rejected" ? { ...unchanged, leftRideId: d.currentRideId } : unchanged;
    case "offline":
      return unchanged;
  }
}

/**
 * Whether a registration is the profile the driver has, sent again (a retry, an app that saves
 * it on every start): a repeat that writes nothing (no event, no version, no views write). Not
 * while it would approve a pending driver where operators need not decide (`autoApprove`).
 *
 * @example
 * registersAgain(record, { type: "register", driverId: "d1", profile: { name: "Kim", vehicle }, autoApprove: false }); // true when unchanged
 */
export function registersAgain(record: DriverRecord, command: Extract<DriverCommand, { type: "register" }>): boolean {
  const { driver } = record;
  const approving = command.autoApprove && driver.approval === "pending";
  return !approving && driver.name === command.profile.name && sameVehicle(driver.vehicle, command.profile.vehicle);
}

/**
 * The event of a command the driver is told of through the notification worker (KakaoTalk,
 * webhook), as of an offer: an operator's decision (not an automatic approval), and being
 * taken offline for silence (the app that stopped reporting may not be there to hear it).
 *
 * @example
 * toldOf({ type: "offline", reason: "silent" }); // "DriverWentOffline"
 */
export function toldOf(command: DriverCommand): string | null {
  if (command.type === "approve") return "DriverApproved";
  if (command.type === "reject") return "DriverRejected";
  return command.type === "offline" && command.reason === "silent" ? "DriverWentOffline" : null;
}
