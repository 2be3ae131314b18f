/**
 * Rider Durable Object: the single writer of what one rider owes. The RPC surface over
 * the rider machine (src/domain/rider/machine.ts); storage and the outbox to the views
 * are the aggregate base's. The gateway asks it before accepting a ride or rental; the
 * Ride DO adds a fare before the commit that ends the ride unpaid. It also keeps the rider's
 * rides the views let go (./owner.ts).
 */
import type { RiderAccount } from "../domain/events";
import type { Money } from "../domain/types";
import {
  decideRider,
  duesPaymentKey,
  newRider,
  nextDuesCharge,
  partlyPaid,
  planRider,
  type DuesCharge,
  type RiderCommand,
  type RiderEffect,
  type RiderRecord,
} from "../domain/rider/machine";
import { fail, ok, type Outcome } from "../lib/problem";
import { RideOwnerObject, type Welcome } from "./owner";

/** A dues charge's answer, settled: paid or declined. */
type SettledAnswer = { outcome: "succeeded" | "declined"; providerRef: string | null; detail: string | null };
/** …or `unsent`: held back by the payment worker's circuit breaker, nothing of this try sent. */
type DuesAnswer = SettledAnswer | { outcome: "unsent"; providerRef: null; detail: string | null };

/** The payment worker's dues charge (its PaymentService, through the gateway's service binding). */
export interface DuesCharger {
  chargeDues(input: { riderId: string; amount: Money; paymentMethod: string; idempotencyKey: string; correlationId: string }): Promise<DuesAnswer>;
  /** The charge's answer as the ledger recorded it, or its standing hold's capture sent again; null while no hold stands. */
  finishDuesCharge(idempotencyKey: string, correlationId: string): Promise<SettledAnswer | null>;
}

/** A lost charge sent again was answered, paid or declined: what is owed now is charged next (told of the earlier one only if paid). */
const EARLIER_PAID = "earlier paid";
const EARLIER_DECLINED = "earlier declined";
type EarlierSettled = typeof EARLIER_PAID | typeof EARLIER_DECLINED;
const isEarlier = (answer: Outcome<RiderAccount> | EarlierSettled): answer is EarlierSettled => typeof answer === "string";

/** The timer that reads the ledger for a charge whose answer was lost (`chargeInFlight`). */
export const DUES_CHECK = "duesCheck";
/** How long after a charge went out its answer is read from the ledger, should it not have come back: past any charge's own time. */
export const DUES_CHECK_MS = 60_000;

export class RiderDurableObject extends RideOwnerObject<RiderRecord, RiderEffect> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, "rider");
  }

  protected idOf(record: RiderRecord): string {
    return record.account.id;
  }

  private apply(riderId: string, command: RiderCommand, correlationId: string): Promise<Outcome<RiderAccount>> {
    const stored = this.load();
    const before = stored ?? newRider(riderId, new Date());
    const now = new Date();
    const planOf = (after: RiderRecord, events: Parameters<typeof planRider>[2]) => planRider(before, after, events, { now, correlationId, newId: this.newId });
    return this.enact(decideRider(before, command, now), planOf, stored ? undefined : {}).then((o) => (o.ok ? ok(o.value.account) : o));
  }

  /** What the rider owes now (strongly consistent). */
  account(riderId: string): RiderAccount {
    return (this.load() ?? newRider(riderId, new Date())).account;
  }

  /**
   * Adds an unpaid fare; the same ride twice counts once. Not queued behind a payment of the dues
   * in flight, which waits on the provider (up to three charges of two calls each): the Ride DO waits
   * for this before it commits the ride's end, and would time out. Safe beside one: this is one
   * synchronous read, decision and write (a rider has no effects), and a payment pays the rides it
   * names, so a fare added meanwhile stays owed by that charge (the payment charges it next).
   */
  incurDues(riderId: string, rideId: string, amount: Money, correlationId: string): Promise<Outcome<RiderAccount>> {
    return this.apply(riderId, { type: "incurDues", rideId, amount }, correlationId);
  }

  /**
   * Charges the dues to `paymentMethod` and clears them. Declined: 402 with what is owed,
   * nothing changed. The charge's key is the dues' version, so a retry after a lost
   * answer is charged once; a provider that is down answers 503. A charge whose answer was
   * lost before the dues changed is sent again first, under its own key (`nextDuesCharge`).
   */
  payDues(riderId: string, paymentMethod: string, correlationId: string): Promise<Outcome<RiderAccount>> {
    return this.exclusive(async () => {
      // Up to three charges: a lost one sent again first (settling it clears `chargeInFlight`, so only the first can be
      // an earlier one); then what is owed; then a fare added while that charge was at the provider (`incurDues` does
      // not wait behind a payment), so that a 200 means nothing is owed (before 2026-12-07 it answered 200 with that
      // fare owed, and the rider's next request was refused 402).
      let paidSome = false;
      for (let charges = 0; charges < 3; charges++) {
        const result = await this.chargeNext(riderId, paymentMethod, correlationId);
        if (isEarlier(result)) {
          paidSome ||= result === EARLIER_PAID;
          continue;
        }
        // The rest refused after a charge went through: the answer says so, and what is owed now. An earlier one
        // declined is not told: nothing was charged.
        if (!result.ok) return paidSome ? partlyPaid(result.problem, this.account(riderId).dues) : result;
        if (result.value.dues.amount === 0) return result;
        paidSome = true;
      }
      return ok(this.account(riderId));
    });
  }

  /** One charge (`nextDuesCharge`), written down before it goes out; `EARLIER_PAID` or `EARLIER_DECLINED` when it was a lost charge sent again. */
  private async chargeNext(riderId: string, paymentMethod: string, correlationId: string): Promise<Outcome<RiderAccount> | EarlierSettled> {
    const stored = this.load();
    const record = stored ?? newRider(riderId, new Date());
    const dues = record.account.dues;
    if (dues.amount === 0) return ok(record.account);
    const { earlier, ...charge } = nextDuesCharge(record, paymentMethod);
    // Sent before under this key (its answer lost): the provider may hold its hold, whatever this try's answer.
    const triedBefore = record.chargeInFlight?.key === charge.key;
    if (stored) {
      // Written ahead (see RiderRecord.chargeInFlight), with a timer: an answer lost after the charge was made is
      // read from the ledger then, so a rider who paid is not told they owe until they pay again.
      this.store({ ...record, chargeInFlight: charge });
      this.schedule(DUES_CHECK, Date.now() + DUES_CHECK_MS);
      await this.armAlarm();
    }
    let answer: DuesAnswer;
    try {
      answer = await this.payments().chargeDues({
        riderId,
        amount: charge.amount,
        paymentMethod: charge.paymentMethod,
        idempotencyKey: charge.key,
        correlationId,
      });
    } catch (error) {
      // The error stays in our log: it may carry the ledger's SQL and its values, not for a rider's eyes.
      console.warn(JSON.stringify({ msg: "dues charge failed", riderId, correlationId, error: String(error) }));
      return fail("unavailable", "the payment service could not be reached; try again shortly", { retryAfterSeconds: 5 });
    }
    this.timers.clear(DUES_CHECK);
    if (answer.outcome === "unsent") {
      // Nothing went out: not in flight, so the rider's next payment goes to the card they choose then (before 2026-12-06
      // it went to this one). A charge sent before under this key (`earlier`, or this one tried and its answer lost) may
      // have gone out then: it stays in flight.
      const latest = this.load();
      if (latest && !earlier && !triedBefore && latest.chargeInFlight?.key === charge.key) this.store({ ...latest, chargeInFlight: undefined });
      return fail("unavailable", "the payment service is failing; nothing was charged: try again shortly", { retryAfterSeconds: 30 });
    }
    return this.settle(riderId, charge, answer, correlationId, earlier);
  }

  /** Records a charge's answer: declined, its bookkeeping (the next attempt's key); paid, the payment. */
  private async settle(
    riderId: string,
    charge: DuesCharge,
    answer: SettledAnswer,
    correlationId: string,
    earlier: boolean,
  ): Promise<Outcome<RiderAccount> | EarlierSettled> {
    const dues = this.account(riderId).dues;
    if (answer.outcome === "declined") {
      // Bookkeeping, not a change of the account: the next attempt needs a key of its own (a lost charge of dues
      // that changed since had a key of its own; one to another card had this one).
      const latest = this.load();
      const keyUsed = latest !== null && charge.key === duesPaymentKey(latest);
      if (latest) this.store({ ...latest, chargeInFlight: undefined, declinedAttempts: (latest.declinedAttempts ?? 0) + (keyUsed ? 1 : 0) });
      return earlier ? EARLIER_DECLINED : fail("payment_required", `the charge was declined: ${answer.detail ?? "declined"}`, { dues });
    }
    const paid = await this.apply(
      riderId,
      { type: "duesPaid", key: charge.key, amount: charge.amount, rideIds: charge.rideIds, providerRef: answer.providerRef },
      correlationId,
    );
    return paid.ok && earlier ? EARLIER_PAID : paid;
  }

  protected welcome(): Welcome {
    return new Response("riders have no live socket", { status: 404 });
  }

  /**
   * `DUES_CHECK`: a charge whose answer never came back (the payment worker reset, a deploy) is
   * read from the ledger: paid or declined there, it is settled here as if answered; a hold
   * standing there without its capture's answer (the capture made while the worker timed out) is
   * finished, its capture sent again under its key, and settled so (before 2026-12-06 the check
   * gave up there, and a rider who had paid got 402 until they paid again); no hold, it stays in
   * flight for the rider's next payment to send again. Fails (and is tried again later) while the
   * payment worker or the provider cannot answer.
   */
  protected async onTimer(name: string): Promise<void> {
    const record = this.load();
    const charge = record?.chargeInFlight;
    if (name !== DUES_CHECK || !record || !charge) return;
    const answer = await this.payments().finishDuesCharge(charge.key, `dues-check:${charge.key}`);
    if (!answer) return;
    const settled = await this.settle(record.account.id, charge, answer, `dues-check:${charge.key}`, false);
    // Refused (the dues changed so that the rides it paid no longer add up): left in flight, as a payment would.
    if (typeof settled === "object" && !settled.ok && settled.problem.code !== "payment_required")
      console.warn(JSON.stringify({ msg: "dues check not recorded", riderId: record.account.id, key: charge.key, problem: settled.problem.detail }));
  }

  private payments(): DuesCharger {
    return this.env.PAYMENTS as unknown as DuesCharger;
  }

  protected perform(effect: RiderEffect): Promise<Outcome<unknown>> {
    return Promise.reject(new Error(`a rider performs no effect (${String(effect)})`));
  }
}
