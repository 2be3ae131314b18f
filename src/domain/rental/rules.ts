/**
 * The rental machine as one table (read by `decideByTable`, src/kernel/table.ts): per
 * command, the states it is allowed from, the state it goes to, its repeat, its guard,
 * what it applies (a change that lets go of the vehicle says so by its `VehicleReleased`,
 * and the vehicle is freed after the commit: machine.ts, `vehicleReleaseAfterCommit`). A
 * rental is `requested` while it is charged, `confirmed` once paid (its key
 * arrives whenever the key service answers), and ends `completed` (unlocked, then returned
 * or its time is up), `cancelled` (never unlocked: by its rider or ops before its end, or
 * by the system at its end, `never_unlocked`; the key invalidated, then the whole price
 * refunded) or `declined` (the card was declined, or the payment did not answer in time:
 * a capture that succeeds after that is refunded). The rider pays only for a vehicle they
 * could open: no rental is completed, its payment kept, without its vehicle unlocked.
 */
import { refuse, type RecordAccess, type Refused, type RuleTable } from "../../kernel/table";
import type { LatLng, Money } from "../types";
import type { Rental, RentalEventDraft, RentalRecord, RentalStatus } from "./types";
import { refundKey } from "./refund-key";

export type RentalCommand =
  | { type: "authorized" }
  | { type: "captured" }
  | { type: "capturedLate" }
  | { type: "paymentDeclined"; action: "authorize" | "capture"; detail: string | null }
  | { type: "paymentDeclinedLate"; detail: string | null }
  /** `refused`: the provider's detail when it refused the void (no hold was left to release). */
  | { type: "voided"; refused?: string }
  | { type: "refundSettled"; outcome: "succeeded" | "declined"; amount: Money; detail: string | null; key: string }
  | { type: "retryRefund" }
  | { type: "keyIssued"; key: string }
  | { type: "unlock"; key: string }
  | { type: "cancel"; by: "rider" | "ops" }
  | { type: "return"; at?: LatLng } // at: where the rider left the vehicle (listed there from then on)
  | { type: "expire" }
  | { type: "expireUnused" }
  | { type: "paymentOverdue" };

/** How long a `requested` rental waits for its payment before it is declined and its vehicle freed. */
export const PAYMENT_DEADLINE_MS = 15 * 60_000;

/** When a requested rental's payment is overdue. */
export const paymentDeadline = (r: RentalRecord): number => Date.parse(r.rental.createdAt) + PAYMENT_DEADLINE_MS;

/** What the Rental DO does elsewhere: hold or free its vehicle. */
export type RentalEffect =
  | { type: "reserveVehicle"; vehicleId: string; rentalId: string; correlationId: string }
  | { type: "releaseVehicle"; vehicleId: string; rentalId: string; correlationId: string; at?: LatLng };

type Rules = RuleTable<RentalRecord, RentalStatus, RentalCommand, RentalEventDraft, RentalEffect>;

/** The key stops unlocking: recorded first, before anything that follows it (the refund). */
function invalidateKey(next: RentalRecord): RentalEventDraft[] {
  const had = next.rental.unlockKey !== null;
  next.rental.unlockKey = null;
  next.keyInvalidated = true;
  return [{ type: "UnlockKeyInvalidated", data: { hadKey: had } }];
}

/** The rental's time is up (its end timer may not have fired yet). */
const over = (r: RentalRecord, now: Date): boolean => r.rental.endsAt !== null && Date.parse(r.rental.endsAt) <= now.getTime();

/** The rental ends ridden: the key dies, the vehicle is freed (where its rider left it, kept for a release lost: `returnedAt`). */
function ended(next: RentalRecord, by: "rider" | "system", at?: LatLng): RentalEventDraft[] {
  if (at) next.returnedAt = at;
  return [
    ...invalidateKey(next),
    { type: "VehicleReleased", data: { vehicleId: next.rental.vehicleId, ...(at ? { location: at } : {}) } },
    { type: "RentalCompleted", data: { by } },
  ];
}

/**
 * A confirmed rental ends unused, whoever ends it (its rider, ops, or the system at its end):
 * the key dies first, the vehicle is freed, and the whole price goes back (the refund step,
 * under refundKey, and `retryRefund` if the provider declines it).
 */
function cancelled(next: RentalRecord, cancellation: NonNullable<Rental["cancellation"]>): RentalEventDraft[] {
  next.rental.cancellation = cancellation;
  next.refund = next.rental.payment.status === "captured" ? "pending" : null; // in flight: a hold is voided, a late capture refunded
  if (next.rental.payment.status === "authorized") next.captureSent = true; // its capture is on its way: see `voided`
  return [
    ...invalidateKey(next),
    { type: "VehicleReleased", data: { vehicleId: next.rental.vehicleId } },
    { type: "RentalCancelled", data: { ...cancellation } },
  ];
}

/**
 * What the `end` timer asks of a rental: one whose vehicle was unlocked is completed, and its
 * payment kept; one never unlocked (its key never came, or its rider never used it) is
 * cancelled and refunded, since its rider could never ride.
 *
 * @example
 * decideRental(record, endCommand(record), now);
 */
export const endCommand = (r: RentalRecord): RentalCommand => (r.rental.unlockedAt === null ? { type: "expireUnused" } : { type: "expire" });

/** The end timer's guard: the time is up and the vehicle was (`expire`) or never was (`expireUnused`) unlocked. */
function atEnd(unlocked: boolean) {
  const other = unlocked ? "the vehicle was not unlocked: the rental ends unused (expireUnused)" : "the vehicle was unlocked: the rental is completed (expire)";
  return (r: RentalRecord, _c: unknown, now: Date): Refused | null => {
    if (!over(r, now)) return refuse("invalid_transition", "the rental has not ended yet");
    return (r.rental.unlockedAt !== null) === unlocked ? null : refuse("invalid_transition", other);
  };
}

/** The rental machine's table: per command, from which states, to which, its repeat, guard, effects and events. */
export const RENTAL_RULES: Rules = {
  authorized: {
    // Declined (overdue) or cancelled while its authorisation was in flight: the hold is recorded, then voided.
    from: ["requested", "declined", "cancelled"],
    to: "same",
    repeat: (r) => r.rental.payment.status !== "pending",
    apply: (next) => ((next.rental.payment.status = "authorized"), (next.hold = true), [{ type: "PaymentAuthorized", data: {} }]),
  },
  captured: {
    from: ["requested"],
    to: "confirmed",
    repeat: (r) => r.rental.payment.status === "captured" || r.rental.payment.status === "refunded",
    guard: (r) => (r.rental.payment.status === "declined" ? refuse("invalid_transition", "the payment was declined") : null),
    apply: (next, _c, now) => {
      const rental = next.rental;
      rental.payment.status = "captured";
      next.hold = false;
      rental.confirmedAt = now.toISOString();
      rental.endsAt = new Date(now.getTime() + rental.hours * 3_600_000).toISOString();
      return [
        { type: "PaymentCaptured", data: { amount: rental.price } },
        { type: "RentalConfirmed", data: { endsAt: rental.endsAt } },
      ];
    },
  },
  capturedLate: {
    // A capture answered after the deadline declined the rental, or its rider cancelled it: the
    // rider was charged for a vehicle they do not have, so the money goes back at once (refund).
    from: ["declined", "cancelled"],
    to: "same",
    repeat: (r) => r.rental.payment.status === "captured" || r.rental.payment.status === "refunded" || r.refund !== null,
    apply: (next) => {
      next.rental.payment.status = "captured";
      next.hold = false;
      next.refund = "pending";
      return [{ type: "PaymentCaptured", data: { amount: next.rental.price, afterDecline: true } }];
    },
  },
  paymentDeclined: {
    from: ["requested"],
    to: "declined",
    repeat: (r) => r.rental.status === "declined",
    apply: (next, c) => {
      next.rental.payment.status = "declined";
      return [
        { type: "PaymentDeclined", data: { action: c.action, detail: c.detail } },
        { type: "VehicleReleased", data: { vehicleId: next.rental.vehicleId } },
        { type: "RentalDeclined", data: {} },
      ];
    },
  },
  paymentDeclinedLate: {
    // A decline answered after its rider cancelled, or its deadline declined it: recorded (a hold a declined capture left is still voided).
    from: ["cancelled", "declined"],
    to: "same",
    repeat: (r) => r.rental.payment.status !== "pending" && r.rental.payment.status !== "authorized",
    apply: (next, c) => ((next.rental.payment.status = "declined"), [{ type: "PaymentDeclined", data: { detail: c.detail, afterCancel: true } }]),
  },
  paymentOverdue: {
    from: ["requested"],
    to: "declined",
    repeat: (r) => r.rental.status !== "requested",
    guard: (r, _c, now) => (paymentDeadline(r) <= now.getTime() ? null : refuse("invalid_transition", "the payment is not overdue yet")),
    // The payment status stays as it is: an authorised hold (or one authorised later) is voided. An authorised one's capture
    // is on its way (a requested rental captures at once), as on a cancel: a void refused then is not taken for voided (`voided`).
    apply: (next) => {
      if (next.rental.payment.status === "authorized") next.captureSent = true;
      return [
        { type: "VehicleReleased", data: { vehicleId: next.rental.vehicleId } },
        { type: "RentalDeclined", data: { reason: "payment_timeout" } },
      ];
    },
  },
  voided: {
    from: ["declined", "cancelled"],
    to: "same",
    // A void only a declined or cancelled rental's hold needs (or one whose authorisation's answer was lost); others are stray repeats.
    repeat: (r) => (!r.hold && r.rental.payment.status !== "pending") || (r.rental.status !== "declined" && r.rental.status !== "cancelled"),
    apply: (next, c) => {
      next.hold = false;
      // Refused after a capture went out (cancelled while it was on its way): that capture may have taken the money, so it is
      // asked again under its key (outstandingStep), answered captured (refunded) or declined, not taken for voided.
      if (!(c.refused && next.captureSent)) next.rental.payment.status = "voided";
      return [{ type: "PaymentVoided", data: c.refused ? { refused: c.refused } : {} }];
    },
  },
  refundSettled: {
    from: ["cancelled", "declined"],
    to: "same",
    // The answer to an earlier attempt (a message delivered twice) is not this one's.
    repeat: (r, c) => r.refund !== "pending" || c.key !== refundKey(r),
    apply: (next, c) => {
      next.refund = c.outcome;
      if (c.outcome === "declined") return [{ type: "RefundDeclined", data: { detail: c.detail } }];
      next.rental.payment = { status: "refunded", refundedAmount: c.amount };
      return [{ type: "PaymentRefunded", data: { amount: c.amount } }];
    },
  },
  retryRefund: {
    // An operator sends a refund the provider declined again, as a new attempt (refundKey);
    // asked again while that attempt is out, nothing more is sent.
    from: ["cancelled", "declined"],
    to: "same",
    repeat: (r) => r.refund === "pending",
    guard: (r) =>
      r.refund === "declined"
        ? null
        : refuse("invalid_transition", r.refund === "succeeded" ? "the rental was refunded already" : "the rental has no refund to retry"),
    apply: (next) => {
      next.refund = "pending";
      next.refundAttempt = (next.refundAttempt ?? 1) + 1;
      return [{ type: "RefundRetried", data: { attempt: next.refundAttempt } }];
    },
  },
  keyIssued: {
    from: ["confirmed"],
    to: "same",
    // A key for a rental that has one, or that ended meanwhile, is dropped: it must never unlock. So is one
    // that comes past the rental's end with its timer not yet run: the rider is not told to unlock what would be refused.
    repeat: (r, _c, now) => r.rental.unlockKey !== null || r.keyInvalidated === true || r.rental.status !== "confirmed" || over(r, now),
    guard: (_r, c) => (/^\d{4}$/.test(c.key) ? null : refuse("invalid_request", "an unlock key is 4 digits")),
    apply: (next, c) => ((next.rental.unlockKey = c.key), [{ type: "RentalKeyIssued", data: {} }]),
  },
  unlock: {
    from: ["confirmed"],
    to: "same",
    refusedAs: "forbidden",
    // The same key again while the rental lasts; past its end (its timer not yet run) it is refused like any key.
    repeat: (r, c, now) => r.rental.status === "confirmed" && r.rental.unlockedAt !== null && r.rental.unlockKey === c.key && !over(r, now),
    guard: (r, c, now) => {
      if (over(r, now)) return refuse("forbidden", "the rental has ended");
      return r.rental.unlockKey !== null && r.rental.unlockKey === c.key ? null : refuse("forbidden", "this key does not unlock the vehicle");
    },
    apply: (next, _c, now) => ((next.rental.unlockedAt = now.toISOString()), [{ type: "VehicleUnlocked", data: {} }]),
  },
  cancel: {
    // Before the ride starts (its payment in flight too): once unlocked, the rider returns it instead.
    from: ["requested", "confirmed"],
    to: "cancelled",
    repeat: (r) => r.rental.status === "cancelled",
    guard: (r, _c, now) => {
      if (over(r, now)) return refuse("invalid_transition", "the rental has ended");
      return r.rental.unlockedAt ? refuse("invalid_transition", "the vehicle was unlocked already: return it instead") : null;
    },
    apply: (next, c) => cancelled(next, { by: c.by }),
  },
  return: {
    from: ["confirmed"],
    to: "completed",
    repeat: (r) => r.rental.status === "completed",
    // Nothing was ridden, so nothing is returned: completing it would keep the price of a
    // vehicle the rider never opened. Before its end the way out is cancel; after it, the
    // end timer cancels it (expireUnused); either way the whole price goes back.
    guard: (r, _c, now) => {
      if (r.rental.unlockedAt !== null) return null;
      return refuse(
        "invalid_transition",
        over(r, now) ? "the vehicle was not unlocked: the rental ends unused and is refunded" : "the vehicle was not unlocked: cancel the rental instead",
      );
    },
    apply: (next, c) => ended(next, "rider", c.at),
  },
  expire: {
    // The end of a rental that was ridden (see endCommand): the payment is kept.
    from: ["confirmed"],
    to: "completed",
    repeat: (r) => r.rental.status !== "confirmed",
    guard: atEnd(true),
    apply: (next) => ended(next, "system"),
  },
  expireUnused: {
    // The end of a rental never unlocked (see endCommand): its rider could not ride, so it is
    // cancelled by the system and refunded in full, as a cancel before its end would have been.
    from: ["confirmed"],
    to: "cancelled",
    repeat: (r) => r.rental.status !== "confirmed",
    guard: atEnd(false),
    apply: (next) => cancelled(next, { by: "system", reason: "never_unlocked" }),
  },
};

/** How the table kernel reads and moves a rental record: its status, and its version and time touched. */
export const RENTAL_ACCESS: RecordAccess<RentalRecord, RentalStatus> = {
  name: "rental",
  status: (r) => r.rental.status,
  setStatus: (r, s) => (r.rental.status = s),
  touch: (r, by, now) => ((r.rental.version += by), (r.rental.updatedAt = now.toISOString())),
};
