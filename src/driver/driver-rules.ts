/**
 * The rules of a driver's availability, as pure functions over the driver record.
 * The Driver DO is the single writer of a driver; it asks these rules and applies
 * the answer in one transaction, so a driver can never hold two rides at once.
 */
import type { Driver, DriverApproval, DriverStatus } from "../domain/events";
import type { LatLng, Product } from "../domain/types";
import { serves } from "./vehicle";
import type { DriverOffer, DriverRecord } from "./types";

export type { DriverOffer, DriverRecord, Reservation } from "./types";

export type RuleResult = { ok: true } | { ok: false; code: "invalid_transition" | "driver_not_approved" | "offer_not_available"; detail: string };

const refuse = (code: "invalid_transition" | "driver_not_approved" | "offer_not_available", detail: string): RuleResult => ({ ok: false, code, detail });

/** Whether a driver's last location is recent enough to be dispatched. */
export function isFresh(driver: Driver, now: Date, freshnessS: number): boolean {
  return driver.locationAt !== null && now.getTime() - Date.parse(driver.locationAt) <= freshnessS * 1000;
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

export function canGoOffline(record: DriverRecord): RuleResult {
  const s = record.driver.status;
  if (s === "on_trip") return refuse("invalid_transition", "cannot go offline while on a trip");
  if (s === "offered") return refuse("invalid_transition", "answer the open offer before going offline");
  return { ok: true };
}

/** The point a driver should be listed at in the dispatch index, or null when not dispatchable. */
export function indexPoint(driver: Driver): LatLng | null {
  return driver.status === "available" && driver.approval === "approved" ? driver.location : null;
}

/** What an operator's decision does to the driver's availability. */
export interface ApprovalEffect {
  status: DriverStatus;
  currentRideId: string | null;
  offer: DriverOffer | null;
  /** The ride whose open offer the driver loses, to be told to move on. */
  withdrawnRideId: string | null;
}

/**
 * A rejected driver (or one sent back to pending by a new vehicle) goes offline and loses
 * its open offer; a trip under way is left to finish (the driver goes offline when it is
 * released). An approval changes nothing else: the driver goes online when they choose.
 *
 * @example
 * approvalEffect(offeredRecord, "rejected"); // { status: "offline", offer: null, withdrawnRideId: "rd_..." , ... }
 */
export function approvalEffect(record: DriverRecord, approval: DriverApproval): ApprovalEffect {
  const d = record.driver;
  const unchanged: ApprovalEffect = { status: d.status, currentRideId: d.currentRideId, offer: record.offer, withdrawnRideId: null };
  if (approval === "approved") return unchanged;
  switch (d.status) {
    case "offered":
      return { status: "offline", currentRideId: null, offer: null, withdrawnRideId: d.currentRideId };
    case "available":
      return { ...unchanged, status: "offline" };
    case "on_trip":
    case "offline":
      return unchanged;
  }
}
