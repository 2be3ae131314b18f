/**
 * From a request (or a timer, or a payment result) to the ride command it means: who
 * may ask what, with which details. Pure; the Ride DO hands the command to `decide`.
 */
import type { Config } from "../config";
import type { Driver, PaymentResult } from "../domain/events";
import { finalFare } from "../domain/fare";
import { distanceMeters, estimateDrive } from "../domain/geo";
import { can, outstandingPaymentStep, type RideCommand, type RideRecord, type SilentAsk } from "../domain/ride-machine";
import type { Actor, LatLng, RideDriver } from "../domain/types";
import { cancelledReason } from "../domain/ride/audience";
import type { Refusal } from "../kernel/machine";
import { fail, ok, type Outcome } from "../lib/problem";
import { canView, etaWorthUpdating, NOT_OFFERED_TO_YOU } from "./ride-record";

/** A stranger's accept or decline, and one of an offer gone: the same refusal whether the ride exists or not. */
export const notOffered: Refusal = { kind: "refused", code: "offer_not_available", detail: NOT_OFFERED_TO_YOU };

/** The driver as the ride shows them. */
export function toRideDriver(driver: Pick<Driver, "id" | "name" | "vehicle" | "location">): RideDriver {
  return { id: driver.id, name: driver.name, vehicle: driver.vehicle, location: driver.location };
}

/** Seconds from the driver to the pickup (0 when the driver's position is unknown). */
export function etaSeconds(driver: RideDriver, record: RideRecord, road: Config["road"]): number {
  return driver.location ? estimateDrive(driver.location, record.ride.pickup, road).durationSeconds : 0;
}

/**
 * What a cancel by `actor` means: its rider's or an operator's cancel (with the reason given, or
 * the words of who cancelled); a driver declines instead; anyone else finds no such ride.
 *
 * @example
 * cancelCommand(record, { id: "r1", role: "rider" }, undefined); // { type: "cancel", by: "rider", reason: "rider cancelled" }
 */
export function cancelCommand(record: RideRecord | null, actor: Actor, reason: string | undefined): RideCommand | Outcome<never> {
  if (!record || !canView(record, actor)) return fail("not_found", "no such ride");
  if (actor.role === "driver") return fail("forbidden", "drivers decline rides instead of cancelling them");
  const by = actor.role === "ops" ? "ops" : "rider";
  return { type: "cancel", by, reason: reason ?? cancelledReason(by) };
}

/**
 * A driver taken off a ride before pickup: dispatch again without them, with a fresh deadline.
 *
 * @example
 * backOut("d1", new Date(), 60, "stale"); // { type: "backOut", driverId: "d1", deadlineAt: "…+60 s", why: "stale" }
 */
function backOut(driverId: string, now: Date, redispatchTimeoutS: number, why?: BackOutWhy): RideCommand {
  const deadlineAt = new Date(now.getTime() + redispatchTimeoutS * 1000).toISOString();
  return { type: "backOut", driverId, deadlineAt, ...(why ? { why } : {}) };
}

type BackOutWhy = NonNullable<Extract<RideCommand, { type: "backOut" }>["why"]>;

/**
 * What a driver's decline means: turning down the offer, or backing out before pickup
 * (dispatch again without them, with a fresh deadline; `why: "silent"` when their Driver DO
 * takes them off, heard from by nobody for too long). The answer `offer_not_available` for
 * anyone else, and for a driver already past the pickup (a trip is theirs to end); for a
 * driver silent past the pickup limit only (`silent_on_the_way`), at the pickup too: their
 * Driver DO may not know yet that they arrived, and asks again at the offline limit.
 *
 * @example
 * declineCommand(record, "d1", new Date(), 60); // { type: "declineOffer", driverId: "d1" }
 */
export function declineCommand(
  record: RideRecord | null,
  driverId: string,
  now: Date,
  redispatchTimeoutS: number,
  why?: SilentAsk,
): RideCommand | Outcome<never> {
  if (record?.ride.status === "dispatching" && record.offer?.driverId === driverId) return { type: "declineOffer", driverId };
  const status = record?.ride.status;
  const beforePickup = status === "driver_assigned" || (status === "driver_arrived" && why !== "silent_on_the_way");
  if (record && beforePickup && record.ride.driver?.id === driverId) {
    return backOut(driverId, now, redispatchTimeoutS, why ? "silent" : undefined);
  }
  return fail(notOffered.code, notOffered.detail);
}

/**
 * What the Driver DO's letting go of the ride means (`withdrawOffer`): its open offer to the
 * driver is withdrawn (they went offline, changed vehicle, or were rejected); and a driver an
 * operator rejected before the pickup is taken off (`backOut`, why `rejected`: dispatched again
 * without them, the rider told). A trip under way is the driver's to finish; anything else
 * (a repeat, a ride that moved on) changes nothing.
 *
 * @example
 * withdrawalCommand(assigned, "d1", "driver_rejected", new Date(), 60); // { type: "backOut", driverId: "d1", why: "rejected", ... }
 */
export function withdrawalCommand(
  record: RideRecord | null,
  driverId: string,
  reason: string,
  now: Date,
  redispatchTimeoutS: number,
): RideCommand | Outcome<null> {
  if (record?.ride.status === "dispatching" && record.offer?.driverId === driverId) return { type: "withdrawOffer", driverId, reason };
  const status = record?.ride.status;
  const beforePickup = status === "driver_assigned" || status === "driver_arrived";
  if (reason === "driver_rejected" && beforePickup && record?.ride.driver?.id === driverId) {
    return backOut(driverId, now, redispatchTimeoutS, "rejected");
  }
  return ok(null);
}

/** What a driver reports at drop-off (the estimate's figures when left out). */
export interface Trip {
  distanceMeters?: number;
  durationSeconds?: number;
  /** A parcel ride: the code the sender gave the courier. */
  handoverCode?: string;
}

/** What the assigned driver can do to move the ride on. */
export type DriverStep = "arrive" | "start" | "complete" | "noShow";

/** What an operator can do to a ride's payment. */
export type OpsCommand = Extract<RideCommand, { type: "retryCapture" | "refund" }>;

/**
 * arrive, start, complete, no-show: the assigned driver moves the ride on; completing
 * prices the trip (reported distance and time, or the estimate's).
 *
 * @example
 * advanceCommand(record, "d1", "complete", { distanceMeters: 4200 }, config);
 */
export function advanceCommand(
  record: RideRecord,
  driverId: string,
  step: DriverStep,
  trip: Trip,
  config: Pick<Config, "noShowWaitS" | "noShowFee">,
): RideCommand {
  if (step === "noShow") return noShowCommand(record, driverId, "driver", config);
  if (step !== "complete") return { type: step, driverId };
  const distance = trip.distanceMeters ?? record.ride.distanceMeters;
  const duration = trip.durationSeconds ?? record.ride.durationSeconds;
  return {
    type: "complete",
    driverId,
    distanceMeters: distance,
    durationSeconds: duration,
    fare: finalFare(record.ride.product, record.ride.quote, distance, duration),
    ...(trip.handoverCode === undefined ? {} : { handoverCode: trip.handoverCode }),
  };
}

/**
 * The ETA refresh a driver's new position asks for, or null when the ride is not
 * waiting for this driver or the change is not worth a version (see `etaWorthUpdating`).
 *
 * @example
 * etaCommand(record, "d1", { lat: 37.52, lng: 126.93 }, config.road);
 */
export function etaCommand(record: RideRecord | null, driverId: string, location: LatLng, road: Config["road"]): RideCommand | null {
  if (!record || record.ride.status !== "driver_assigned" || record.ride.driver?.id !== driverId) return null;
  const eta = estimateDrive(location, record.ride.pickup, road).durationSeconds;
  const moved = record.ride.driver.location ? distanceMeters(record.ride.driver.location, location) : Infinity;
  return etaWorthUpdating(record, eta, moved) ? { type: "updateEta", driverId, location, etaSeconds: eta } : null;
}

/**
 * The driver reports that the rider did not show up: allowed `noShowWaitS` after
 * arriving (the machine's guard), with the configured fee.
 *
 * @example
 * noShowCommand(record, "d1", "driver", config); // { type: "noShow", by: "driver", driverId: "d1", waitS: 300, fee }
 */
export function noShowCommand(record: RideRecord, driverId: string, by: "driver" | "system", config: Pick<Config, "noShowWaitS" | "noShowFee">): RideCommand {
  return { type: "noShow", by, driverId, waitS: config.noShowWaitS, fee: { amount: config.noShowFee, currency: "KRW" } };
}

/**
 * What the `stale` timer does to a ride whose driver stopped moving it on: a driver who
 * never arrives is taken off it (dispatch again); a rider who never showed up is a
 * no-show (reported by the system); a trip never ended is completed on the estimate.
 */
function staleCommand(record: RideRecord, now: Date, config: TimerConfig): RideCommand | null {
  const driverId = record.ride.driver?.id;
  if (!driverId) return null;
  switch (record.ride.status) {
    case "driver_assigned":
      return backOut(driverId, now, config.redispatchTimeoutS, "stale");
    case "driver_arrived":
      return noShowCommand(record, driverId, "system", config);
    case "in_progress": {
      // No code to check: the system ends a trip its courier never ended.
      const complete = advanceCommand(record, driverId, "complete", {}, config);
      return complete.type === "complete" ? { ...complete, bySystem: true } : complete;
    }
    default:
      return null;
  }
}

/** What a call means on the ride as it is: the command to decide, or the answer (a refusal, or nothing to do). */
export type CommandOf<T> = (record: RideRecord | null) => RideCommand | Outcome<T>;

/** The settings the timers' commands need. */
export type TimerConfig = Pick<Config, "redispatchTimeoutS" | "noShowWaitS" | "noShowFee">;

/** `command` if the ride may take it now (a repeat, which changes nothing, included), else null. */
const mayRun = (record: RideRecord, command: RideCommand, now: Date): RideCommand | null => (can(record, command, now) === null ? command : null);

/**
 * What a due ride timer does, or null when it has nothing to do any more (it may run
 * twice, or after the state moved on): `deadline`, `offer`, `capture` (a refused
 * capture nobody retried: the fare becomes dues) and `stale`.
 *
 * @example
 * timerCommand("offer", record, new Date(), config); // { type: "expireOffer", driverId: "d1" }
 */
export function timerCommand(name: string, record: RideRecord | null, now: Date, config: TimerConfig): RideCommand | null {
  if (!record) return null;
  // Only while the ride may still time out: an alarm's list of due timers is read once, and a round run before
  // this one in it may have assigned (its commit cleared the deadline); refused, it would be retried and logged for nothing.
  if (name === "deadline" && Date.parse(record.dispatchDeadlineAt) <= now.getTime()) return mayRun(record, { type: "dispatchTimeout" }, now);
  if (name === "offer" && record.offer && Date.parse(record.offer.expiresAt) <= now.getTime()) return { type: "expireOffer", driverId: record.offer.driverId };
  if (name === "capture" && record.ride.status === "payment_pending" && record.ride.payment.status === "failed") return { type: "abandonCapture" };
  if (name === "stale") return staleCommand(record, now, config);
  return null;
}

/**
 * The command a payment worker's result means (null: nothing to do). A refused capture counts
 * only as the answer to the capture the ride waits for (`record`'s outstanding step): a late
 * copy of an earlier attempt's refusal, after an operator's retry sent the next, would mark the
 * payment failed while the retry is out, and stop the watchdog that sends it again. A capture
 * made counts whichever attempt it was: the money was taken.
 *
 * @example
 * commandForResult({ action: "capture", outcome: "succeeded", ... }, record); // { type: "paymentCaptured", ... }
 */
export function commandForResult(result: PaymentResult, record?: RideRecord): RideCommand | null {
  const succeeded = result.outcome === "succeeded";
  switch (result.action) {
    case "authorize":
      return succeeded ? { type: "paymentAuthorized" } : { type: "paymentDeclined" };
    case "capture":
      if (succeeded) return { type: "paymentCaptured", settlement: result.settlement ?? null };
      if (record && outstandingPaymentStep(record)?.idempotencyKey !== result.idempotencyKey) return null;
      return { type: "paymentCaptureFailed", reason: result.detail ?? "declined" };
    case "void":
      // A void the provider refuses finds no hold to release (it lapsed, or was released
      // already), and sending it again gets the same answer for ever: the ride's payment is
      // over all the same. An uncaptured hold is never charged; it lapses at the provider.
      return succeeded ? { type: "paymentVoided" } : { type: "paymentVoided", refused: result.detail ?? "declined" };
    case "settle":
      return succeeded ? { type: "paymentSettled", settlement: result.settlement ?? null } : null;
    case "refund": {
      const key = refundKeyOf(result);
      if (!key) return null;
      return succeeded
        ? { type: "paymentRefunded", key, adjustment: result.adjustment ?? null }
        : { type: "paymentRefundDeclined", key, detail: result.detail ?? "declined" };
    }
  }
}

/** The refund's own key, from the step's idempotency key `<rideId>:refund:<key>`. */
function refundKeyOf(result: PaymentResult): string | null {
  const prefix = `${result.rideId}:refund:`;
  return result.idempotencyKey.startsWith(prefix) ? result.idempotencyKey.slice(prefix.length) : null;
}
