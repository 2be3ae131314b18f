/**
 * Ride Durable Object: the single writer of one ride. Every command is checked by
 * the pure state machine (`decide`) and applied in one storage transaction that
 * writes the ride, its events, its outbox messages and its timers together. Side
 * effects on other objects (reserving or releasing a driver) happen before that
 * commit and only for commands the machine has already allowed, so a refused
 * command never changes anything anywhere.
 *
 * Commands run one at a time (SerialQueue): the DO's input gate opens while we
 * await another DO, and without this a cancel could interleave with an accept.
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig, type Config } from "../config";
import type { DomainEvent, Driver, PaymentResult } from "../domain/events";
import { distanceMeters, estimateDrive, geohash } from "../domain/geo";
import { finalFare } from "../domain/fare";
import { decide, decideAll, isSettled, outstandingPaymentAction, paymentActionAfter, type EventDraft, type RideCommand, type RideRecord } from "../domain/ride-machine";
import type { Actor, LatLng, Ride, RideDriver } from "../domain/types";
import type { Reservation } from "../driver/driver-rules";
import { newId } from "../lib/ids";
import { SqliteOutbox, type QueueSender } from "../lib/outbox";
import { fail, ok, type Outcome } from "../lib/problem";
import { SerialQueue, SqliteTimers } from "../lib/timers";
import { PEER_CALL_MS, within } from "../lib/timeout";
import { NOT_OFFERED_TO_YOU, canView, etaWorthUpdating, messagesFor, newRideRecord, paymentCommand, stampEvents, timersFor, type CreateRideInput } from "../ride/ride-record";
import { CELL_PRECISION, candidates, dispatchCellQuery } from "../ride/dispatch";
import { acceptLive, actorFromHeaders, broadcast, closeAll, onLiveClose, onLiveMessage } from "./live";
import { queueSender } from "./queues";

export interface TimelineItem {
  type: string;
  version: number;
  occurredAt: string;
  data: Record<string, unknown>;
  id: string;
  correlationId: string;
}

const RIDE_TIMERS = ["deadline", "offer"] as const;

export class RideDurableObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly outbox: SqliteOutbox;
  private readonly timers: SqliteTimers;
  private readonly serial = new SerialQueue();
  private readonly config: Config;
  /** The queue sender; replaceable so tests can make the queues fail. */
  send: QueueSender;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.config = readConfig(env);
    const send = queueSender(env);
    // Chaos testing (development only): every message goes out twice.
    this.send = this.config.chaosDuplicateDelivery ? async (queue, bodies) => (await send(queue, bodies), await send(queue, bodies)) : send;
    this.sql.exec("CREATE TABLE IF NOT EXISTS ride (id TEXT PRIMARY KEY, record TEXT NOT NULL, request_hash TEXT NOT NULL)");
    this.sql.exec(`CREATE TABLE IF NOT EXISTS events (
      version INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, occurred_at TEXT NOT NULL,
      correlation_id TEXT NOT NULL, causation_id TEXT, data TEXT NOT NULL)`);
    this.outbox = new SqliteOutbox(this.sql);
    this.timers = new SqliteTimers(this.sql);
    // A crash between a commit and setAlarm would leave due timers with no alarm.
    void ctx.blockConcurrencyWhile(() => this.armAlarm());
  }

  // ---- storage -------------------------------------------------------------

  private load(): RideRecord | null {
    const row = this.sql.exec<{ record: string }>("SELECT record FROM ride LIMIT 1").toArray()[0];
    return row ? (JSON.parse(row.record) as RideRecord) : null;
  }

  /**
   * Writes the new record, its events, the messages they cause and the timers the
   * new state needs, all in one transaction; then arms the alarm that relays.
   */
  private async commit(before: RideRecord | null, after: RideRecord, drafts: EventDraft[], causationId: string | null, extra: { dispatchAt?: number; requestHash?: string } = {}): Promise<DomainEvent[]> {
    const now = new Date();
    const firstVersion = (before?.ride.version ?? 0) + 1;
    const events = stampEvents(drafts, after.ride.id, firstVersion, now, after.correlationId, causationId, () => newId("ev"));
    const messages = messagesFor(before, after, events);
    this.ctx.storage.transactionSync(() => {
      if (before) {
        this.sql.exec("UPDATE ride SET record = ? WHERE id = ?", JSON.stringify(after), after.ride.id);
      } else {
        this.sql.exec("INSERT INTO ride (id, record, request_hash) VALUES (?, ?, ?)", after.ride.id, JSON.stringify(after), extra.requestHash ?? "");
      }
      for (const e of events) {
        this.sql.exec(
          "INSERT INTO events (version, id, type, occurred_at, correlation_id, causation_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
          e.version, e.id, e.type, e.occurredAt, e.correlationId, e.causationId, JSON.stringify(e.data),
        );
      }
      for (const m of messages) this.outbox.add(m.queue, m.body);
      if (messages.length > 0) this.timers.set("outbox", now.getTime());
      const wanted = timersFor(after);
      for (const name of RIDE_TIMERS) {
        const at = wanted.get(name);
        if (at === undefined) this.timers.clear(name);
        else this.timers.set(name, at);
      }
      // The payment watchdog: armed when a payment step goes out, kept while it waits.
      if (!outstandingPaymentAction(after)) this.timers.clear("payment");
      else if (paymentActionAfter(before, after) || this.timers.dueAt("payment") === null) {
        this.timers.set("payment", now.getTime() + this.config.paymentWatchdogS * 1000);
      }
      const dispatching = after.ride.status === "requested" || after.ride.status === "dispatching";
      if (!dispatching || after.offer) this.timers.clear("dispatch");
      else if (extra.dispatchAt !== undefined) this.timers.set("dispatch", extra.dispatchAt);
    });
    await this.armAlarm();
    this.publish(after);
    return events;
  }

  /**
   * Pushes the ride to its live sockets, and to its driver's (offers and trips), in
   * commit order. Best effort: a live client that missed something gets the current
   * state when it reconnects.
   */
  private publish(after: RideRecord): void {
    broadcast(this.ctx, JSON.stringify(after.ride));
    if (isSettled(after.ride)) closeAll(this.ctx, "ride ended");
    const driverId = after.ride.driver?.id ?? after.offer?.driverId;
    if (driverId) {
      this.ctx.waitUntil(
        this.driverStub(driverId)
          .rideChanged(after.ride)
          .catch((error: unknown) => console.warn(JSON.stringify({ msg: "driver live push failed", driverId, error: String(error) }))),
      );
    }
  }

  /** GET /v1/rides/{id}/live, forwarded by the gateway: the rider, the driver, ops. */
  override async fetch(request: Request): Promise<Response> {
    const actor = actorFromHeaders(request);
    if (!actor || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected an authenticated WebSocket upgrade", { status: 400 });
    const record = this.load();
    if (!record || !canView(record, actor)) return new Response("no such ride", { status: 404 });
    const response = acceptLive(this.ctx, actor, JSON.stringify(record.ride));
    // a settled ride sends its final state and ends the socket at once
    if (isSettled(record.ride)) closeAll(this.ctx, "ride ended");
    return response;
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    onLiveMessage(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    onLiveClose(ws, code);
  }

  /**
   * Arms the one alarm for the earliest timer. Always set, never compared with
   * `getAlarm()`: an alarm that is running (or about to be) may still be reported,
   * and trusting it would leave the object with no alarm at all once it finishes.
   */
  private async armAlarm(): Promise<void> {
    const next = this.timers.nextDueAt();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  /** Decides and, if allowed, commits. Refusals become problems; repeats answer the ride as it is. */
  private apply(record: RideRecord, command: RideCommand, causationId: string | null, beforeCommit?: () => Promise<Outcome<unknown>>, extra: { dispatchAt?: number } = {}): Promise<Outcome<Ride>> {
    return this.applyAll(record, [command], causationId, beforeCommit, extra);
  }

  /** `apply` for several commands that make one change (one commit, all or nothing). */
  private async applyAll(record: RideRecord, commands: RideCommand[], causationId: string | null, beforeCommit?: () => Promise<Outcome<unknown>>, extra: { dispatchAt?: number } = {}): Promise<Outcome<Ride>> {
    const decision = decideAll(record, commands, new Date());
    if (decision.kind === "refused") return fail(decision.code, decision.detail);
    if (decision.kind === "unchanged") return ok(record.ride);
    if (beforeCommit) {
      const side = await beforeCommit();
      if (!side.ok) return side;
    }
    await this.commit(record, decision.record, decision.events, causationId, extra);
    return ok(decision.record.ride);
  }

  private driverStub(driverId: string) {
    return this.env.DRIVER.get(this.env.DRIVER.idFromName(driverId));
  }

  /** Frees the driver the ride holds (assigned or offered), if any. Compensation step one. */
  private async releaseDriverOf(record: RideRecord): Promise<Outcome<null>> {
    const driverId = record.ride.driver?.id ?? record.offer?.driverId;
    if (!driverId) return ok(null);
    try {
      await within(PEER_CALL_MS, this.driverStub(driverId).release(record.ride.id, record.correlationId), "release driver");
      return ok(null);
    } catch (error) {
      return fail("unavailable", `could not release driver ${driverId}: ${String(error)}`, { retryAfterSeconds: 1 });
    }
  }

  // ---- commands -------------------------------------------------------------

  /** Creates the ride, or answers the one this idempotency key already made. */
  create(input: CreateRideInput): Promise<Outcome<{ ride: Ride; created: boolean }>> {
    return this.serial.run(async () => {
      const existing = this.sql.exec<{ record: string; request_hash: string }>("SELECT record, request_hash FROM ride LIMIT 1").toArray()[0];
      if (existing) {
        const record = JSON.parse(existing.record) as RideRecord;
        if (record.ride.riderId !== input.riderId || existing.request_hash !== input.requestHash) {
          return fail("idempotency_conflict", "this Idempotency-Key was used for a different ride request");
        }
        return ok({ ride: record.ride, created: false });
      }
      const record = newRideRecord(input, new Date(), this.config.dispatchTimeoutS);
      const requested: EventDraft = { type: "RideRequested", data: { product: input.product, pickup: input.pickup, dropoff: input.dropoff, quote: input.quote } };
      await this.commit(null, record, [requested], input.correlationId, {
        dispatchAt: Date.now(),
        requestHash: input.requestHash,
      });
      return ok({ ride: record.ride, created: true });
    });
  }

  /** The ride as `actor` may see it (strongly consistent). */
  get(actor: Actor): Outcome<Ride> {
    const record = this.load();
    if (!record || !canView(record, actor)) return fail("not_found", "no such ride");
    return ok(record.ride);
  }

  /** The ride's timeline, in version order. */
  timeline(actor: Actor): Outcome<TimelineItem[]> {
    const record = this.load();
    if (!record || !canView(record, actor)) return fail("not_found", "no such ride");
    const rows = this.sql
      .exec<{ version: number; id: string; type: string; occurred_at: string; correlation_id: string; data: string }>(
        "SELECT version, id, type, occurred_at, correlation_id, data FROM events ORDER BY version",
      )
      .toArray();
    return ok(rows.map((r) => ({ type: r.type, version: r.version, occurredAt: r.occurred_at, data: JSON.parse(r.data) as Record<string, unknown>, id: r.id, correlationId: r.correlation_id })));
  }

  cancel(actor: Actor, reason: string | undefined, requestId: string): Promise<Outcome<Ride>> {
    return this.serial.run(async () => {
      const record = this.load();
      if (!record || !canView(record, actor)) return fail("not_found", "no such ride");
      if (actor.role === "driver") return fail("forbidden", "drivers decline rides instead of cancelling them");
      const by = actor.role === "ops" ? "ops" : "rider";
      // Compensation order: the driver is released first; the hold is voided by the
      // payment worker after the commit (the void message is in the same transaction).
      return this.apply(record, { type: "cancel", by, reason: reason ?? `${by}_cancelled` }, requestId, () => this.releaseDriverOf(record));
    });
  }

  accept(driverId: string, requestId: string): Promise<Outcome<Ride>> {
    return this.serial.run(async () => {
      const record = this.load();
      // No such ride and not yours answer alike: a stranger learns nothing of the ride.
      if (!record) return fail("offer_not_available", NOT_OFFERED_TO_YOU);
      if (record.ride.driver?.id === driverId && record.ride.status !== "cancelled") return ok(record.ride);
      if (record.ride.status !== "dispatching" || record.offer?.driverId !== driverId) {
        return fail("offer_not_available", NOT_OFFERED_TO_YOU);
      }
      // Check the guards before touching the driver, then confirm with the Driver DO
      // (offered → on_trip), then commit with the driver's real details and ETA.
      const probe = decide(record, { type: "assignDriver", driver: placeholderDriver(driverId), etaSeconds: 0 }, new Date());
      if (probe.kind === "refused") return fail(probe.code, probe.detail);
      let confirmed: Outcome<Driver>;
      try {
        confirmed = (await within(PEER_CALL_MS, Promise.resolve(this.driverStub(driverId).confirm(record.ride.id, record.correlationId)), "confirm driver")) as Outcome<Driver>;
      } catch (error) {
        return fail("unavailable", `could not confirm with the driver: ${String(error)}`, { retryAfterSeconds: 1 });
      }
      if (!confirmed.ok) return confirmed;
      const driver = toRideDriver(confirmed.value);
      const outcome = await this.apply(record, { type: "assignDriver", driver, etaSeconds: etaSeconds(driver, record, this.config) }, requestId);
      if (!outcome.ok) await within(PEER_CALL_MS, this.driverStub(driverId).release(record.ride.id, record.correlationId), "release driver").catch(() => undefined);
      return outcome;
    });
  }

  decline(driverId: string, requestId: string): Promise<Outcome<Ride>> {
    return this.serial.run(async () => {
      const record = this.load();
      if (!record) return fail("offer_not_available", NOT_OFFERED_TO_YOU);
      if (record.ride.status === "dispatching" && record.offer?.driverId === driverId) {
        return this.apply(record, { type: "declineOffer", driverId }, requestId, () => this.releaseDriverOf(record), { dispatchAt: Date.now() });
      }
      if (record.ride.status === "driver_assigned" && record.ride.driver?.id === driverId) {
        // Backing out before pickup: back to dispatching, without this driver, with a fresh deadline.
        const restarted: RideRecord = { ...record, dispatchDeadlineAt: new Date(Date.now() + this.config.redispatchTimeoutS * 1000).toISOString() };
        return this.apply(restarted, { type: "backOut", driverId }, requestId, () => this.releaseDriverOf(record), { dispatchAt: Date.now() });
      }
      return fail("offer_not_available", NOT_OFFERED_TO_YOU);
    });
  }

  /**
   * The Driver DO took its offer back (an operator rejected the driver): the ride moves
   * on to the next driver at once, as after a decline. Idempotent; a ride no longer
   * offered to that driver is left alone. Should this call be lost, the offer timer ends
   * the offer anyway, and the Driver DO refuses the driver's accept meanwhile.
   */
  withdrawOffer(driverId: string, reason: string, correlationId: string): Promise<Outcome<null>> {
    return this.serial.run(async () => {
      const record = this.load();
      if (!record || record.ride.status !== "dispatching" || record.offer?.driverId !== driverId) return ok(null);
      const outcome = await this.apply(record, { type: "withdrawOffer", driverId, reason }, correlationId, () => this.releaseDriverOf(record), { dispatchAt: Date.now() });
      return outcome.ok ? ok(null) : outcome;
    });
  }

  /** arrive, start, complete: the assigned driver moves the trip on. */
  advance(driverId: string, step: "arrive" | "start" | "complete", trip: { distanceMeters?: number; durationSeconds?: number }, requestId: string): Promise<Outcome<Ride>> {
    return this.serial.run(async () => {
      const record = this.load();
      if (!record || !canView(record, { id: driverId, role: "driver" })) return fail("not_found", "no such ride");
      if (step !== "complete") return this.apply(record, { type: step, driverId }, requestId);
      const distanceMeters = trip.distanceMeters ?? record.ride.distanceMeters;
      const durationSeconds = trip.durationSeconds ?? record.ride.durationSeconds;
      const fare = finalFare(record.ride.product, record.ride.quote, distanceMeters, durationSeconds);
      // The trip is over for the driver whatever the payment does: release first.
      return this.apply(record, { type: "complete", driverId, distanceMeters, durationSeconds, fare }, requestId, () => this.releaseDriverOf(record));
    });
  }

  /**
   * The assigned driver reported a new position: refresh the ride's driver location and
   * ETA to the pickup, when the change is worth a version (see `etaWorthUpdating`).
   */
  driverMoved(driverId: string, location: LatLng): Promise<Outcome<null>> {
    return this.serial.run(async () => {
      const record = this.load();
      if (!record || record.ride.status !== "driver_assigned" || record.ride.driver?.id !== driverId) return ok(null);
      const eta = estimateDrive(location, record.ride.pickup, this.config.road).durationSeconds;
      const moved = record.ride.driver.location ? distanceMeters(record.ride.driver.location, location) : Infinity;
      if (!etaWorthUpdating(record, eta, moved)) return ok(null);
      const outcome = await this.apply(record, { type: "updateEta", driverId, location, etaSeconds: eta }, null);
      return outcome.ok ? ok(null) : outcome;
    });
  }

  /** An operator retries a capture the provider refused: a new capture goes out. */
  retryPayment(actor: Actor, requestId: string): Promise<Outcome<Ride>> {
    return this.serial.run(async () => {
      const record = this.load();
      if (!record || actor.role !== "ops") return fail("not_found", "no such ride");
      return this.apply(record, { type: "retryCapture" }, requestId);
    });
  }

  /** A result from the payment worker. Idempotent: a repeated result changes nothing. */
  applyPaymentResult(result: PaymentResult): Promise<Outcome<Ride>> {
    return this.serial.run(async () => {
      const record = this.load();
      if (!record) return fail("not_found", "no such ride");
      const command = commandForResult(result);
      if (!command) return ok(record.ride);
      const decision = decide(record, command, new Date());
      const release = decision.kind === "applied" && decision.record.ride.status === "cancelled" && record.ride.status !== "cancelled";
      return this.apply(record, command, result.idempotencyKey, release ? () => this.releaseDriverOf(record) : undefined);
    });
  }

  // ---- timers ----------------------------------------------------------------

  override async alarm(): Promise<void> {
    await this.serial.run(async () => {
      // Ride timers first: the outbox relay must not delay an assignment.
      const due = this.timers.due(Date.now()).sort((a, b) => Number(a.name === "outbox") - Number(b.name === "outbox"));
      for (const timer of due) {
        this.timers.clear(timer.name);
        try {
          await this.runTimer(timer.name);
        } catch (error) {
          // Put it back a little later rather than lose it.
          this.timers.set(timer.name, Date.now() + 1000);
          console.error(JSON.stringify({ msg: "ride timer failed", timer: timer.name, error: String(error) }));
        }
      }
      await this.armAlarm();
    });
  }

  private async runTimer(name: string): Promise<void> {
    switch (name) {
      case "outbox": {
        const { retryAt } = await this.outbox.relay(this.send, Date.now());
        if (retryAt !== null) this.timers.set("outbox", retryAt);
        return;
      }
      case "deadline": {
        const record = this.load();
        if (!record) return;
        if (Date.parse(record.dispatchDeadlineAt) > Date.now()) return;
        const outcome = await this.apply(record, { type: "dispatchTimeout" }, null, () => this.releaseDriverOf(record));
        if (outcome.ok && outcome.value.cancellation?.reason === "no_driver_available") await this.markNoSupply(record);
        return;
      }
      case "offer": {
        const record = this.load();
        if (!record?.offer || Date.parse(record.offer.expiresAt) > Date.now()) return;
        await this.apply(record, { type: "expireOffer", driverId: record.offer.driverId }, null, () => this.releaseDriverOf(record), { dispatchAt: Date.now() });
        return;
      }
      case "dispatch":
        await this.dispatchRound();
        return;
      case "payment": {
        // No result for the outstanding payment step in time (a lost or dead-lettered
        // message, a long outage): send it again. Its idempotency key makes that safe.
        const record = this.load();
        const action = record ? outstandingPaymentAction(record) : null;
        if (!record || !action) return;
        this.outbox.add("payments", paymentCommand(record, action, `watchdog:${Date.now()}`));
        this.timers.set("outbox", Date.now());
        this.timers.set("payment", Date.now() + this.config.paymentWatchdogS * 1000);
        console.warn(JSON.stringify({ msg: "payment step sent again by the watchdog", rideId: record.ride.id, action, correlationId: record.correlationId }));
        return;
      }
    }
  }

  /** Tells the pickup's cell that dispatch found nobody, so new requests there are turned away for a while. */
  private async markNoSupply(record: RideRecord): Promise<void> {
    if (this.config.noSupplyWindowS <= 0) return;
    const cell = geohash(record.ride.pickup, CELL_PRECISION);
    try {
      await this.env.DISPATCH_CELL.get(this.env.DISPATCH_CELL.idFromName(cell)).markNoSupply(record.ride.product, Date.now() + this.config.noSupplyWindowS * 1000);
    } catch (error) {
      console.warn(JSON.stringify({ msg: "could not mark no supply", cell, error: String(error) }));
    }
  }

  /**
   * One dispatch round: walk the candidates near the pickup, best ETA first, and
   * reserve the first one the Driver DO lets us have (an offer, or a direct
   * assignment in auto mode); starting to dispatch and the assignment or offer are
   * one commit. Nobody: try again shortly, until the deadline timer cancels the ride.
   */
  private async dispatchRound(): Promise<void> {
    const record = this.load();
    if (!record || record.offer) return;
    if (record.ride.status !== "requested" && record.ride.status !== "dispatching") return;
    const start: RideCommand[] = record.ride.status === "requested" ? [{ type: "startDispatch" }] : [];
    const auto = this.config.dispatchMode === "auto";
    for await (const candidate of candidates(dispatchCellQuery(this.env, record, this.config), record, this.config)) {
      const stub = this.driverStub(candidate.driverId);
      const expiresAt = new Date(Date.now() + this.config.offerTimeoutS * 1000).toISOString();
      const reservation: Reservation = auto
        ? { kind: "assign", rideId: record.ride.id }
        : { kind: "offer", offer: { rideId: record.ride.id, pickup: record.ride.pickup, dropoff: record.ride.dropoff, product: record.ride.product, quote: record.ride.quote, expiresAt } };
      let reserved: Outcome<Driver>;
      try {
        reserved = (await within(PEER_CALL_MS, Promise.resolve(stub.reserve(reservation, this.config.driverFreshnessS, record.correlationId)), "reserve driver")) as Outcome<Driver>;
      } catch (error) {
        // The reservation may have gone through unseen: undo it (release is idempotent) and move on.
        console.warn(JSON.stringify({ msg: "reservation failed", rideId: record.ride.id, driverId: candidate.driverId, error: String(error) }));
        this.ctx.waitUntil(stub.release(record.ride.id, record.correlationId).then(() => undefined, () => undefined));
        continue;
      }
      if (!reserved.ok) continue;
      const driver = toRideDriver(reserved.value);
      const step: RideCommand = auto
        ? { type: "assignDriver", driver, etaSeconds: etaSeconds(driver, record, this.config) }
        : { type: "offerDriver", driverId: driver.id, expiresAt };
      const outcome = await this.applyAll(record, [...start, step], null);
      if (!outcome.ok) await within(PEER_CALL_MS, stub.release(record.ride.id, record.correlationId), "release driver").catch(() => undefined);
      return;
    }
    if (start.length > 0) await this.applyAll(record, start, null);
    this.timers.set("dispatch", Date.now() + this.config.dispatchRetryS * 1000);
  }
}

function placeholderDriver(driverId: string): RideDriver {
  return { id: driverId, name: "", vehicle: { plate: "", model: "", product: "standard" }, location: null };
}

function toRideDriver(driver: { id: string; name: string; vehicle: RideDriver["vehicle"]; location: RideDriver["location"] }): RideDriver {
  return { id: driver.id, name: driver.name, vehicle: driver.vehicle, location: driver.location };
}

function etaSeconds(driver: RideDriver, record: RideRecord, config: Config): number {
  return driver.location ? estimateDrive(driver.location, record.ride.pickup, config.road).durationSeconds : 0;
}

function commandForResult(result: PaymentResult): RideCommand | null {
  const succeeded = result.outcome === "succeeded";
  switch (result.action) {
    case "authorize":
      return succeeded ? { type: "paymentAuthorized" } : { type: "paymentDeclined" };
    case "capture":
      return succeeded ? { type: "paymentCaptured", settlement: result.settlement ?? null } : { type: "paymentCaptureFailed", reason: result.detail ?? "declined" };
    case "void":
      return succeeded ? { type: "paymentVoided" } : null;
  }
}
