/**
 * The ride machine as one table: per command, the states it is allowed from, the
 * state it goes to, when it is a harmless repeat, its guard, what it applies (and the
 * events that records) and what must happen elsewhere before the commit. `decide`
 * (decide.ts) reads only this table; nothing about a command lives anywhere else. The
 * payment entries are in payment-rules.ts, the helpers the entries share in rule-kit.ts.
 */
import type { EventDraft } from "./types";
import { PAYMENT_RULES } from "./payment-rules";
import { handoverRefusal } from "./parcel";
import { addDues, BEFORE_BOARDING, cancel, DRIVER_STEP_DONE, dropOffer, endUnpaid, offeredTo, ownDriver, refuse, releaseOffered, type Rules } from "./rule-kit";

export { claimedDriver, heldDriver, type Rule, type Rules } from "./rule-kit";

/**
 * The table. Everything not allowed here is refused with `invalid_transition` (or the
 * rule's `refusedAs`); a refused command changes nothing.
 *
 * @example
 * RULES.cancel.from; // ["requested", "dispatching", "driver_assigned", "driver_arrived"]
 */
export const RULES: Rules = {
  startDispatch: { from: ["requested"], to: "dispatching", apply: () => [{ type: "DispatchStarted", data: {} }] },
  offerDriver: {
    from: ["dispatching"],
    to: "same",
    guard: (r) => (r.offer ? refuse("invalid_transition", "an offer is already out") : null),
    apply: (next, c) => {
      next.offer = { driverId: c.driverId, expiresAt: c.expiresAt };
      return [{ type: "DriverOffered", data: { driverId: c.driverId, expiresAt: c.expiresAt } }];
    },
  },
  declineOffer: {
    from: ["dispatching"],
    to: "same",
    guard: offeredTo,
    before: releaseOffered,
    apply: (next, c) => (dropOffer(next, c.driverId), [{ type: "OfferDeclined", data: { driverId: c.driverId } }]),
  },
  expireOffer: {
    from: ["dispatching"],
    to: "same",
    guard: offeredTo,
    before: releaseOffered,
    apply: (next, c) => (dropOffer(next, c.driverId), [{ type: "OfferExpired", data: { driverId: c.driverId } }]),
  },
  withdrawOffer: {
    from: ["dispatching"],
    to: "same",
    guard: offeredTo,
    before: releaseOffered,
    apply: (next, c) => (dropOffer(next, c.driverId), [{ type: "OfferWithdrawn", data: { driverId: c.driverId, reason: c.reason } }]),
  },
  assignDriver: {
    from: ["dispatching"],
    to: "driver_assigned",
    refusedAs: "offer_not_available",
    guard: (r, c, now) => {
      const driverId = "driver" in c ? c.driver.id : c.driverId;
      // In offer mode the driver must hold the live, unexpired offer; in auto mode there is none.
      if (r.offer && r.offer.driverId !== driverId) return refuse("offer_not_available", "the ride was offered to another driver");
      if (r.offer && Date.parse(r.offer.expiresAt) <= now.getTime()) return refuse("offer_not_available", "the offer has expired");
      if (r.excludedDriverIds.includes(driverId)) return refuse("offer_not_available", "this driver already turned the ride down");
      return null;
    },
    apply: (next, c) => {
      next.offer = null;
      next.ride.driver = c.driver;
      next.ride.etaSeconds = c.etaSeconds;
      return [{ type: "DriverAssigned", data: { driver: c.driver, vehicle: c.driver.vehicle, etaSeconds: c.etaSeconds } }];
    },
  },
  backOut: {
    // Before pickup only: once the rider is aboard, the driver finishes the trip.
    from: ["driver_assigned", "driver_arrived"],
    to: "dispatching",
    guard: ownDriver,
    apply: (next, c) => {
      delete next.arrivedAt;
      next.excludedDriverIds.push(c.driverId);
      next.dispatchDeadlineAt = c.deadlineAt;
      next.ride.driver = null;
      next.ride.etaSeconds = null;
      return [
        { type: "DriverUnassigned", data: { driverId: c.driverId, ...(c.why ? { why: c.why } : {}) } },
        { type: "DriverReleased", data: { driverId: c.driverId } },
      ];
    },
  },
  updateEta: {
    from: ["driver_assigned"],
    to: "same",
    guard: ownDriver,
    apply: (next, c) => {
      if (next.ride.driver) next.ride.driver = { ...next.ride.driver, location: c.location };
      next.ride.etaSeconds = c.etaSeconds;
      return [{ type: "EtaUpdated", data: { etaSeconds: c.etaSeconds, location: c.location } }];
    },
  },
  arrive: {
    from: ["driver_assigned"],
    to: "driver_arrived",
    repeat: DRIVER_STEP_DONE.arrive,
    guard: ownDriver,
    apply: (next, _c, now) => {
      next.ride.etaSeconds = 0;
      next.arrivedAt = now.toISOString();
      return [{ type: "DriverArrived", data: {} }];
    },
  },
  noShow: {
    from: ["driver_arrived"],
    to: "cancelled",
    repeat: DRIVER_STEP_DONE.noShow,
    guard: (r, c, now) => {
      const refused = ownDriver(r, c);
      if (refused || !("waitS" in c)) return refused;
      const allowedAt = Date.parse(r.arrivedAt ?? r.ride.updatedAt) + c.waitS * 1000;
      const left = Math.ceil((allowedAt - now.getTime()) / 1000);
      return left > 0 ? refuse("invalid_transition", `a no-show can be reported ${left} s from now`) : null;
    },
    apply: (next, c) => {
      // The fee is the ride's final charge; the capture takes it from the hold and the provider releases the rest.
      // No more than the hold: a capture above it is refused, and the driver would get no fee at all.
      if (c.fee.amount > 0) {
        const fee = { ...c.fee, amount: Math.min(c.fee.amount, next.holdAmount.amount) };
        next.noShowFee = fee;
        next.ride.fare = fee;
      }
      return cancel(next, { by: c.by, reason: "rider_no_show" });
    },
  },
  start: {
    from: ["driver_arrived"],
    to: "in_progress",
    repeat: DRIVER_STEP_DONE.start,
    guard: ownDriver,
    apply: (next) => ((next.ride.etaSeconds = null), [{ type: "TripStarted", data: {} }]),
  },
  complete: {
    // The trip is over for the driver whatever the payment does (released after the commit,
    // as every assigned driver a change lets go of: plan.ts, `releaseAfterCommit`). A hold
    // declined during the trip ends the ride at once, unpaid, the fare the rider's dues.
    from: ["in_progress"],
    to: "payment_pending",
    repeat: DRIVER_STEP_DONE.complete,
    // A parcel is delivered only against the sender's code; the system's stale-trip end has none to give.
    guard: (r, c) => {
      const refusal = handoverRefusal(r, c);
      return ownDriver(r, c) ?? (refusal ? refuse("handover_code_mismatch", refusal) : null);
    },
    before: (_r, next) => addDues(next),
    apply: (next, c) => {
      Object.assign(next.ride, { fare: c.fare, distanceMeters: c.distanceMeters, durationSeconds: c.durationSeconds });
      if (c.bySystem) next.endedBySystem = true;
      // Ended by the stale timer: said so in the timeline (a parcel's handover never confirmed; an operator may refund it).
      const ended = { distanceMeters: c.distanceMeters, durationSeconds: c.durationSeconds, fare: c.fare, ...(c.bySystem ? { bySystem: true } : {}) };
      const events: EventDraft[] = [
        { type: "TripEnded", data: ended },
        { type: "DriverReleased", data: { driverId: c.driverId } },
      ];
      return next.ride.payment.status === "declined" ? [...events, ...endUnpaid(next, "hold declined during the trip")] : events;
    },
  },
  cancel: {
    from: BEFORE_BOARDING,
    to: "cancelled",
    before: releaseOffered,
    repeat: (r) => r.ride.status === "cancelled",
    apply: (next, c) => cancel(next, { by: c.by, reason: c.reason }),
  },
  dispatchTimeout: {
    from: ["requested", "dispatching"],
    to: "cancelled",
    before: releaseOffered,
    repeat: (r) => r.ride.status === "cancelled",
    apply: (next) => cancel(next, { by: "system", reason: "no_driver_available" }),
  },
  ...PAYMENT_RULES,
};
