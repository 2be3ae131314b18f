/**
 * What an applied ride decision writes and causes, as data: the stored events, the
 * outbox messages (the commit's events to the views in one message, rider-facing ones to notifications, the
 * payment step the saga now needs), the timer changes (dispatch deadline, offer expiry,
 * the next dispatch round, the payment watchdog) and the effects after the commit
 * (live pushes, the no-supply mark). Pure: the Ride DO writes it in one transaction.
 */
import { isNotified, type DomainEvent, type RideEventsMessage } from "../events";
import { stamp, type LiveView, type Outbound, type Plan, type TimerChange } from "../../kernel/machine";
import { isSettled, outstandingPaymentStep, paymentCommand, paymentStepAfter } from "./payment";
import { heldDriver } from "./rules";
import { claimedDriver } from "./rule-kit";
import { driversWatching, driverView } from "./audience";
import { senderView } from "./parcel";
import type { EventDraft, RideEffect, RideRecord } from "./types";

export interface PlanContext {
  now: Date;
  causationId: string | null;
  /**
   * The `x-request-id` of the request that made this change, the correlation id of everything
   * it causes (its events, payment step and notifications), as the contract says; absent or null
   * for a change no request made (a timer, a payment result, a dispatch round): the ride's own
   * (its creating request's).
   */
  correlationId?: string | null;
  newId: () => string;
  /** How long a payment step may go unanswered before the watchdog sends it again. */
  paymentWatchdogS: number;
  /** How long a cell turns requests away after dispatch found nobody there (0: never). */
  noSupplyWindowS: number;
  /** How long a refused capture waits for an operator's retry before the fare becomes dues. */
  captureRetryWindowS: number;
  /** How long a ride with a driver may stand still before the system moves it on. */
  staleRideS: number;
  /**
   * Who asked for this change and gets the ride in the answer to that request (a driver's
   * accept, arrive, start, complete): their own live socket is not sent it a second time.
   */
  answeredTo?: string | null;
}

export { causeIds, type Cause } from "../../kernel/causing";

/** The timer settings `timersFor` needs. */
export type TimerSettings = Pick<PlanContext, "paymentWatchdogS" | "captureRetryWindowS" | "staleRideS">;

/** States in which only the driver moves the ride on: the `stale` timer covers them. */
const WITH_DRIVER = new Set(["driver_assigned", "driver_arrived", "in_progress"]);

/** After these, the next dispatch round runs at once. */
const REDISPATCH = new Set(["RideRequested", "OfferDeclined", "OfferExpired", "OfferWithdrawn", "DriverUnassigned"]);

/**
 * A trip is not taken for stale before this many times its estimated duration: a trip of
 * several hours (MAX_TRIP_KM allows about eight at city speed) is not ended, and its driver
 * freed, with the rider still in the car.
 */
export const STALE_TRIP_FACTOR = 3;

/** How long the ride may wait in its state for its driver before the `stale` timer moves it on. */
const staleAfterS = (r: RideRecord, staleRideS: number) =>
  r.ride.status === "in_progress" ? Math.max(staleRideS, STALE_TRIP_FACTOR * r.ride.durationSeconds) : staleRideS;

const isDispatching = (r: RideRecord) => r.ride.status === "requested" || r.ride.status === "dispatching";

/**
 * The timers a ride needs in its state, so that no state waits for ever: `deadline`
 * while dispatching, `offer` while an offer is out, `dispatch` (the next round) only
 * while nobody is offered; `stale` while a driver has the ride (restarted by every
 * change of status; a trip's at least STALE_TRIP_FACTOR times its estimate); `capture` while a refused capture waits for an operator; and the
 * `payment` watchdog while a payment step is outstanding.
 *
 * @example
 * timersFor(null, newRide, [{ type: "RideRequested" }], now, settings); // deadline, dispatch now, payment watchdog
 */
export function timersFor(before: RideRecord | null, after: RideRecord, events: { type: string }[], now: Date, settings: TimerSettings): TimerChange[] {
  const dispatching = isDispatching(after);
  const status = after.ride.status;
  const timers: TimerChange[] = [
    { name: "deadline", at: dispatching ? Date.parse(after.dispatchDeadlineAt) : null },
    { name: "offer", at: dispatching && after.offer ? Date.parse(after.offer.expiresAt) : null },
  ];
  if (!dispatching || after.offer) timers.push({ name: "dispatch", at: null });
  else if (events.some((e) => REDISPATCH.has(e.type))) timers.push({ name: "dispatch", at: now.getTime() });
  const statusChanged = before?.ride.status !== status;
  if (!WITH_DRIVER.has(status)) timers.push({ name: "stale", at: null });
  else if (statusChanged) timers.push({ name: "stale", at: now.getTime() + staleAfterS(after, settings.staleRideS) * 1000 });
  const captureRefused = status === "payment_pending" && after.ride.payment.status === "failed";
  timers.push({ name: "capture", at: captureRefused ? now.getTime() + settings.captureRetryWindowS * 1000 : null, ifUnset: captureRefused });
  // The payment watchdog: armed when a payment step goes out, kept while it waits.
  const watchdog = now.getTime() + settings.paymentWatchdogS * 1000;
  if (!outstandingPaymentStep(after)) timers.push({ name: "payment", at: null });
  else timers.push({ name: "payment", at: watchdog, ifUnset: !paymentStepAfter(before, after) });
  return timers;
}

/**
 * The messages a committed change sends.
 *
 * @example
 * messagesFor(null, newRide, events).map((m) => m.queue); // ["ride-events", "payments"]
 */
export function messagesFor(before: RideRecord | null, after: RideRecord, events: DomainEvent[]): Outbound[] {
  // One message per commit to the views, carrying every event of it (the consumer fans them out); a parcel's with its code
  // sealed, every one of them, so that whichever message writes the row first gives the sender's list the code.
  const sealed = after.handoverSealed ? { handoverSealed: after.handoverSealed } : {};
  const out: Outbound[] =
    events.length > 0 ? [{ queue: "ride-events", body: { kind: "ride.events", events, ride: after.ride, ...sealed } satisfies RideEventsMessage }] : [];
  for (const event of events) {
    if (isNotified(event)) {
      out.push({ queue: "notifications", body: { kind: "ride.notification", event, ride: after.ride, locale: after.ride.locale } });
    }
  }
  const step = paymentStepAfter(before, after);
  const last = events[events.length - 1];
  if (step && last) out.push({ queue: "payments", body: paymentCommand(after, step, last.id, last.correlationId) });
  return out;
}

/**
 * The ride pushed to its live sockets (closed once settled) and to its driver's, in
 * commit order, unless the driver made the change and has the ride in the answer already
 * (half a served ride's pushes, each an RPC to the Driver DO). A driver the change let go
 * of (an offer that expired, was withdrawn, or whose ride was cancelled) hears of it too, so
 * their app drops the offer (on the Driver DO's socket: the ride's own socket of a driver who
 * may no longer watch it is closed, `driversWatching`). And, when the deadline found nobody, the
 * pickup's cell marked empty.
 */
function afterCommit(before: RideRecord | null, after: RideRecord, events: EventDraft[], ctx: PlanContext): Plan<RideEffect>["after"] {
  // A parcel's sender gets their own view on their sockets (the one with the handover code); drivers, theirs (src/domain/ride/audience.ts).
  const views: LiveView[] = after.handoverCode ? [{ role: "rider", actorId: after.ride.riderId, message: JSON.stringify(senderView(after)) }] : [];
  const forDriver = driverView(after.ride);
  if (forDriver !== after.ride) views.push({ role: "driver", message: JSON.stringify(forDriver) });
  const watchers = { role: "driver" as const, actorIds: driversWatching(after) };
  const effects: Plan<RideEffect>["after"] = [{ type: "broadcast", message: JSON.stringify(after.ride), ...(views.length ? { views } : {}), watchers }];
  if (isSettled(after.ride)) effects.push({ type: "closeLive", reason: "ride ended" });
  const driverId = heldDriver(after);
  if (driverId && driverId !== ctx.answeredTo) effects.push({ type: "pushToDriver", driverId, ride: forDriver });
  const letGo = before ? heldDriver(before) : null;
  if (letGo && letGo !== driverId && letGo !== ctx.answeredTo) effects.push({ type: "pushToDriver", driverId: letGo, ride: forDriver });
  // Only dispatch's own finding counts: a rider's or an operator's cancel in the same words (the reason is theirs
  // to write) must not turn away the area's next riders.
  const nobody = events.some((e) => e.type === "RideCancelled" && e.data.by === "system" && e.data.reason === "no_driver_available");
  if (nobody && ctx.noSupplyWindowS > 0) {
    effects.push({ type: "markNoSupply", pickup: after.ride.pickup, product: after.ride.product, until: ctx.now.getTime() + ctx.noSupplyWindowS * 1000 });
  }
  return effects;
}

/**
 * Everything the change from `before` (null: a new ride) to `after` writes and causes.
 *
 * @example
 * const p = plan(record, decision.record, decision.events, { now, causationId: "req-1", newId, paymentWatchdogS: 120, noSupplyWindowS: 30, captureRetryWindowS: 86400, staleRideS: 7200 });
 */
export function plan(before: RideRecord | null, after: RideRecord, drafts: EventDraft[], ctx: PlanContext): Plan<RideEffect> {
  const stamped = stamp(drafts, after.ride.version, ctx.now, ctx.correlationId ?? after.correlationId, ctx.causationId, ctx.newId, "per change");
  const events: DomainEvent[] = stamped.map((e) => ({ ...e, rideId: after.ride.id }));
  return {
    events,
    messages: messagesFor(before, after, events),
    timers: timersFor(before, after, drafts, ctx.now, ctx),
    after: afterCommit(before, after, drafts, ctx),
    // Its own id, always: it runs once the command has left the ride's queue, where the next one may be running.
    later: releaseAfterCommit(before, after, ctx.correlationId || after.correlationId),
  };
}

/**
 * The assigned driver a committed change let go of (the ride claimed them before it and no
 * longer does: a trip's end, a cancel or a no-show, a back-out or a silent driver's
 * take-off), freed once the change is committed (and once the ride has left its queue: the
 * Driver DO's release may wake rides). Best effort: should it fail or the process die first,
 * the ride's push to the driver frees them (`releaseForPush`, a ride that ended), else their
 * `silent` timer asks the ride, which no longer claims them (src/driver/silence.ts), within
 * `DRIVER_PICKUP_SILENT_S` on the way to a pickup. Released before the commit instead, a
 * process killed in between would leave the ride claiming a driver who no longer holds it,
 * which only its 2-hour `stale` timer undoes (a trip's end: a driver who could not end it; a
 * silent driver's take-off: nobody asked again), and a rider's cancel would fail while the
 * driver's object is down. An offered driver is released before the commit (`releaseOffered`):
 * the offer's own timer heals that side sooner. It carries the change's correlation id
 * (`correlationId`; the plan gives the ride's own for a change no request made), so the
 * driver's `DriverReleased` traces to the request that ended the trip.
 *
 * @example
 * releaseAfterCommit(inProgress, paymentPending, "req-9"); // [{ type: "releaseDriver", driverId: "d1", correlationId: "req-9" }]
 */
export function releaseAfterCommit(before: RideRecord | null, after: RideRecord, correlationId: string | null = null): RideEffect[] {
  // Assigned and claimed: a ride past its trip keeps its driver's name but claims them no more.
  const assigned = before?.ride.driver ? claimedDriver(before) : null;
  if (!assigned || assigned === claimedDriver(after)) return [];
  return [{ type: "releaseDriver", driverId: assigned, ...(correlationId ? { correlationId } : {}) }];
}

/**
 * The payment watchdog fired: the outstanding step goes out again (its idempotency key
 * makes that safe) and the watchdog is re-armed. Null when nothing is outstanding.
 *
 * @example
 * const p = watchdogPlan(record, new Date(), 120); if (p) commitPlan(p);
 */
export function watchdogPlan(record: RideRecord, now: Date, watchdogS: number): Plan<RideEffect> | null {
  const step = outstandingPaymentStep(record);
  if (!step) return null;
  const message: Outbound = { queue: "payments", body: paymentCommand(record, step, `watchdog:${now.getTime()}`) };
  return { events: [], messages: [message], timers: [{ name: "payment", at: now.getTime() + watchdogS * 1000 }], after: [], later: [] };
}
