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

export interface RiderRecord {
  account: RiderAccount;
  /** Dues payments, by idempotency key: a repeated payment records nothing twice. */
  payments: { key: string; amount: Money; providerRef: string | null; at: string }[];
  /** Charges declined since the dues last changed: each new attempt goes out under a new key. */
  declinedAttempts?: number;
}

export type RiderCommand = { type: "incurDues"; rideId: string; amount: Money } | { type: "duesPaid"; key: string; amount: Money; providerRef: string | null };

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
 * Decides a command. Incurring the dues of a ride already counted (a retried commit) and
 * a payment already recorded (a retried request) change nothing.
 *
 * @example
 * decideRider(newRider("r1", now), { type: "incurDues", rideId: "rd_1", amount: krw(9800) }, now);
 */
export function decideRider(record: RiderRecord, command: RiderCommand, now: Date): RiderDecision {
  const next = structuredClone(record);
  const account = next.account;
  let event: RiderEventDraft;
  if (command.type === "incurDues") {
    if (account.items.some((i) => i.rideId === command.rideId)) return { kind: "unchanged", record };
    account.items.push({ rideId: command.rideId, amount: command.amount, createdAt: now.toISOString() });
    event = { type: "DuesIncurred", data: { rideId: command.rideId, amount: command.amount } };
  } else {
    if (next.payments.some((p) => p.key === command.key)) return { kind: "unchanged", record };
    if (command.amount.amount !== account.dues.amount) {
      return { kind: "refused", code: "invalid_transition", detail: `the dues changed (${account.dues.amount} KRW owed, ${command.amount.amount} KRW paid)` };
    }
    next.payments.push({ key: command.key, amount: command.amount, providerRef: command.providerRef, at: now.toISOString() });
    account.items = [];
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
