/**
 * The driver machine: one rules table, a pure `decideDriver` and `planDriver`. The
 * Driver DO is the single writer of a driver; it applies the decision in one
 * transaction, so a driver can never hold two rides at once.
 */
import { type Driver, type DriverApproval, type DriverStatus, type DriverEventMessage, type DriverNotificationMessage } from "../domain/events";
import { stamp, type Plan } from "../kernel/machine";
import type { ProblemCode } from "../lib/problem";
import { approvalEffect, canApprove, canGoOffline, canGoOnline, indexWrite, mayReserve, refreshesOffer, registersAgain } from "./driver-rules";
import { canChangeVehicle, toldOf, type ListingConfig, type RuleResult } from "./driver-rules";
import type { DriverCommand, DriverCommandType, DriverDecision, DriverEffect, DriverEventDraft, DriverEventType, DriverRecord, DriverOffer } from "./types";
import { silentTimer, type SilenceLimits } from "./silence";
import { needsReview, withProducts } from "./vehicle";

type Of<K extends DriverCommandType> = Extract<DriverCommand, { type: K }>;
type Step = { event: DriverEventType; data?: Record<string, unknown> } | null;
type Refused = { code: ProblemCode; detail: string };

interface DriverRule<K extends DriverCommandType> {
  /** The answer when the driver does not exist. */
  missing: Refused;
  repeat?: (record: DriverRecord, command: Of<K>) => boolean;
  guard?: (record: DriverRecord, command: Of<K>, now: Date) => Refused | null;
  /** Changes `next`; returns the event it records (null: a change with no event, like a location). */
  apply: (next: DriverRecord, command: Of<K>, now: Date) => Step;
}

const REGISTER_FIRST: Refused = { code: "not_found", detail: "register first: PUT /v1/drivers/me" };
const NO_DRIVER: Refused = { code: "not_found", detail: "no such driver" };
const asRefused = (rule: RuleResult): Refused | null => (rule.ok ? null : { code: rule.code, detail: rule.detail });
const rideOf = (c: Of<"reserve">) => (c.reservation.kind === "offer" ? c.reservation.offer.rideId : c.reservation.rideId);
const productOf = (c: Of<"reserve">) => (c.reservation.kind === "offer" ? c.reservation.offer.product : c.reservation.product);
/** Why a driver waits for an operator again. */
export const VEHICLE_CHANGED = "vehicle_changed";

/** Sets the approval (and its reason); a driver no longer approved goes offline and loses its offer. Answers the event's data. */
function setApproval(next: DriverRecord, approval: DriverApproval, reason: string | null): Record<string, unknown> {
  const effect = approvalEffect(next, approval);
  Object.assign(next.driver, { approval, approvalReason: reason, status: effect.status, currentRideId: effect.currentRideId });
  next.offer = effect.offer;
  const left = effect.leftRideId ? { leftRideId: effect.leftRideId } : {};
  return { ...(reason ? { reason } : {}), ...(effect.withdrawnRideId ? { withdrawnOfferRideId: effect.withdrawnRideId } : {}), ...left };
}

/** A new plate or other products send an approved driver back to pending (offline, offer withdrawn); a new name does not. */
function register(next: DriverRecord, c: Of<"register">): Step {
  const review = next.driver.approval === "approved" && needsReview(next.driver.vehicle, c.profile.vehicle);
  Object.assign(next.driver, { name: c.profile.name, vehicle: withProducts(c.profile.vehicle) });
  return { event: "DriverUpdated", data: review ? { approval: "pending", ...setApproval(next, "pending", VEHICLE_CHANGED) } : {} };
}

function locate(next: DriverRecord, location: { lat: number; lng: number }, now: Date): void {
  next.driver.location = { lat: location.lat, lng: location.lng };
  next.driver.locationAt = now.toISOString();
}

/** An operator's decision repeats the one made (a double click) with no reason or the one kept; a new reason is kept and told (it was dropped). */
const sameDecision = (r: DriverRecord, c: { reason?: string }): boolean => c.reason === undefined || c.reason === (r.driver.approvalReason ?? null);

/**
 * The driver machine as one table: per command, the answer when the driver does not
 * exist, its repeat, its guard, and what it applies (and the event that records).
 * `register` of a new driver is handled in `decideDriver`.
 *
 * @example
 * DRIVER_RULES.offline.missing; // { code: "not_found", detail: "register first: PUT /v1/drivers/me" }
 */
export const DRIVER_RULES: { [K in DriverCommandType]: DriverRule<K> } = {
  register: { missing: NO_DRIVER, repeat: registersAgain, guard: (r, c) => asRefused(canChangeVehicle(r, c.profile.vehicle)), apply: register },
  approve: {
    missing: NO_DRIVER,
    repeat: (r, c) => r.driver.approval === "approved" && sameDecision(r, c),
    // The vehicle approved is the one reviewed: a driver who changed plate or products meanwhile is looked at again.
    guard: (r, c) => asRefused(canApprove(r, c.reviewed)),
    apply: (next, c) => ({ event: "DriverApproved", data: setApproval(next, "approved", c.reason ?? null) }),
  },
  reject: {
    missing: NO_DRIVER,
    repeat: (r, c) => r.driver.approval === "rejected" && sameDecision(r, c),
    apply: (next, c) => ({ event: "DriverRejected", data: setApproval(next, "rejected", c.reason ?? null) }),
  },
  online: {
    missing: REGISTER_FIRST,
    guard: (r) => asRefused(canGoOnline(r)),
    apply: (next, c, now) => {
      locate(next, c.location, now);
      if (next.driver.status !== "offline") return null;
      next.driver.status = "available";
      return { event: "DriverWentOnline", data: { location: c.location } };
    },
  },
  offline: {
    missing: REGISTER_FIRST,
    repeat: (r) => r.driver.status === "offline",
    guard: (r) => asRefused(canGoOffline(r)),
    // A driver with an open offer lets it go as they leave (the ride moves on at once: withdrawOffer, as for a rejection).
    apply: (next, c) => {
      const withdrawn = next.driver.status === "offered" ? next.driver.currentRideId : null;
      next.driver.status = "offline";
      if (withdrawn) {
        next.driver.currentRideId = null;
        next.offer = null;
      }
      return { event: "DriverWentOffline", data: { ...(c.reason ? { reason: c.reason } : {}), ...(withdrawn ? { withdrawnOfferRideId: withdrawn } : {}) } };
    },
  },
  reserve: {
    missing: NO_DRIVER,
    // A later offer for the ride the driver is offered already replaces the first (`refreshesOffer`); a driver rejected meanwhile is refused.
    repeat: (r, c) => r.driver.currentRideId === rideOf(c) && !refreshesOffer(r, c.reservation) && r.driver.approval === "approved",
    guard: (r, c, now) => asRefused(mayReserve(r, c.reservation, now, c.freshnessS, productOf(c))),
    apply: (next, c) => {
      const rideId = rideOf(c);
      next.driver.currentRideId = rideId;
      if (c.reservation.kind === "assign") {
        next.driver.status = "on_trip";
        next.offer = null;
        return { event: "DriverReserved", data: { rideId } };
      }
      next.driver.status = "offered";
      next.offer = c.reservation.offer;
      return { event: "DriverOffered", data: { rideId, expiresAt: c.reservation.offer.expiresAt } };
    },
  },
  confirm: {
    missing: { code: "offer_not_available", detail: "no offer for this ride" },
    // First: a driver rejected while the accept was on its way is refused as such.
    guard: (r, c) =>
      r.driver.approval !== "approved"
        ? { code: "driver_not_approved", detail: `driver approval is ${r.driver.approval}` }
        : r.driver.currentRideId !== c.rideId
          ? { code: "offer_not_available", detail: "no offer for this ride" }
          : null,
    // A repeat only for an approved driver: a rejected one is refused even if it looks done.
    repeat: (r, c) => r.driver.approval === "approved" && r.driver.currentRideId === c.rideId && r.driver.status === "on_trip",
    apply: (next, c) => ((next.driver.status = "on_trip"), (next.offer = null), { event: "DriverReserved", data: { rideId: c.rideId } }),
  },
  release: {
    missing: NO_DRIVER,
    repeat: (r, c) => r.driver.currentRideId !== c.rideId,
    apply: (next, c) => {
      next.driver.currentRideId = null;
      next.offer = null;
      // A driver rejected during the trip does not come back online after it.
      if (next.driver.status === "offered" || next.driver.status === "on_trip") {
        next.driver.status = next.driver.approval === "approved" ? "available" : "offline";
      }
      return { event: "DriverReleased", data: { rideId: c.rideId, ...(c.reason ? { reason: c.reason } : {}) } };
    },
  },
  locate: { missing: REGISTER_FIRST, apply: (next, c, now) => (locate(next, c.location, now), null) },
};

function newDriver(c: Of<"register">, now: Date): DriverRecord {
  const at = now.toISOString();
  const driver: Driver = {
    id: c.driverId,
    name: c.profile.name,
    vehicle: withProducts(c.profile.vehicle),
    approval: "pending",
    approvalReason: null,
    status: "offline",
    location: null,
    locationAt: null,
    currentRideId: null,
    version: 0,
    createdAt: at,
    updatedAt: at,
  };
  return { driver, offer: null, indexedCell: null };
}

function decideOne(record: DriverRecord | null, command: DriverCommand, now: Date): DriverDecision {
  const rule = DRIVER_RULES[command.type] as unknown as DriverRule<DriverCommandType>;
  if (!record) return { kind: "refused", ...rule.missing };
  if (rule.repeat?.(record, command)) return { kind: "unchanged", record };
  const refused = rule.guard?.(record, command, now);
  if (refused) return { kind: "refused", ...refused };
  const next = structuredClone(record);
  const step = rule.apply(next, command, now);
  if (!step) return { kind: "applied", record: next, events: [], effects: [] };
  next.driver.version += 1;
  next.driver.updatedAt = now.toISOString();
  return { kind: "applied", record: next, events: [{ type: step.event, data: step.data ?? {}, driver: structuredClone(next.driver) }], effects: [] };
}

/**
 * Decides what `command` does to a driver (null: not registered yet). Pure.
 *
 * @example
 * const d = decideDriver(record, { type: "reserve", reservation, freshnessS: 30 }, new Date());
 * if (d.kind === "refused") return fail(d.code, d.detail);
 */
export function decideDriver(record: DriverRecord | null, command: DriverCommand, now: Date): DriverDecision {
  if (command.type !== "register") return decideOne(record, command, now);
  let registered: DriverDecision;
  if (record) registered = decideOne(record, command, now);
  else {
    const created = newDriver(command, now);
    created.driver.version = 1;
    // Listed before the commit (an effect that fails leaves no driver): a registered driver's profile changes never call the one fleet object.
    const listed: DriverEffect[] = [{ type: "listInFleet", driverId: created.driver.id }];
    registered = {
      kind: "applied",
      record: created,
      events: [{ type: "DriverRegistered", data: {}, driver: structuredClone(created.driver) }],
      effects: listed,
    };
  }
  // Where operators need not decide (development), a new or changed vehicle is approved at once.
  if (!command.autoApprove || registered.kind !== "applied" || registered.record.driver.approval !== "pending") return registered;
  const approved = decideOne(registered.record, { type: "approve" }, now);
  if (approved.kind !== "applied") return approved;
  return { ...approved, events: [...registered.events, ...approved.events], effects: [...registered.effects, ...approved.effects] };
}

/**
 * The open offer, if any and not expired.
 *
 * @example
 * openOffers(record, new Date()); // [] once the offer expired
 */
export function openOffers(record: DriverRecord | null, now: Date): DriverOffer[] {
  if (!record?.offer || record.driver.status !== "offered") return [];
  return Date.parse(record.offer.expiresAt) > now.getTime() ? [record.offer] : [];
}

/**
 * What the driver's live sockets get first, and after an operator's decision.
 *
 * @example
 * ws.send(driverState(record, new Date())); // {"type":"driver","driver":{…},"offers":[…]}
 */
export function driverState(record: DriverRecord, now: Date): string {
  return JSON.stringify({ type: "driver", driver: record.driver, offers: openOffers(record, now) });
}

/**
 * What an applied driver decision writes and causes: each event to the views (relayed
 * by the alarm, so a slow queue never delays the caller), the index update when the
 * cell needs one (`indexWrite`: most location reports need none), live pushes, and the
 * calls made once the command has left the driver's queue: to a ride, and to the operators'
 * feed when the driver goes off duty (`statusBefore`: the driver's status before the command,
 * null for a new driver).
 *
 * @example
 * const p = planDriver(command, decision.record, decision.events, { now, correlationId, newId, listing: config, silence: config, statusBefore: "available" });
 */
export function planDriver(
  command: DriverCommand,
  after: DriverRecord,
  drafts: DriverEventDraft[],
  ctx: { now: Date; correlationId: string; newId: () => string; listing: ListingConfig; silence: SilenceLimits; statusBefore: DriverStatus | null },
): Plan<DriverEffect> {
  const first = after.driver.version - drafts.length + 1;
  const events = stamp(drafts, first, ctx.now, ctx.correlationId, ctx.correlationId, ctx.newId).map((e) => ({ ...e, driverId: after.driver.id }));
  const messages: Plan<DriverEffect>["messages"] = events.map((event, i) => ({
    queue: "ride-events" as const,
    body: { kind: "driver.event", event, driver: drafts[i]!.driver } satisfies DriverEventMessage,
  }));
  const told = toldOf(command);
  events.forEach((event, i) => {
    if (event.type === told)
      messages.push({ queue: "notifications", body: { kind: "driver.notification", event, driver: drafts[i]!.driver } satisfies DriverNotificationMessage });
  });
  const background = command.type === "reserve" || command.type === "confirm" || command.type === "release";
  const index: Plan<DriverEffect>["after"] = indexWrite(after, ctx.now, ctx.listing) === "none" ? [] : [{ type: "syncIndex", background }];
  // A change of the driver sets, brings forward (an assignment: the pickup limit) or clears the `silent` timer; a location
  // report only sets it if it is missing (a driver online since before the timer existed), never moves it later: its
  // alarm is not written every 4 s.
  const ensure = command.type === "locate" && after.driver.status !== "offline";
  const timers = drafts.length > 0 || ensure ? [silentTimer(after, ctx.silence, ctx.now)] : [];
  const result: Plan<DriverEffect> = { events, messages, timers, after: index, later: [] };
  // Off duty now, on it before: the feed hears of it though no console watches (the views tell it only while one does), so
  // that the push interval it answers counts the drivers on duty. First: it is handed off at once, never behind a ride's call.
  if (ctx.statusBefore !== null && ctx.statusBefore !== "offline" && after.driver.status === "offline")
    result.later.push({ type: "leaveOpsMap", driver: after.driver });
  // The driver's app hears of the offer at once, with its expiry.
  if (command.type === "reserve" && after.offer) result.after.push({ type: "broadcast", message: JSON.stringify({ type: "offer", offer: after.offer }) });
  // The driver's app sees every change of approval at once (an operator's decision, a vehicle sent back to review),
  // and being taken offline for silence (if the app is still there to hear it); and being let go of, with the offers
  // left (none): an offer whose ride never committed it (its round failed after the reservation) is pushed no ride.
  const released = command.type === "release" && drafts.length > 0;
  const changedForThem = told !== null || released || drafts.some((d) => d.data.approval === "pending");
  if (changedForThem) result.after.push({ type: "broadcast", message: driverState(after, ctx.now) });
  // The ride of an offer let go (or, rejected, of an assignment) is told to move on.
  const withdrawing = drafts.find((d) => typeof (d.data.withdrawnOfferRideId ?? d.data.leftRideId) === "string");
  if (withdrawing) {
    const reason = withdrawing.type === "DriverRejected" ? "driver_rejected" : withdrawing.type === "DriverWentOffline" ? "driver_offline" : VEHICLE_CHANGED;
    const rideId = String(withdrawing.data.withdrawnOfferRideId ?? withdrawing.data.leftRideId);
    result.later.push({ type: "withdrawOffer", rideId, driverId: after.driver.id, reason, correlationId: ctx.correlationId });
  }
  const { status, currentRideId, location } = after.driver;
  // On the way to a pickup the ride refreshes its ETA; once it said it wants no more positions, none go to it.
  if (command.type === "locate" && status === "on_trip" && currentRideId && location && currentRideId !== after.etaDoneRideId) {
    result.later.push({ type: "driverMoved", rideId: currentRideId, driverId: after.driver.id, location });
  }
  return result;
}
