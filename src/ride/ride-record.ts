/**
 * Pure helpers around a ride record: creating it, who may see it, whether a driver's
 * move is worth a version. (Timers, messages and the payment step are the machine's:
 * src/domain/ride/plan.ts and payment.ts.)
 */
import { can, decide, type EventDraft, type RideRecord } from "../domain/ride-machine";
export { paymentCommand } from "../domain/ride-machine";
import { holdAmount } from "../domain/fare";
import type { Actor, Locale, Money, ParcelView, Place, Product, Ride } from "../domain/types";
import { driversWatching, driverView } from "../domain/ride/audience";
import { senderView } from "../domain/ride/parcel";
import type { OpsCommand } from "./commands";
import { fail, ok, type Outcome } from "../lib/problem";

/**
 * The one answer (409 offer_not_available) to a driver who accepts or declines a ride
 * that is not offered (or, for a decline, assigned) to them: the same whether the ride
 * exists or not, so that ride ids cannot be probed.
 */
export const NOT_OFFERED_TO_YOU = "this ride is not offered to you";

export interface CreateRideInput {
  rideId: string;
  riderId: string;
  product: Product;
  pickup: Place;
  dropoff: Place;
  paymentMethod: string;
  quote: Money;
  distanceMeters: number;
  durationSeconds: number;
  locale: Locale;
  correlationId: string;
  /** Hash of the request body, to tell a retry from a reuse of the key for another ride. */
  requestHash: string;
  /** Parcel rides: what the ride shows of the parcel, the code for the sender (and sealed for this ride), the recipient's phone sealed. */
  parcel?: { view: ParcelView; handoverCode: string; handoverSealed?: string; recipientPhoneSealed: string };
}

/** A new ride record in `requested`, version 0: nothing stored yet (its first change makes it 1). */
export function newRideRecord(input: CreateRideInput, now: Date, dispatchTimeoutS: number): RideRecord {
  const at = now.toISOString();
  return {
    ride: {
      id: input.rideId,
      status: "requested",
      version: 0,
      riderId: input.riderId,
      product: input.product,
      pickup: input.pickup,
      dropoff: input.dropoff,
      quote: input.quote,
      driver: null,
      etaSeconds: null,
      fare: null,
      payment: { status: "pending" },
      cancellation: null,
      distanceMeters: input.distanceMeters,
      durationSeconds: input.durationSeconds,
      locale: input.locale,
      createdAt: at,
      updatedAt: at,
      ...(input.parcel ? { parcel: input.parcel.view } : {}),
    },
    paymentMethod: input.paymentMethod,
    holdAmount: holdAmount(input.quote),
    offer: null,
    excludedDriverIds: [],
    correlationId: input.correlationId,
    dispatchDeadlineAt: new Date(now.getTime() + dispatchTimeoutS * 1000).toISOString(),
    ...(input.parcel ? { handoverCode: input.parcel.handoverCode, recipientPhoneSealed: input.parcel.recipientPhoneSealed } : {}),
    ...(input.parcel?.handoverSealed ? { handoverSealed: input.parcel.handoverSealed } : {}),
  };
}

/**
 * The first event of a ride (`openRide` commits it with the start of the search).
 *
 * @example
 * requestedEvent(input).type; // "RideRequested"
 */
export function requestedEvent(input: CreateRideInput): EventDraft {
  const parcel = input.parcel ? { parcel: input.parcel.view } : {};
  return { type: "RideRequested", data: { product: input.product, pickup: input.pickup, dropoff: input.dropoff, quote: input.quote, ...parcel } };
}

/**
 * A new ride as its first commit stores it: requested and already dispatching (version 1,
 * `RideRequested` then `DispatchStarted`: one change), since its first round runs right after. Starting
 * the search in a commit of its own was one more commit, views message and relay for every
 * ride that found nobody at once; a record stored `requested` (before this) is still
 * started by its first round.
 *
 * @example
 * const { record, events } = openRide(input, new Date(), 60); // record.ride.status === "dispatching"
 */
export function openRide(input: CreateRideInput, now: Date, dispatchTimeoutS: number): { record: RideRecord; events: EventDraft[] } {
  const requested = newRideRecord(input, now, dispatchTimeoutS);
  const started = decide(requested, { type: "startDispatch" }, now);
  // A new record is `requested`, from which the rules always allow startDispatch.
  if (started.kind !== "applied") throw new Error(`a new ride could not start dispatching: ${started.kind}`);
  return { record: started.record, events: [requestedEvent(input), ...started.events] };
}

/**
 * The Ride JSON for `actor`: a parcel's handover code is added for its sender (the rider
 * who owns the ride) and nobody else; the record's `ride` never holds it, so the views,
 * notifications, the driver and ops never get it. A driver reads who cancelled, not the
 * reason a rider or an operator wrote (`driverView`).
 *
 * @example
 * viewFor(record, { id: record.ride.riderId, role: "rider" }).handoverCode; // "4821"
 */
export function viewFor(record: RideRecord, actor: Actor): Ride {
  if (actor.role === "driver") return driverView(record.ride);
  const sender = actor.role === "rider" && actor.id === record.ride.riderId;
  return sender ? senderView(record) : record.ride;
}

/** May `actor` see this ride? Its rider, its driver, the driver it is offered to, and ops. */
export function canView(record: RideRecord, actor: Actor): boolean {
  if (actor.role === "ops") return true;
  if (actor.role === "rider") return record.ride.riderId === actor.id;
  return driversWatching(record).includes(actor.id);
}

/**
 * Whether a driver's new position is worth a new ride version: the ETA moved by at
 * least `minEtaDeltaS`, or the driver moved at least `minMoveM`. Location reports
 * come every few seconds; committing each would flood the timeline and the views.
 */
export function etaWorthUpdating(record: RideRecord, etaSeconds: number, movedMeters: number, minEtaDeltaS = 15, minMoveM = 100): boolean {
  const current = record.ride.etaSeconds;
  if (current === null || record.ride.driver?.location == null) return true;
  return Math.abs(current - etaSeconds) >= minEtaDeltaS || movedMeters >= minMoveM;
}

/**
 * Whether a ride may still want its driver's positions (to refresh the pickup ETA):
 * until the driver arrives. A ride the object does not know is given the benefit of the doubt.
 *
 * @example
 * wantsDriverPositions(record); // false once the ride is driver_arrived, in_progress or ended
 */
export function wantsDriverPositions(record: RideRecord | null): boolean {
  const status = record?.ride.status;
  return status === undefined || status === "requested" || status === "dispatching" || status === "driver_assigned";
}

/**
 * The ride whose ledger rows an operator's command needs put back first (the window may have
 * let them go, and the payment worker refunds from the capture it holds): a refund the ride
 * would take, or a repeat of one. Null for anything else: a refund refused (nothing captured,
 * more than is left, a key used for another refund) leaves the ledger untouched.
 *
 * @example
 * refundToPin(record, ops, { type: "refund", key: "k1", amount: null, reason: "detour" }, new Date()); // "rd_…"
 */
export function refundToPin(record: RideRecord | null, actor: Pick<Actor, "role">, command: OpsCommand, now: Date): string | null {
  if (!record || actor.role !== "ops" || command.type !== "refund") return null;
  return can(record, command, now) ? null : record.ride.id;
}

/** A ride as the views' healing reads it from its object: the ride, its whole timeline, and a parcel's handover code sealed for the ride (never the code). */
export interface RideForViews<T = unknown> {
  ride: Ride;
  timeline: T[];
  handoverSealed?: string;
}

/**
 * The healing's read of a ride, its timeline read only for a ride there is (`log`: the object's event log).
 *
 * @example
 * forViews(record, () => eventLog()); // { ok: true, value: { ride, timeline, handoverSealed: "iv.sealed" } }
 */
export function forViews<T>(record: RideRecord | null, log: () => T[]): Outcome<RideForViews<T>> {
  if (!record) return fail("not_found", "no such ride");
  return ok({ ride: record.ride, timeline: log(), ...(record.handoverSealed ? { handoverSealed: record.handoverSealed } : {}) });
}
