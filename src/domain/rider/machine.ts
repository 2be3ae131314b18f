/**
 * The rider machine: what a rider owes. A ride that ends unpaid (its hold declined after
 * boarding, or its capture refused for good) adds its fare to the rider's dues before it
 * commits; paying them clears the dues. While the dues are not zero the rider may not
 * request another ride or rental (402 `payment_required`). Pure: the Rider DO applies
 * the decision in one transaction and sends the account to the views.
 */
import type { RiderAccount, RiderEventMessage } from "../events";
import type { Money } from "../types";
import { stamp, type Decision, type Plan } from "../../kernel/machine";
import { fail, type Outcome, type Problem } from "../../lib/problem";

export interface RiderRecord {
  account: RiderAccount;
  /**
   * Dues payments, by idempotency key: a repeated payment records nothing twice. Each names the
   * rides it paid (absent on payments recorded before it did), so a ride paid for is never owed again.
   */
  payments: { key: string; amount: Money; providerRef: string | null; at: string; rideIds?: string[] }[];
  /** Charges declined since the dues last changed: each new attempt goes out under a new key. */
  declinedAttempts?: number;
  /**
   * The charge sent and not yet answered (written before it goes out): should its answer be
   * lost and the dues change before the rider pays again, the next payment sends this one
   * again first, under its own key, rather than charging its items a second time.
   */
  chargeInFlight?: DuesCharge;
}

/**
 * A charge of dues: its key, its amount, the unpaid rides it pays, and the card it went to
 * (absent on charges written before it was kept): a lost charge is sent again to that card,
 * as the provider refuses a key sent again with other parameters.
 */
export type DuesCharge = { key: string; amount: Money; rideIds: string[]; paymentMethod?: string };

export type RiderCommand =
  { type: "incurDues"; rideId: string; amount: Money } | { type: "duesPaid"; key: string; amount: Money; providerRef: string | null; rideIds?: string[] };

export type RiderEventDraft = { type: "DuesIncurred" | "DuesPaid"; data: Record<string, unknown> };
/** The Rider DO talks to no other object: it has no effects. */
export type RiderEffect = never;
export type RiderDecision = Decision<RiderRecord, RiderEventDraft, RiderEffect>;

const krw = (amount: number): Money => ({ amount, currency: "KRW" });

/**
 * A rider with nothing owed, as every rider starts.
 *
 * @example
 * newRider("r1", new Date()).account.dues; // { amount: 0, currency: "KRW" }
 */
export function newRider(riderId: string, now: Date): RiderRecord {
  return { account: { id: riderId, dues: krw(0), items: [], version: 0, updatedAt: now.toISOString() }, payments: [] };
}

/**
 * Decides a command. Incurring the dues of a ride already counted or already paid (a retried
 * commit) and a payment already recorded (a retried request) change nothing.
 *
 * @example
 * decideRider(newRider("r1", now), { type: "incurDues", rideId: "rd_1", amount: krw(9800) }, now);
 */
export function decideRider(record: RiderRecord, command: RiderCommand, now: Date): RiderDecision {
  const next = structuredClone(record);
  const account = next.account;
  let event: RiderEventDraft;
  if (command.type === "incurDues") {
    // Owed already, or paid already: a ride's commit that timed out waiting for this object (the
    // rider was paying) runs again later, after the rider may have paid the dues it added.
    const counted = account.items.some((i) => i.rideId === command.rideId) || next.payments.some((p) => p.rideIds?.includes(command.rideId));
    if (counted) return { kind: "unchanged", record };
    account.items.push({ rideId: command.rideId, amount: command.amount, createdAt: now.toISOString() });
    event = { type: "DuesIncurred", data: { rideId: command.rideId, amount: command.amount } };
  } else {
    if (next.payments.some((p) => p.key === command.key)) return { kind: "unchanged", record };
    // The rides the charge paid: those named (a charge sent before the dues changed), else all.
    const paid = command.rideIds ? account.items.filter((i) => command.rideIds?.includes(i.rideId)) : account.items;
    const owed = paid.reduce((sum, i) => sum + i.amount.amount, 0);
    if (command.amount.amount !== owed) {
      return { kind: "refused", code: "invalid_transition", detail: `the dues changed (${owed} KRW owed, ${command.amount.amount} KRW paid)` };
    }
    next.payments.push({
      key: command.key,
      amount: command.amount,
      providerRef: command.providerRef,
      at: now.toISOString(),
      rideIds: paid.map((i) => i.rideId),
    });
    account.items = account.items.filter((i) => !paid.includes(i));
    if (next.chargeInFlight?.key === command.key) delete next.chargeInFlight;
    next.declinedAttempts = 0;
    event = { type: "DuesPaid", data: { amount: command.amount, key: command.key } };
  }
  account.dues = krw(account.items.reduce((sum, i) => sum + i.amount.amount, 0));
  account.version += 1;
  account.updatedAt = now.toISOString();
  return { kind: "applied", record: next, events: [event], effects: [] };
}

/**
 * The idempotency key of a payment of the current dues: the same dues paid again (a
 * retry after a lost answer) reach the provider under the same key and are charged once;
 * after a declined charge the next attempt (another card, or the same one topped up)
 * goes out under a new key, or the provider would answer with the decline again.
 *
 * @example
 * duesPaymentKey(record); // "r1:dues:3:0"
 */
export function duesPaymentKey(record: RiderRecord): string {
  return `${record.account.id}:dues:${record.account.version}:${record.declinedAttempts ?? 0}`;
}

/**
 * What a payment of the dues to `paymentMethod` charges next: a charge sent before and never
 * answered, whose dues have changed since or that went to another card (`earlier`: sent again
 * first, under its key and to its card, so its rides are not charged twice and the provider
 * does not refuse the key), else all the dues now under `duesPaymentKey`, to `paymentMethod`.
 *
 * @example
 * const { key, amount, rideIds, paymentMethod, earlier } = nextDuesCharge(record, "pm_card_visa");
 */
export function nextDuesCharge(record: RiderRecord, paymentMethod: string): Required<DuesCharge> & { earlier: boolean } {
  const key = duesPaymentKey(record);
  const inFlight = record.chargeInFlight;
  const otherCard = inFlight?.paymentMethod !== undefined && inFlight.paymentMethod !== paymentMethod;
  if (inFlight && (inFlight.key !== key || otherCard)) return { ...inFlight, paymentMethod: inFlight.paymentMethod ?? paymentMethod, earlier: true };
  return { key, amount: record.account.dues, rideIds: record.account.items.map((i) => i.rideId), paymentMethod, earlier: false };
}

/**
 * What an applied decision writes: its events, and the account to the views (for the
 * ops stats' open dues).
 *
 * @example
 * planRider(before, after, events, { now, correlationId: "req-1", newId });
 */
export function planRider(
  before: RiderRecord,
  after: RiderRecord,
  drafts: RiderEventDraft[],
  ctx: { now: Date; correlationId: string; newId: () => string },
): Plan<RiderEffect> {
  const events = stamp(drafts, before.account.version + 1, ctx.now, ctx.correlationId, null, ctx.newId);
  const messages = events.map((event) => ({
    queue: "ride-events" as const,
    body: { kind: "rider.event", event, rider: after.account } satisfies RiderEventMessage,
  }));
  return { events, messages, timers: [], after: [], later: [] };
}

/**
 * A refusal of the rest of a payment after a charge of part of the dues went through (an earlier
 * one whose answer was lost, or one for a fare added while it was at the provider): not "nothing
 * was charged", and with the dues owed now.
 *
 * @example
 * partlyPaid({ code: "unavailable", detail: "the payment service is failing; nothing was charged: try again shortly" }, dues);
 */
export function partlyPaid(problem: Problem, dues: Money): Outcome<never> {
  // Declined, or refused before it went out, the rest was not charged; a charge whose answer was lost (the payment
  // service not reached) may have been: paying again with the same key never charges it twice.
  const known = problem.code === "payment_required" || problem.detail.includes("; nothing was charged");
  const rest = problem.detail.replace("; nothing was charged", "");
  const what = known ? "was not charged" : "may not have been charged";
  return fail(problem.code, `a payment of part of your dues went through; the rest (${dues.amount} ${dues.currency}) ${what}: ${rest}`, {
    ...(problem.retryAfterSeconds !== undefined ? { retryAfterSeconds: problem.retryAfterSeconds } : {}),
    dues,
  });
}
