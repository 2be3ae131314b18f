/** Ride Durable Object: the single writer of one ride. The RPC surface over the ride machine (src/domain/ride) plus `perform` (ride-effects.ts);
 * storage, timers, the outbox and sockets are the aggregate base's. A command is decided, its pre-commit effects (releasing an offered driver)
 * performed, then committed with its events, messages and timers in one transaction: a refused command changes nothing anywhere. */
import type { PaymentResult } from "../domain/events";
import { timelineFor } from "../domain/ride/audience";
import { causeIds, decide, decideAll, isSettled, lockedNotice, plan, watchdogPlan, withMissedHandover, type Cause } from "../domain/ride-machine";
import type { EventDraft, RideDecision, RideRecord, SilentAsk } from "../domain/ride-machine";
import type { Actor, LatLng, Ride } from "../domain/types";
import { fail, ok, unwrap, type Outcome } from "../lib/problem";
import { acceptOffer } from "../ride/accept";
import { advanceCommand, commandForResult, declineCommand, etaCommand, timerCommand } from "../ride/commands";
import { cancelCommand, withdrawalCommand, type CommandOf, type DriverStep, type OpsCommand, type Trip } from "../ride/commands";
import { awaitsDriver, claimsDriver, dispatchRound, wakeAnswer, type Wake } from "../ride/dispatch";
import { canView, forViews, openRide, refundToPin, viewFor, wantsDriverPositions, type CreateRideInput, type RideForViews } from "../ride/ride-record";
import { RideLedgerObject, type TimelineItem, type Welcome } from "./ride-ledger";
import { madeBefore } from "./made-before";
import { dispatchPeers, performRide, type RideCall, type RidePeers } from "./ride-effects";

export class RideDurableObject extends RideLedgerObject<RideRecord, RideCall> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, "ride", "request_hash TEXT NOT NULL");
  }

  protected idOf(record: RideRecord): string {
    return record.ride.id;
  }

  /** The plan of a change from `before`, with this object's clock, ids and settings; `answeredTo`: who gets the ride in the answer. */
  private planFrom(before: RideRecord | null, cause: Cause, answeredTo: string | null = null) {
    const { paymentWatchdogS, noSupplyWindowS, captureRetryWindowS, staleRideS } = this.config;
    const context = { ...causeIds(cause), answeredTo, newId: this.newId, paymentWatchdogS, noSupplyWindowS, captureRetryWindowS, staleRideS };
    return (after: RideRecord, events: EventDraft[]) => plan(before, after, events, { ...context, now: new Date() });
  }

  private async apply(record: RideRecord, decision: RideDecision, cause: Cause, answeredTo: string | null = null): Promise<Outcome<Ride>> {
    const outcome = await this.enact(decision, this.planFrom(record, cause, answeredTo));
    return outcome.ok ? ok(outcome.value.ride) : outcome;
  }

  /** Loads the ride, asks `commandOf` what the call means (a command, or the answer), and applies it; `answeredTo` as in `planFrom`; answered as `viewer` reads it. */
  private command<T>(cause: Cause, commandOf: CommandOf<T>, answeredTo: string | null = null, viewer?: Actor): Promise<Outcome<Ride | T>> {
    return this.exclusiveUnder(causeIds(cause).correlationId, async () => {
      const record = this.load();
      const command = commandOf(record);
      if ("ok" in command) return command;
      if (!record) return fail("not_found", "no such ride");
      const decision = decide(record, command, new Date());
      const missed = withMissedHandover(record, command, decision); // counted though refused (src/domain/ride/parcel.ts)
      if (missed) this.store(missed);
      const locked = missed && lockedNotice(missed, causeIds(cause).correlationId);
      if (locked) console.warn(locked);
      const applied = await this.apply(record, decision, cause, answeredTo);
      return applied.ok && viewer ? ok(viewFor(this.load() ?? record, viewer)) : applied;
    });
  }

  /** The ride this rider's request already made under its key (`madeBefore`): null when none. */
  made(riderId: string): Outcome<Ride> | null {
    const made = this.fresh ? null : madeBefore<RideRecord>(this.sql, "ride", (r) => r.ride.riderId, riderId);
    return made?.ok ? ok(viewFor(made.value, { id: riderId, role: "rider" })) : made;
  }

  /** Creates the ride, or answers the one this idempotency key already made. */
  create(input: CreateRideInput): Promise<Outcome<{ ride: Ride; created: boolean }>> {
    return this.exclusive(async () => {
      const made = this.made(input.riderId);
      if (made) return made.ok ? ok({ ride: made.value, created: false }) : made;
      const { record, events } = openRide(input, new Date(), this.config.dispatchTimeoutS);
      await this.commit(this.planFrom(null, input.correlationId)(record, events), record, { request_hash: input.requestHash });
      return ok({ ride: viewFor(record, { id: input.riderId, role: "rider" }), created: true });
    });
  }

  /** The ride as `actor` may see it (strongly consistent). */
  get(actor: Actor): Outcome<Ride> {
    const record = this.load();
    return record && canView(record, actor) ? ok(viewFor(record, actor)) : fail("not_found", "no such ride");
  }

  /** The ride's timeline, in the order committed, as `actor` may read it (`timelineFor`: a driver's without other drivers' or an operator's words). */
  timeline(actor: Actor): Outcome<TimelineItem[]> {
    const record = this.load();
    return record && canView(record, actor) ? ok(timelineFor(this.eventLog(), actor)) : fail("not_found", "no such ride");
  }

  /** What the views' healing reads, in one call (workers/gateway/ride-snapshot.ts): the ride, its whole timeline and the handover code's sealed copy. */
  forViews(): Outcome<RideForViews<TimelineItem>> {
    return forViews(this.load(), () => this.eventLog());
  }

  /** Its rider's or an operator's cancel, answered as they read the ride (a parcel's sender with its handover code). */
  cancel(actor: Actor, reason: string | undefined, requestId: string): Promise<Outcome<Ride>> {
    return this.command(requestId, (record) => cancelCommand(record, actor, reason), null, actor);
  }

  /** The offered driver accepts: checked, confirmed with the Driver DO (offered → on_trip), then assigned with their details (`acceptOffer`). */
  accept(driverId: string, requestId: string): Promise<Outcome<Ride>> {
    return this.exclusiveUnder(requestId, async () => {
      const confirm = (id: string) => performRide(this.peers(), { type: "confirmDriver", driverId: id });
      const accepted = await acceptOffer(this.load(), driverId, new Date(), confirm, this.config.road);
      if (!accepted.ok) return accepted;
      const outcome = await this.apply(accepted.value.record, accepted.value.decision, requestId, driverId);
      if (!outcome.ok) await this.perform({ type: "releaseDriver", driverId });
      return outcome;
    });
  }

  /** The driver turns the offer down or backs out before pickup; `silent`: their Driver DO takes them off, heard from by nobody for too long. */
  decline(driverId: string, requestId: string, why?: SilentAsk): Promise<Outcome<Ride>> {
    const cause: Cause = why ? { notARequest: requestId } : requestId;
    return this.command(cause, (record) => declineCommand(record, driverId, new Date(), this.config.redispatchTimeoutS, why), why ? null : driverId);
  }

  /** The Driver DO let go: its offer taken back, or (rejected before the pickup) its assignment (`withdrawalCommand`). Idempotent; if lost, the offer timer ends an offer. */
  async withdrawOffer(driverId: string, reason: string, correlationId: string): Promise<Outcome<null>> {
    const outcome = await this.command(correlationId, (r) => withdrawalCommand(r, driverId, reason, new Date(), this.config.redispatchTimeoutS));
    return outcome.ok ? ok(null) : outcome;
  }

  /** arrive, start, complete, or a no-show (allowed `NO_SHOW_WAIT_S` after arriving): the assigned driver moves the ride on. */
  advance(driverId: string, step: DriverStep, trip: Trip, requestId: string): Promise<Outcome<Ride>> {
    const commandOf: CommandOf<never> = (r) =>
      r && canView(r, { id: driverId, role: "driver" }) ? advanceCommand(r, driverId, step, trip, this.config) : fail("not_found", "no such ride");
    return this.command(requestId, commandOf, driverId);
  }

  /** The assigned driver's new position: refreshes its location and ETA when worth a version; `more`: false once past the pickup. */
  async driverMoved(driverId: string, location: LatLng): Promise<Outcome<{ more: boolean }>> {
    const outcome = await this.command(null, (record) => etaCommand(record, driverId, location, this.config.road) ?? ok(null));
    return outcome.ok ? ok({ more: wantsDriverPositions(this.load()) }) : outcome;
  }

  /**
   * An operator acts on the payment: retries a refused capture, or refunds all or part of a captured fare (the refund's key
   * names the request: the same one again refunds once), its ledger rows put back first if the window let them go (`refundToPin`).
   */
  async operate(actor: Actor, command: OpsCommand, requestId: string): Promise<Outcome<Ride>> {
    const back = await this.ledgerBack(refundToPin(this.load(), actor, command, new Date()) ?? undefined, this.config.ledgerWindowDays);
    return back.ok ? this.command(requestId, (record) => (record && actor.role === "ops" ? command : fail("not_found", "no such ride"))) : back;
  }

  /** A result from the payment worker, its events under the correlation id of the request that asked for the step. Idempotent. */
  applyPaymentResult(result: PaymentResult): Promise<Outcome<Ride>> {
    const cause = { notARequest: result.idempotencyKey, correlationId: result.correlationId };
    return this.command(cause, (r) => (r ? (commandForResult(result, r) ?? ok(r.ride)) : fail("not_found", "no such ride")));
  }

  /** The ride as the actor may see it; a settled ride sends its final state and ends the socket at once. */
  protected welcome(actor: Actor, record: RideRecord | null): Welcome {
    if (!record || !canView(record, actor)) return new Response("no such ride", { status: 404 });
    return { first: JSON.stringify(viewFor(record, actor)), close: isSettled(record.ride) ? "ride ended" : undefined };
  }

  protected async onTimer(name: string): Promise<void> {
    const record = this.load();
    if (name === "dispatch") return this.dispatch(record);
    // No result for the outstanding payment step in time (a lost or dead-lettered message,
    // a long outage): send it again. Its idempotency key makes that safe.
    const again = name === "payment" && record ? watchdogPlan(record, new Date(), this.config.paymentWatchdogS) : null;
    if (again) console.warn(JSON.stringify({ msg: "payment step sent again by the watchdog", rideId: record?.ride.id, correlationId: record?.correlationId }));
    if (again) return this.commit(again);
    const command = timerCommand(name, record, new Date(), this.config);
    // Never dropped, as it may be the ride's only timer (a driver's `stale`, a refused `capture`): a peer that failed or a refusal throws, and the base puts it back later (`timer failed`).
    if (record && command) unwrap(await this.apply(record, decide(record, command, new Date()), null));
  }

  /** Whether the ride still claims `driverId` (`claimsDriver`): a Driver DO held for this ride asks now and then. */
  claims(driverId: string): boolean {
    return claimsDriver(this.load(), driverId);
  }

  /** `driverId` was listed near the waiting ride: a round right after what runs now (`queued` too: a running round may have searched before them), unless it no longer waits or excluded them. */
  async wake(driverId: string): Promise<Wake> {
    const answer = wakeAnswer(this.load(), driverId, this.timers.dueAt("dispatch"), Date.now());
    if (answer === "dispatching" || answer === "queued") await this.runSoonAfter("dispatch");
    return answer;
  }

  /** One dispatch round (src/ride/dispatch.ts); nobody reserved: the ride waits to be woken, or searches again if told to. */
  private async dispatch(record: RideRecord | null): Promise<void> {
    if (!awaitsDriver(record)) return;
    const ahead = (reserving: string | null) => this.store({ ...(this.load() ?? record), reserving: reserving ?? undefined });
    const round = await dispatchRound(record, this.config, new Date(), dispatchPeers(this.peers(record), ahead));
    // Decided on the record as the round left it: a reservation it wrote ahead and settled is not brought back.
    const current = this.load() ?? record;
    const outcome = round.commands.length > 0 ? await this.apply(current, decideAll(current, round.commands, new Date()), null) : ok(null);
    if (!outcome.ok && round.driverId) await this.perform({ type: "releaseDriver", driverId: round.driverId });
    if (round.retryAt !== null) this.schedule("dispatch", round.retryAt);
  }

  protected perform(effect: RideCall): Promise<Outcome<unknown>> {
    return performRide(this.peers(), effect);
  }

  private peers(record = this.load()): RidePeers {
    return { env: this.env, ctx: this.ctx, config: this.config, rideId: record?.ride.id ?? "", correlationId: this.causingNow ?? record?.correlationId ?? "" };
  }
}
