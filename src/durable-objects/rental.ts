/**
 * Rental Durable Object: the single writer of one rental. The RPC surface over the rental machine (src/domain/rental) plus
 * `perform` (reserving its vehicle in its RentalVehicle object before the commit that needs it, freeing it after the ending's
 * commit, and again at the `release` timer until it answers); storage, timers and the outbox are the aggregate base's.
 */
import type { PaymentResult } from "../domain/events";
import {
  commandOfPayment,
  createRental,
  decideRental,
  endCommand,
  keyless,
  outstandingStep,
  planRental,
  rentalShownTo,
  retryPlan,
  vehicleRelease,
  type CreateRentalInput,
} from "../domain/rental/machine";
import type { RentalCommand, RentalEffect } from "../domain/rental/machine";
import { isKeylessRetry } from "../domain/rental/keyless-retry";
import { paymentDeadline } from "../domain/rental/rules";
import type { Rental, RentalEventDraft, RentalRecord } from "../domain/rental/types";
import type { Actor, LatLng } from "../domain/types";
import { fail, ok, type Outcome } from "../lib/problem";
import { causeIds, type Cause } from "../kernel/causing";
import { AggregateObject, type TimelineItem, type Welcome } from "./aggregate";
import { madeBefore, storedRequest } from "./made-before";
import { rentalVehicleStub } from "./stubs";

const NO_SUCH_RENTAL = "no such rental";

export class RentalDurableObject extends AggregateObject<RentalRecord, RentalEffect> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, "rental", "request_hash TEXT NOT NULL");
    // A payment step outstanding with no watchdog (a rental an older code declined at its deadline with its payment in
    // flight, before such a rental asked again): it gets one when the object starts, as the repair sweep's read starts it.
    void ctx.blockConcurrencyWhile(async () => {
      if (this.fresh) return;
      const record = this.load();
      if (!record || outstandingStep(record) === null || this.timers.dueAt("payment") !== null) return;
      this.schedule("payment", Date.now());
      await this.armAlarm();
    });
  }

  protected idOf(record: RentalRecord): string {
    return record.rental.id;
  }

  /** The plan of a change from `before` made by `cause` (a request's id: the correlation of all it causes). */
  private planFrom(before: RentalRecord | null, cause: Cause) {
    const { paymentWatchdogS } = this.config;
    return (after: RentalRecord, events: RentalEventDraft[]) =>
      planRental(before, after, events, { now: new Date(), ...causeIds(cause), newId: this.newId, paymentWatchdogS });
  }

  /** The rental this rider's request already made under its key (`madeBefore`): null when none. */
  made(riderId: string): Outcome<Rental> | null {
    const made = this.fresh ? null : madeBefore<RentalRecord>(this.sql, "rental", (r) => r.rental.riderId, riderId);
    return made?.ok ? ok(made.value.rental) : made;
  }

  /**
   * This rental as its rider sees it, if it is what their request (`requestHash`) sent again without a key made
   * (`isKeylessRetry`). In the command queue: a creation still committing (a double tap) is waited for, then found.
   */
  sameRequest(riderId: string, requestHash: string): Promise<Rental | null> {
    return this.exclusive(async () => {
      const stored = this.fresh ? null : storedRequest<RentalRecord>(this.sql, "rental");
      const rental = stored?.record.rental;
      if (!stored || !rental || !isKeylessRetry(rental, riderId, stored.requestHash === requestHash, new Date())) return null;
      return rentalShownTo({ id: riderId, role: "rider" }, rental);
    });
  }

  /** Creates the rental (the vehicle reserved first), or answers the one this key already made. */
  create(input: CreateRentalInput & { requestHash: string }): Promise<Outcome<{ rental: Rental; created: boolean }>> {
    return this.exclusive(async () => {
      const made = this.made(input.riderId);
      if (made) return made.ok ? ok({ rental: made.value, created: false }) : made;
      const { requestHash, ...rest } = input;
      try {
        const outcome = await this.enact(createRental(rest, new Date()), this.planFrom(null, input.correlationId), { request_hash: requestHash });
        if (outcome.ok) return ok({ rental: outcome.value.rental, created: true });
        await this.compensate(input);
        return outcome;
      } catch (error) {
        // Thrown after its commit (arming the alarm): the rental stands and holds the vehicle, which is not freed.
        if (!this.load()) await this.compensate(input);
        throw error;
      }
    });
  }

  /**
   * A creation that failed after its reserve may have left the vehicle held (the answer
   * lost, or the commit never made): free it, best effort and idempotent by rental id
   * (a vehicle held by another rental is left alone); the repair sweep frees what this misses.
   */
  private async compensate(input: CreateRentalInput): Promise<void> {
    const done = await this.perform({ type: "releaseVehicle", vehicleId: input.vehicleId, rentalId: input.rentalId, correlationId: input.correlationId });
    if (!done.ok) console.warn(JSON.stringify({ msg: "compensating release failed", rentalId: input.rentalId, error: done.problem.code }));
  }

  /**
   * Frees `vehicleId`, held for this rental, when the rental was never made (the repair sweep's
   * orphan: a creation that died after its reserve). In the command queue: a creation sent again
   * under its key and committing right now (its reserve a repeat, which leaves the vehicle's time
   * as it was) is waited for, and then found, never undone. True when released.
   */
  releaseUnmade(rentalId: string, vehicleId: string): Promise<Outcome<boolean>> {
    return this.exclusive(async () => {
      if (this.load()) return ok(false);
      const done = await this.perform({ type: "releaseVehicle", vehicleId, rentalId, correlationId: `repair:${rentalId}` });
      return done.ok ? ok(true) : done;
    });
  }

  /** Where the rider returned the vehicle, if the return gave a place (the repair sweep frees a vehicle there). */
  returnedAt(): LatLng | null {
    return this.load()?.returnedAt ?? null;
  }

  get(actor: Actor): Outcome<Rental> {
    const record = this.load();
    const shown = record && rentalShownTo(actor, record.rental);
    return shown ? ok(shown) : fail("not_found", NO_SUCH_RENTAL);
  }

  /** The rental's events, in order (the key never is in them). */
  timeline(actor: Actor): Outcome<TimelineItem[]> {
    const record = this.load();
    if (!record || !rentalShownTo(actor, record.rental)) return fail("not_found", NO_SUCH_RENTAL);
    return ok(this.eventLog());
  }

  /** Applies `commandOf`'s command for `actor` (null: the system), answering the rental as `actor` sees it. */
  private command(actor: Actor | null, commandOf: (record: RentalRecord) => RentalCommand | null, cause: Cause): Promise<Outcome<Rental>> {
    return this.exclusive(async () => {
      const record = this.load();
      if (!record || (actor && !rentalShownTo(actor, record.rental))) return fail("not_found", NO_SUCH_RENTAL);
      const seen = (rental: Rental) => (actor ? (rentalShownTo(actor, rental) ?? keyless(rental)) : keyless(rental));
      const command = commandOf(record);
      if (!command) return ok(seen(record.rental));
      const outcome = await this.enact(decideRental(record, command, new Date()), this.planFrom(record, cause));
      return outcome.ok ? ok(seen(outcome.value.rental)) : outcome;
    });
  }

  applyPaymentResult(result: PaymentResult): Promise<Outcome<Rental>> {
    // The step's result carries the correlation of the request that asked for it (kept with the step in the ledger).
    return this.command(null, (r) => commandOfPayment(result, r.rental), { notARequest: result.idempotencyKey, correlationId: result.correlationId });
  }

  /** The key service's answer to a request made under `correlationId`. */
  keyIssued(key: string, correlationId: string): Promise<Outcome<Rental>> {
    return this.command(null, () => ({ type: "keyIssued", key }), { notARequest: correlationId, correlationId });
  }

  unlock(actor: Actor, key: string, requestId: string): Promise<Outcome<Rental>> {
    return this.command(actor, () => ({ type: "unlock", key }), requestId);
  }

  cancel(actor: Actor, requestId: string): Promise<Outcome<Rental>> {
    return this.command(actor, () => ({ type: "cancel", by: actor.role === "ops" ? "ops" : "rider" }), requestId);
  }

  /** The rider returns the vehicle, `at` where they left it (where it is listed from then on). */
  returnVehicle(actor: Actor, requestId: string, at?: LatLng): Promise<Outcome<Rental>> {
    return this.command(actor, () => ({ type: "return", ...(at ? { at } : {}) }), requestId);
  }

  /** An operator sends a refund the provider declined again (a new attempt, under its own key). */
  retryRefund(actor: Actor, requestId: string): Promise<Outcome<Rental>> {
    if (actor.role !== "ops") return Promise.resolve(fail("not_found", NO_SUCH_RENTAL));
    return this.command(actor, () => ({ type: "retryRefund" }), requestId);
  }

  protected async onTimer(name: string): Promise<void> {
    const record = this.load();
    if (!record) return;
    if (name === "end" || name === "deadline") {
      // The end completes a rental that was ridden and cancels, refunded, one never unlocked.
      const command: RentalCommand = name === "end" ? endCommand(record) : { type: "paymentOverdue" };
      const outcome = await this.enact(decideRental(record, command, new Date()), this.planFrom(record, { notARequest: `timer:${name}` }));
      const dueAt = name === "end" ? Date.parse(record.rental.endsAt ?? "") : paymentDeadline(record);
      // Early (a clock ahead of the record's): wait for the time itself; anything else is retried.
      if (!outcome.ok && dueAt > Date.now()) this.schedule(name, dueAt);
      else if (!outcome.ok) throw new Error(`${outcome.problem.code}: ${outcome.problem.detail}`);
    } else if (name === "payment" || name === "key") {
      const plan = retryPlan(record, name, new Date(), this.config.paymentWatchdogS);
      if (plan) await this.commit(plan);
    } else if (name === "release") {
      // The ending's release unanswered (the vehicle's object down, the process killed): sent until the vehicle answers.
      const released = await this.perform(vehicleRelease(record));
      if (!released.ok) throw new Error(`vehicle release: ${released.problem.code}`);
    }
  }

  protected welcome(): Welcome {
    return new Response("rentals have no live socket", { status: 404 });
  }

  protected async perform(effect: RentalEffect): Promise<Outcome<unknown>> {
    const vehicle = rentalVehicleStub(this.env, effect.vehicleId);
    try {
      if (effect.type === "reserveVehicle") return await vehicle.reserve(effect.rentalId, effect.correlationId);
      const released = await vehicle.release(effect.rentalId, effect.correlationId, effect.at);
      // Answered: the ending's `release` timer (planRental) has nothing left to do.
      if (released.ok && this.timers.dueAt("release") !== null) this.timers.clear("release");
      return released;
    } catch (error) {
      return fail("unavailable", `the vehicle could not be reached: ${String(error)}`, { retryAfterSeconds: 1 });
    }
  }
}
