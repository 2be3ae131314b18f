/**
 * The rental machine's entry points: creating a rental, deciding a command (from the
 * table in rules.ts), and planning what a change writes and causes: events to the views,
 * the rider's notifications, the payment step the rental now needs (authorize, capture,
 * void of a hold whose capture was declined, refund of a cancelled one) and the request
 * for its unlock key; and the timers that keep every live state moving (the payment
 * watchdog, the key request asked again, the rental's end). Pure.
 */
import { NOTIFIED_RENTAL_EVENTS } from "./notified";
import { stamp, type Decision, type Outbound, type Plan, type TimerChange } from "../../kernel/machine";
import { decideByTable } from "../../kernel/table";
import type { DomainEvent, PaymentCommandMessage, PaymentResult, RentalKeyMessage } from "../events";
import type { Actor, Locale, Money } from "../types";
import { refundKey } from "./refund-key";
import { paymentDeadline, RENTAL_ACCESS, RENTAL_RULES, type RentalCommand, type RentalEffect } from "./rules";
import type { Rental, RentalEventDraft, RentalRecord } from "./types";

export type { RentalCommand, RentalEffect } from "./rules";
export { endCommand, PAYMENT_DEADLINE_MS } from "./rules";
export { refundKey } from "./refund-key";
export type RentalDecision = Decision<RentalRecord, RentalEventDraft, RentalEffect>;

/**
 * How long after a rental's ending its vehicle's release is sent again if no answer came (the
 * vehicle's object down, the process killed after the commit): the `release` timer, set in the
 * ending's commit and cleared by the vehicle's answer. Until then the vehicle is not rentable.
 */
export const VEHICLE_RELEASE_RETRY_MS = 30_000;

/** How soon a confirmed rental without its key first asks the key service again. */
export const KEY_RETRY_MS = 20_000;
/** The longest wait between two asks (the wait doubles up to it while the service is down). */
export const KEY_RETRY_MAX_MS = 5 * 60_000;

/**
 * The wait before the next ask: as long as the rental has waited since its confirmation
 * (so it doubles from one ask to the next), between KEY_RETRY_MS and KEY_RETRY_MAX_MS.
 *
 * @example
 * keyRetryDelay(record, now); // 20_000 at first, 40_000, 80_000, ... 300_000
 */
export function keyRetryDelay(record: RentalRecord, now: Date): number {
  const waited = now.getTime() - Date.parse(record.rental.confirmedAt ?? now.toISOString());
  return Math.min(KEY_RETRY_MAX_MS, Math.max(KEY_RETRY_MS, waited));
}

export interface CreateRentalInput {
  rentalId: string;
  riderId: string;
  vehicleId: string;
  hours: number;
  price: Money;
  paymentMethod: string;
  locale: Locale;
  correlationId: string;
}

/**
 * A new rental, `requested`, and the decision that records it: the vehicle is reserved
 * before the commit (taken: the creation fails `vehicle_unavailable` and nothing is written).
 *
 * @example
 * const d = createRental({ rentalId, riderId, vehicleId, hours: 2, price: krw(4000), paymentMethod, locale: "ko", correlationId }, now);
 */
export function createRental(input: CreateRentalInput, now: Date): RentalDecision {
  const at = now.toISOString();
  const rental: Rental = {
    id: input.rentalId,
    vehicleId: input.vehicleId,
    riderId: input.riderId,
    hours: input.hours,
    price: input.price,
    status: "requested",
    unlockKey: null,
    payment: { status: "pending" },
    cancellation: null,
    confirmedAt: null,
    endsAt: null,
    unlockedAt: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  const record: RentalRecord = {
    rental,
    paymentMethod: input.paymentMethod,
    locale: input.locale,
    correlationId: input.correlationId,
    refund: null,
    hold: false,
  };
  const event: RentalEventDraft = { type: "RentalRequested", data: { vehicleId: input.vehicleId, hours: input.hours, price: input.price } };
  return {
    kind: "applied",
    record,
    events: [event],
    effects: [{ type: "reserveVehicle", vehicleId: input.vehicleId, rentalId: input.rentalId, correlationId: input.correlationId }],
  };
}

/**
 * @example
 * decideRental(record, { type: "cancel", by: "rider" }, now);
 */
export function decideRental(record: RentalRecord, command: RentalCommand, now: Date): RentalDecision {
  return decideByTable(RENTAL_RULES, RENTAL_ACCESS, record, command, now);
}

/**
 * The command a payment result means for a rental, or null for a step it never asks. A capture
 * that succeeds on a rental already declined (its deadline came first) or cancelled is `capturedLate`.
 *
 * @example
 * commandOfPayment({ action: "capture", outcome: "succeeded", ... }, record.rental); // { type: "captured" }
 */
export function commandOfPayment(
  result: Pick<PaymentResult, "action" | "outcome" | "detail" | "amount" | "idempotencyKey">,
  rental: Pick<Rental, "price" | "status">,
): RentalCommand | null {
  const ok = result.outcome === "succeeded";
  if (result.action === "authorize" || result.action === "capture") {
    if (!ok)
      return rental.status === "cancelled" || rental.status === "declined"
        ? { type: "paymentDeclinedLate", detail: result.detail }
        : { type: "paymentDeclined", action: result.action, detail: result.detail };
    if (result.action === "authorize") return { type: "authorized" };
    return rental.status === "declined" || rental.status === "cancelled" ? { type: "capturedLate" } : { type: "captured" };
  }
  // A void the provider refuses finds no hold to release (it lapsed, or was released already):
  // sent again it is refused for ever, so the hold is over all the same, the refusal recorded.
  if (result.action === "void") return ok ? { type: "voided" } : { type: "voided", refused: result.detail ?? "declined" };
  if (result.action === "refund")
    return { type: "refundSettled", outcome: result.outcome, amount: result.amount ?? rental.price, detail: result.detail, key: result.idempotencyKey };
  return null;
}

type Step = "authorize" | "capture" | "void" | "refund";

/** The payment step the rental waits for, derived in this one place. */
export function outstandingStep(record: RentalRecord): Step | null {
  const { status, payment } = record.rental;
  if (status === "requested") return payment.status === "pending" ? "authorize" : payment.status === "authorized" ? "capture" : null;
  if ((status === "declined" || status === "cancelled") && record.hold) return "void";
  // Cancelled or declined in flight: an authorisation never answered is asked again (its hold then
  // voided); a capture that went out before a void the provider refused is asked again (refunded if it took).
  const ended = status === "cancelled" || status === "declined";
  if (ended && payment.status === "pending") return "authorize";
  if (ended && payment.status === "authorized" && record.captureSent) return "capture";
  if ((status === "cancelled" || status === "declined") && record.refund === "pending") return "refund";
  return null;
}

/** The saga step's message; its idempotency key is the rental id and the step. `correlationId`: the change's (default: the rental's own). */
export function paymentCommand(record: RentalRecord, step: Step, causationId: string, correlationId = record.correlationId): PaymentCommandMessage {
  const id = record.rental.id;
  return {
    kind: "payment.command",
    action: step,
    rideId: id,
    amount: record.rental.price,
    paymentMethod: record.paymentMethod,
    driverId: null,
    idempotencyKey: step === "refund" ? refundKey(record) : `${id}:${step}`,
    correlationId,
    causationId,
  };
}

const keyRequest = (record: RentalRecord, correlationId = record.correlationId): Outbound => ({
  queue: "rental-keys",
  body: { kind: "rental.key", rentalId: record.rental.id, correlationId } satisfies RentalKeyMessage,
});

const awaitsKey = (r: RentalRecord) => r.rental.status === "confirmed" && r.rental.unlockKey === null && !r.keyInvalidated;

/**
 * The rental as anyone but its rider sees it (views, notifications, ops): without its key.
 *
 * @example
 * keyless(record.rental).unlockKey; // null
 */
export const keyless = (rental: Rental): Rental => ({ ...rental, unlockKey: null });

/**
 * The timers of a state: `payment` while a step is outstanding (kept while it waits),
 * `key` while a confirmed rental has no key, `end` at a confirmed rental's end,
 * `deadline` while a requested rental waits for its payment.
 */
export function rentalTimers(before: RentalRecord | null, after: RentalRecord, now: Date, watchdogS: number): TimerChange[] {
  const step = outstandingStep(after);
  const newStep = step !== null && (before === null || outstandingStep(before) !== step);
  const timers: TimerChange[] = [{ name: "payment", at: step ? now.getTime() + watchdogS * 1000 : null, ifUnset: step !== null && !newStep }];
  timers.push({ name: "key", at: awaitsKey(after) ? now.getTime() + KEY_RETRY_MS : null, ifUnset: awaitsKey(after) });
  timers.push({ name: "end", at: after.rental.status === "confirmed" && after.rental.endsAt ? Date.parse(after.rental.endsAt) : null });
  timers.push({ name: "deadline", at: after.rental.status === "requested" ? paymentDeadline(after) : null });
  return timers;
}

/**
 * What the change from `before` (null: a new rental) to `after` writes and causes. Everything
 * it causes (its events, payment step, key request, notifications and the vehicle's release)
 * carries the correlation id of the request that made it (`ctx.correlationId`, as the contract
 * says of `x-request-id`; before 2026-12-07 the creating request's, whoever cancelled); a
 * change no request made (null: a timer, a payment result of before) carries the rental's own.
 *
 * @example
 * planRental(null, record, events, { now, causationId: null, newId, paymentWatchdogS: 120 });
 */
export function planRental(
  before: RentalRecord | null,
  after: RentalRecord,
  drafts: RentalEventDraft[],
  ctx: { now: Date; causationId: string | null; correlationId?: string | null; newId: () => string; paymentWatchdogS: number },
): Plan<RentalEffect> {
  const correlationId = ctx.correlationId ?? after.correlationId;
  const events: DomainEvent[] = stamp(drafts, (before?.rental.version ?? 0) + 1, ctx.now, correlationId, ctx.causationId, ctx.newId);
  const shown = keyless(after.rental);
  const messages: Outbound[] = [];
  for (const event of events) {
    messages.push({ queue: "ride-events", body: { kind: "rental.event", event, rental: shown } });
    if (NOTIFIED_RENTAL_EVENTS.has(event.type)) {
      messages.push({ queue: "notifications", body: { kind: "rental.notification", event, rental: shown, locale: after.locale } });
    }
  }
  const step = outstandingStep(after);
  const last = events.at(-1);
  if (step && last && (before === null || outstandingStep(before) !== step))
    messages.push({ queue: "payments", body: paymentCommand(after, step, last.id, correlationId) });
  if (awaitsKey(after) && before?.rental.status !== "confirmed") messages.push(keyRequest(after, correlationId));
  const later = vehicleReleaseAfterCommit(after, drafts, correlationId);
  const timers = rentalTimers(before, after, ctx.now, ctx.paymentWatchdogS);
  if (later.length > 0) timers.push({ name: "release", at: ctx.now.getTime() + VEHICLE_RELEASE_RETRY_MS });
  return { events, messages, timers, after: [], later };
}

/**
 * A rental as `actor` sees it: its rider with the key, an operator without it, anyone else not at all.
 *
 * @example
 * rentalShownTo({ id: "r_other", role: "rider" }, rental); // null: answered 404, as if it did not exist
 */
export function rentalShownTo(actor: Actor, rental: Rental): Rental | null {
  if (actor.role === "ops") return keyless(rental);
  return actor.role === "rider" && actor.id === rental.riderId ? rental : null;
}

/**
 * The vehicle a committed change let go of (its `VehicleReleased`: declined, cancelled,
 * returned or ended), freed once the change is committed, where a return left it (`at`).
 * Freed before the commit instead, a release whose answer was lost (or a process killed
 * after it) left the rental live, its key unlocking, while the vehicle was free to rent
 * again: two live rentals of one vehicle. Committed first, a lost release leaves the vehicle
 * rented by an ended rental until the `release` timer the same commit set sends it again.
 *
 * @example
 * vehicleReleaseAfterCommit(cancelled, [{ type: "VehicleReleased", data: { vehicleId: "rv_1" } }]); // [{ type: "releaseVehicle", … }]
 */
export function vehicleReleaseAfterCommit(after: RentalRecord, drafts: RentalEventDraft[], correlationId = after.correlationId): RentalEffect[] {
  return drafts.some((d) => d.type === "VehicleReleased") ? [vehicleRelease(after, correlationId)] : [];
}

/**
 * The release of an ended rental's vehicle, where its rider left it (`returnedAt`): sent after the
 * ending's commit, and again by the `release` timer until the vehicle answers (a repeat frees nothing).
 *
 * @example
 * vehicleRelease(returned); // { type: "releaseVehicle", vehicleId: "rv_1", rentalId: "rn_1", correlationId, at }
 */
export function vehicleRelease(record: RentalRecord, correlationId = record.correlationId): RentalEffect {
  const { vehicleId, id: rentalId } = record.rental;
  return { type: "releaseVehicle", vehicleId, rentalId, correlationId, ...(record.returnedAt ? { at: record.returnedAt } : {}) };
}

/**
 * A timer with nothing to decide fired: `payment` sends the outstanding step again (same
 * key), `key` asks for the key again (backing off: see keyRetryDelay); each re-arms
 * itself. Null when nothing waits.
 *
 * @example
 * const p = retryPlan(record, "key", new Date(), 120); if (p) commit(p);
 */
export function retryPlan(record: RentalRecord, timer: "payment" | "key", now: Date, watchdogS: number): Plan<RentalEffect> | null {
  if (timer === "key") {
    if (!awaitsKey(record)) return null;
    return { events: [], messages: [keyRequest(record)], timers: [{ name: "key", at: now.getTime() + keyRetryDelay(record, now) }], after: [], later: [] };
  }
  const step = outstandingStep(record);
  if (!step) return null;
  const message: Outbound = { queue: "payments", body: paymentCommand(record, step, `watchdog:${now.getTime()}`) };
  return { events: [], messages: [message], timers: [{ name: "payment", at: now.getTime() + watchdogS * 1000 }], after: [], later: [] };
}
