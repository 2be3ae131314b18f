/**
 * What the ride's rules share: the shape of a rule, the refusal, the states, and the
 * changes several rules make (cancelling, releasing the driver, ending unpaid).
 */
import type { Cancellation, Money, RideStatus } from "../types";
import type { EventDraft, Refund, RideCommand, RideEffect, RideProbe, RideRecord } from "./types";
import type { ProblemCode } from "../../lib/problem";

export type Of<K extends RideCommand["type"]> = Extract<RideCommand, { type: K }>;
export type ProbeOf<K extends RideCommand["type"]> = Extract<RideProbe, { type: K }>;
export type Refused = { code: ProblemCode; detail: string };

export interface Rule<K extends RideCommand["type"]> {
  from: readonly RideStatus[];
  /** `"same"` keeps the status and changes only details. */
  to: RideStatus | "same";
  /** The code of a refusal from a state not in `from` (default `invalid_transition`). */
  refusedAs?: ProblemCode;
  /** Arrives twice (at-least-once delivery, a double tap): the second time changes nothing. */
  repeat?: (record: RideRecord, command: ProbeOf<K>) => boolean;
  guard?: (record: RideRecord, command: ProbeOf<K>, now: Date) => Refused | null;
  apply: (next: RideRecord, command: Of<K>, now: Date) => EventDraft[];
  /** Effects that must succeed before the commit; `next` is the record after the command. */
  before?: (record: RideRecord, next: RideRecord) => RideEffect[];
}

export type Rules = { [K in RideCommand["type"]]: Rule<K> };

export const BEFORE_BOARDING: readonly RideStatus[] = ["requested", "dispatching", "driver_assigned", "driver_arrived"];
export const LIVE: readonly RideStatus[] = [...BEFORE_BOARDING, "in_progress", "payment_pending"];
/** While a ride may hold a driver: at `payment_pending` it has released them. */
const WHILE_HELD: readonly RideStatus[] = [...BEFORE_BOARDING, "in_progress"];

/**
 * Whether a ride in `status` may still hold its driver (before boarding or on the trip); past
 * the trip or cancelled it has let go of them.
 *
 * @example
 * mayHoldDriver("payment_pending"); // false
 */
export const mayHoldDriver = (status: RideStatus): boolean => WHILE_HELD.includes(status);

export const refuse = (code: ProblemCode, detail: string): Refused => ({ code, detail });

/**
 * The driver the ride holds (assigned, or offered), to be released when it lets go.
 *
 * @example
 * heldDriver(offeredRecord); // "d1"
 */
export function heldDriver(record: RideRecord): string | null {
  return record.ride.driver?.id ?? record.offer?.driverId ?? null;
}

/** The driver the ride holds, or the one a dispatch round is reserving (written ahead, not yet committed). */
const heldOrReserving = (record: RideRecord): string | null => heldDriver(record) ?? record.reserving ?? null;

/**
 * The driver the ride still has a claim on: held or being reserved, while it may hold one (before
 * boarding or on the trip; a completed or cancelled ride released its driver). A Driver DO held
 * for a ride with no claim on them was left by a release lost to a crash (src/driver/silence.ts).
 *
 * @example
 * claimedDriver(cancelledRide); // null
 */
export function claimedDriver(record: RideRecord): string | null {
  return mayHoldDriver(record.ride.status) ? heldOrReserving(record) : null;
}

/**
 * Before the commit: the driver offered the ride, or the one a round was reserving, when no
 * driver is assigned (an assigned one is released after the commit: plan.ts,
 * `releaseAfterCommit`). An offer has a timer of its own on the ride (`offer`), so a process
 * killed between this release and the commit is healed there within `OFFER_TIMEOUT_S`, and a
 * failed release fails the command, which its caller (the driver's app, the ride's timer)
 * sends again; released after the commit, a lost release would leave the driver `offered`
 * until their `silent` check (`DRIVER_OFFLINE_AFTER_S`), refused by every other ride.
 */
export const releaseOffered = (record: RideRecord): RideEffect[] => {
  const driverId = record.ride.driver ? null : heldOrReserving(record);
  return driverId ? [{ type: "releaseDriver", driverId }] : [];
};

export const offeredTo = (record: RideRecord, command: { driverId: string }) =>
  record.offer?.driverId === command.driverId ? null : refuse("offer_not_available", "no offer to this driver");

export const ownDriver = (record: RideRecord, command: { driverId: string }) =>
  record.ride.driver?.id === command.driverId ? null : refuse("forbidden", "not this ride's driver");

/** A step's repeat: the ride is in one of `after`, still this driver's, and `also` holds. */
function stepDone(after: readonly RideStatus[], also: (r: RideRecord) => boolean = () => true) {
  return (r: RideRecord, c: { driverId: string }) => after.includes(r.ride.status) && r.ride.driver?.id === c.driverId && also(r);
}

/**
 * A driver's step sent again after it took effect (the answer lost on a bad network, the
 * app retrying): the ride is past it and still this driver's, so the retry gets the ride,
 * not a 409 for what already happened. Another driver's is no repeat (the state refuses it, as before).
 *
 * @example
 * DRIVER_STEP_DONE.start(inProgressRecord, { driverId: "d1" }); // true
 */
export const DRIVER_STEP_DONE = {
  arrive: stepDone(["driver_arrived"]),
  start: stepDone(["in_progress"]),
  // Ended by the driver (paid, pending or unpaid). Not one the stale timer ended on the estimate:
  // the driver's measures and a parcel's code were never taken, and a 200 would say they were.
  complete: stepDone(["payment_pending", "completed"], (r) => !r.endedBySystem),
  // The reason alone is free text a rider or an operator may write: only the driver's or the system's report counts.
  noShow: stepDone(["cancelled"], (r) => r.ride.cancellation?.reason === "rider_no_show" && ["driver", "system"].includes(r.ride.cancellation.by)),
};

/** The rider did not pay the fare: it becomes their dues, recorded before the ride ends. */
export const addDues = (next: RideRecord): RideEffect[] =>
  next.ride.status === "completed" && next.ride.payment.status === "failed" && next.ride.fare
    ? [{ type: "addDues", riderId: next.ride.riderId, rideId: next.ride.id, amount: next.ride.fare }]
    : [];

/**
 * The trip is over and the hold is gone (declined after boarding, or a capture refused
 * for good): the ride ends `completed` with payment `failed`; the fare becomes the
 * rider's dues and the driver is still paid (the `settle` step).
 */
export function endUnpaid(next: RideRecord, reason: string): EventDraft[] {
  const fare = next.ride.fare ?? next.ride.quote;
  next.ride.status = "completed";
  next.ride.payment = { status: "failed" };
  return [
    { type: "PaymentFailed", data: { reason } },
    { type: "DuesIncurred", data: { amount: fare } },
    { type: "RideCompleted", data: { fare } },
  ];
}

/**
 * A no-show's fee that cannot be taken (its capture refused, or the hold declined): dropped, the
 * ride's fare with it, and the rider (told at the cancellation that it would be charged) told not.
 */
export function dropFee(next: RideRecord, reason: string): EventDraft[] {
  delete next.noShowFee;
  next.ride.fare = null;
  return [{ type: "PaymentFailed", data: { reason, fee: "dropped" } }];
}

export const captured = (r: RideRecord) => r.ride.payment.status === "captured" || r.ride.payment.status === "refunded";

/** What of the captured fare can still be refunded (refunds asked and not declined count). */
export function refundable(record: RideRecord): number {
  const fare = record.ride.fare?.amount ?? 0;
  return fare - (record.refunds ?? []).filter((r) => r.status !== "declined").reduce((sum, r) => sum + r.amount.amount, 0);
}

/**
 * What of the refunds the provider declined no refund asked after it has given back: an operator's
 * open problem until it is nothing (the views read it off each `PaymentRefunded`). A refund asked
 * while a decline is open is taken as its retry, up to its amount (`Refund.retries`): made, it
 * closes that much of it; declined, only the rest of it is a new promise broken. So a smaller
 * refund, or one asked before the decline, does not settle it, and a retry declined again does not
 * count it twice. Never more than is left of the fare after the refunds made.
 *
 * @example
 * declinedLeft(rideWith10000DeclinedThen6000Made); // 4000
 */
export function declinedLeft(record: RideRecord): number {
  let open = 0;
  for (const r of record.refunds ?? []) {
    // A refund asked before `retries` was kept: as the rule before it (a refund made settled what it could).
    const retries = r.retries ?? (r.status === "succeeded" ? r.amount.amount : 0);
    if (r.status === "declined") open += r.amount.amount - retries;
    // Never below nothing: an older refund made before any decline would otherwise hide the declines after it.
    if (r.status === "succeeded") open = Math.max(0, open - retries);
  }
  return Math.max(0, Math.min(open, (record.ride.fare?.amount ?? 0) - refundedSoFar(record)));
}

/** What of the open declines a refund asked now retries: up to its amount, of what no pending refund retries already. */
export function retriedBy(record: RideRecord, amount: number): number {
  const retrying = (record.refunds ?? []).filter((r) => r.status === "pending").reduce((sum, r) => sum + (r.retries ?? 0), 0);
  return Math.max(0, Math.min(amount, declinedLeft(record) - retrying));
}

/** What the refunds made so far gave back. */
export const refundedSoFar = (record: RideRecord): number =>
  (record.refunds ?? []).filter((r) => r.status === "succeeded").reduce((sum, r) => sum + r.amount.amount, 0);

export const refundOf = (record: RideRecord, key: string) => record.refunds?.find((r) => r.key === key);

/**
 * Whether a refund request repeats the one kept under its key: the same amount asked (or, for
 * a refund kept before `asked` was, the amount it came to) and the same reason.
 *
 * @example
 * sameRefund(refundOf(record, "k1"), { key: "k1", amount: null, reason: "detour" });
 */
export function sameRefund(kept: Refund | undefined, asked: { amount: Money | null; reason: string }): boolean {
  if (!kept || kept.reason !== asked.reason) return false;
  const amount = asked.amount?.amount ?? null;
  return kept.asked !== undefined ? kept.asked === amount : amount === null || amount === kept.amount.amount;
}

export const knownRefund = (record: RideRecord, command: { key: string }) => (refundOf(record, command.key) ? null : refuse("not_found", "no such refund"));

/** A refund's result arrives again (at-least-once delivery): it was taken already. */
export const settledRefund = (record: RideRecord, command: { key: string }) => (refundOf(record, command.key)?.status ?? "pending") !== "pending";

export const holdToCapture = (record: RideRecord) => {
  const p = record.ride.payment.status;
  return p === "authorized" || p === "failed" ? null : refuse("invalid_transition", `no hold to capture (payment ${p})`);
};

export function cancel(next: RideRecord, cancellation: Cancellation): EventDraft[] {
  const ride = next.ride;
  const held = heldDriver(next);
  next.offer = null;
  ride.status = "cancelled";
  ride.cancellation = cancellation;
  ride.etaSeconds = null;
  const released: EventDraft[] = held ? [{ type: "DriverReleased", data: { driverId: held } }] : [];
  return [...released, { type: "RideCancelled", data: { ...cancellation } }];
}

export function dropOffer(next: RideRecord, driverId: string): void {
  next.offer = null;
  next.excludedDriverIds.push(driverId);
}
