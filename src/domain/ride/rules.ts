/**
 * The ride machine as one table: per command, the states it is allowed from, the
 * state it goes to, when it is a harmless repeat, its guard, what it applies (and the
 * events that records) and what must happen elsewhere before the commit. `decide`
 * (decide.ts) reads only this table; nothing about a command lives anywhere else.
 */
import type { Cancellation, RideStatus } from "../types";
import type { EventDraft, RideCommand, RideEffect, RideProbe, RideRecord } from "./types";
import type { ProblemCode } from "../../lib/problem";

type Of<K extends RideCommand["type"]> = Extract<RideCommand, { type: K }>;
type ProbeOf<K extends RideCommand["type"]> = Extract<RideProbe, { type: K }>;
type Refused = { code: ProblemCode; detail: string };

export interface Rule<K extends RideCommand["type"]> {
  from: readonly RideStatus[];
  /** `"same"` keeps the status and changes only details. */
  to: RideStatus | "same";
  /** The code of a refusal from a state not in `from` (default `invalid_transition`). */
  refusedAs?: ProblemCode;
  /** Arrives twice (at-least-once delivery, a double tap): the second time changes nothing. */
  repeat?: (record: RideRecord) => boolean;
  guard?: (record: RideRecord, command: ProbeOf<K>, now: Date) => Refused | null;
  apply: (next: RideRecord, command: Of<K>) => EventDraft[];
  /** Effects that must succeed before the commit; `next` is the record after the command. */
  before?: (record: RideRecord, next: RideRecord) => RideEffect[];
}

export type Rules = { [K in RideCommand["type"]]: Rule<K> };

const BEFORE_BOARDING: readonly RideStatus[] = ["requested", "dispatching", "driver_assigned", "driver_arrived"];
const LIVE: readonly RideStatus[] = [...BEFORE_BOARDING, "in_progress", "payment_pending"];

const refuse = (code: ProblemCode, detail: string): Refused => ({ code, detail });

/**
 * The driver the ride holds (assigned, or offered), to be released when it lets go.
 *
 * @example
 * heldDriver(offeredRecord); // "d1"
 */
export function heldDriver(record: RideRecord): string | null {
  return record.ride.driver?.id ?? record.offer?.driverId ?? null;
}

/** Compensation: the driver is freed before the change that lets go of them is committed. */
const releaseHeld = (record: RideRecord): RideEffect[] => {
  const driverId = heldDriver(record);
  return driverId ? [{ type: "releaseDriver", driverId }] : [];
};

const offeredTo = (record: RideRecord, command: { driverId: string }) =>
  record.offer?.driverId === command.driverId ? null : refuse("offer_not_available", "no offer to this driver");

const ownDriver = (record: RideRecord, command: { driverId: string }) =>
  record.ride.driver?.id === command.driverId ? null : refuse("forbidden", "not this ride's driver");

const holdToCapture = (record: RideRecord) => {
  const p = record.ride.payment.status;
  return p === "authorized" || p === "failed" ? null : refuse("invalid_transition", `no hold to capture (payment ${p})`);
};

function cancel(next: RideRecord, cancellation: Cancellation): EventDraft[] {
  const ride = next.ride;
  const held = heldDriver(next);
  next.offer = null;
  ride.status = "cancelled";
  ride.cancellation = cancellation;
  ride.etaSeconds = null;
  const released: EventDraft[] = held ? [{ type: "DriverReleased", data: { driverId: held } }] : [];
  return [...released, { type: "RideCancelled", data: { ...cancellation } }];
}

function dropOffer(next: RideRecord, driverId: string): void {
  next.offer = null;
  next.excludedDriverIds.push(driverId);
}

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
    before: releaseHeld,
    apply: (next, c) => (dropOffer(next, c.driverId), [{ type: "OfferDeclined", data: { driverId: c.driverId } }]),
  },
  expireOffer: {
    from: ["dispatching"],
    to: "same",
    guard: offeredTo,
    before: releaseHeld,
    apply: (next, c) => (dropOffer(next, c.driverId), [{ type: "OfferExpired", data: { driverId: c.driverId } }]),
  },
  withdrawOffer: {
    from: ["dispatching"],
    to: "same",
    guard: offeredTo,
    before: releaseHeld,
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
    from: ["driver_assigned"],
    to: "dispatching",
    guard: ownDriver,
    before: releaseHeld,
    apply: (next, c) => {
      next.excludedDriverIds.push(c.driverId);
      next.dispatchDeadlineAt = c.deadlineAt;
      next.ride.driver = null;
      next.ride.etaSeconds = null;
      return [
        { type: "DriverUnassigned", data: { driverId: c.driverId } },
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
    guard: ownDriver,
    apply: (next) => ((next.ride.etaSeconds = 0), [{ type: "DriverArrived", data: {} }]),
  },
  start: {
    from: ["driver_arrived"],
    to: "in_progress",
    guard: ownDriver,
    apply: (next) => ((next.ride.etaSeconds = null), [{ type: "TripStarted", data: {} }]),
  },
  complete: {
    // The trip is over for the driver whatever the payment does: released first.
    from: ["in_progress"],
    to: "payment_pending",
    guard: ownDriver,
    before: releaseHeld,
    apply: (next, c) => {
      Object.assign(next.ride, { fare: c.fare, distanceMeters: c.distanceMeters, durationSeconds: c.durationSeconds });
      const ended = { distanceMeters: c.distanceMeters, durationSeconds: c.durationSeconds, fare: c.fare };
      return [
        { type: "TripEnded", data: ended },
        { type: "DriverReleased", data: { driverId: c.driverId } },
      ];
    },
  },
  cancel: {
    from: BEFORE_BOARDING,
    to: "cancelled",
    before: releaseHeld,
    repeat: (r) => r.ride.status === "cancelled",
    apply: (next, c) => cancel(next, { by: c.by, reason: c.reason }),
  },
  dispatchTimeout: {
    from: ["requested", "dispatching"],
    to: "cancelled",
    before: releaseHeld,
    repeat: (r) => r.ride.status === "cancelled",
    apply: (next) => cancel(next, { by: "system", reason: "no_driver_available" }),
  },
  paymentAuthorized: {
    from: [...LIVE, "cancelled"],
    to: "same",
    repeat: (r) => r.ride.payment.status !== "pending",
    apply: (next) => ((next.ride.payment = { status: "authorized" }), [{ type: "PaymentAuthorized", data: { amount: next.holdAmount } }]),
  },
  paymentDeclined: {
    // A hold declined before boarding cancels the ride (and frees its driver); once
    // riding, the trip goes on and the capture decides.
    from: LIVE,
    to: "same",
    repeat: (r) => r.ride.payment.status === "declined" || r.ride.status === "cancelled" || r.ride.status === "completed",
    before: (r, next) => (next.ride.status === "cancelled" ? releaseHeld(r) : []),
    apply: (next) => {
      const boarding = BEFORE_BOARDING.includes(next.ride.status);
      next.ride.payment = { status: "declined" };
      const declined: EventDraft = { type: "PaymentDeclined", data: {} };
      return boarding ? [declined, ...cancel(next, { by: "system", reason: "payment_declined" })] : [declined];
    },
  },
  paymentCaptured: {
    from: ["payment_pending"],
    to: "completed",
    guard: holdToCapture,
    repeat: (r) => r.ride.status === "completed" && r.ride.payment.status === "captured",
    apply: (next, c) => {
      next.ride.payment = { status: "captured" };
      const settlement = c.settlement ? { settlement: c.settlement } : {};
      return [
        { type: "PaymentCaptured", data: { amount: next.ride.fare, ...settlement } },
        { type: "RideCompleted", data: { fare: next.ride.fare } },
      ];
    },
  },
  paymentCaptureFailed: {
    from: ["payment_pending"],
    to: "same",
    guard: holdToCapture,
    repeat: (r) => r.ride.status === "payment_pending" && r.ride.payment.status === "failed",
    apply: (next, c) => ((next.ride.payment = { status: "failed" }), [{ type: "PaymentFailed", data: { reason: c.reason } }]),
  },
  retryCapture: {
    from: ["payment_pending"],
    to: "same",
    guard: (r) => (r.ride.payment.status === "failed" ? null : refuse("invalid_transition", `nothing to retry (payment ${r.ride.payment.status})`)),
    apply: (next) => {
      // The hold is still there; the next capture goes out under a new idempotency key.
      next.ride.payment = { status: "authorized" };
      next.captureAttempt = (next.captureAttempt ?? 1) + 1;
      return [{ type: "PaymentRetryRequested", data: { attempt: next.captureAttempt } }];
    },
  },
  paymentVoided: {
    from: ["cancelled"],
    to: "same",
    repeat: (r) => r.ride.payment.status === "voided",
    guard: (r) => (r.ride.payment.status === "authorized" ? null : refuse("invalid_transition", `no hold to void (payment ${r.ride.payment.status})`)),
    apply: (next) => ((next.ride.payment = { status: "voided" }), [{ type: "PaymentVoided", data: { amount: next.holdAmount } }]),
  },
};
