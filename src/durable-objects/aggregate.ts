/**
 * The one Durable Object base for aggregates (Ride, Driver, and the next ones). A
 * subclass is an RPC surface over a pure machine plus a `perform(effect)` switch; this
 * class carries out what the machine decided:
 *
 * - commands one at a time (`exclusive`): the input gate opens while we await another
 *   object, and without this a cancel could interleave with an accept;
 * - the one-row record, the event log, the transactional outbox and the timers written
 *   in **one** transaction (`commit`), so no change is without its messages and no
 *   message without its change;
 * - named timers over the single alarm, re-armed in the constructor (the stored alarm read first, so that a wake writes nothing): a crash between a commit and `setAlarm` would otherwise leave due
 *   timers (and unsent messages) with no alarm until the next command. A timer a commit makes due at once still runs on the
 *   alarm: run right after the command, it held the caller's answer until it ended (a
 *   rider's 202 came after the first dispatch round, which a slow cell stretches to
 *   `PEER_CALL_MS`). A call that is no client's request may run one right after it
 *   instead (`runSoonAfter`: a woken ride's round);
 * - the outbox relay: right after the commit, in the background (never on the caller's path); retried
 *   with back-off when a queue fails. Should the object die before it ends, the object's next start
 *   relays what is left (the constructor), and a start is never far: any timer of the object starts it,
 *   so a commit writes the `outbox` timer as the fallback only when the object has no other timer
 *   (`needsRelayFallback`; on every commit it moved the alarm there and back: 14 of a served ride's 17 alarm writes);
 * - live sockets (hibernatable), and the effects around a commit: before it (must all
 *   succeed, or nothing is committed), right after it, and after the command left the
 *   queue (calls to objects that may call back while holding their own queue).
 */
import { readConfig, type Config } from "../config";
import type { Actor } from "../domain/types";
import { setsTimer, type Decision, type LiveEffect, type LiveView, type LiveWatchers, type Plan } from "../kernel/machine";
import { newId } from "../lib/ids";
import { count } from "../lib/metrics";
import { nextWake, RELAY_FALLBACK_MS, relayOutbox, SqliteOutbox, type QueueSender } from "../lib/outbox";
import { fail, ok, type Outcome } from "../lib/problem";
import { Alarm, SerialQueue, SqliteTimers, TimerRetries } from "../lib/timers";
import { appendEvents, EVENTS_TABLE, migrateEventLog, readEventLog, type TimelineItem } from "./event-log";
import { acceptLive, actorFromHeaders, broadcast, closeAll, onLiveClose, onLiveMessage } from "./live";
import { queueSender } from "./queues";
import { StoredObject } from "./stored-object";

export type { TimelineItem };

/** What a new live socket gets first (and `close`: end it right after, nothing will change). */
export type Welcome = { first: string; close?: string } | Response;

function isLive(effect: { type: string }): effect is LiveEffect {
  return effect.type === "broadcast" || effect.type === "closeLive";
}

/**
 * @example
 * export class RentalDurableObject extends AggregateObject<RentalRecord, RentalEffect> {
 *   constructor(ctx: DurableObjectState, env: Env) { super(ctx, env, "rental"); }
 *   start(id: string, by: string) {
 *     return this.exclusive(async () => {
 *       const before = this.load();
 *       return this.enact(decideRental(before, { type: "start", by }, new Date()), (after, events) => planRental(before, after, events, this.newId));
 *     });
 *   }
 *   // idOf, perform, onTimer, welcome
 * }
 */
export abstract class AggregateObject<R, E extends { type: string }> extends StoredObject<Env> {
  protected readonly outbox: SqliteOutbox;
  protected readonly timers: SqliteTimers;
  protected readonly config: Config;
  /** The queue sender; replaceable so tests can make the queues fail. */
  send: QueueSender;
  private readonly serial = new SerialQueue();
  /** Relays one at a time (the one after a commit, the alarm's), so a message is not sent twice by two of them. */
  private readonly relays = new SerialQueue();
  /** Effects to perform once the running command has left the queue. */
  private deferred: E[] | null = null;
  /** The one alarm, set only when it moves. */
  private readonly oneAlarm: Alarm;
  /** Failures in a row of each timer since this instance started: the wait before its next run grows with them. */
  private readonly retries = new TimerRetries();

  /** `columns`: extra columns of the record table, set when the record is created. */
  protected constructor(
    ctx: DurableObjectState,
    env: Env,
    private readonly table: string,
    columns = "",
  ) {
    super(ctx, env, [`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, record TEXT NOT NULL${columns ? `, ${columns}` : ""})`, EVENTS_TABLE]);
    if (!this.fresh) migrateEventLog({ sql: this.sql, transactionSync: (work) => ctx.storage.transactionSync(work) });
    this.config = readConfig(env);
    const send = queueSender(env);
    // Chaos testing (development only): every message goes out twice.
    this.send = this.config.chaosDuplicateDelivery ? async (queue, bodies) => (await send(queue, bodies), await send(queue, bodies)) : send;
    this.outbox = new SqliteOutbox(this.sql);
    this.timers = new SqliteTimers(this.sql);
    this.oneAlarm = new Alarm(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => {
      if (this.fresh) return; // never written: nothing to relay or arm (and each read would cost one)
      // Messages left in the outbox with no `outbox` timer: the last instance died before its relay ended.
      if (this.outbox.size() > 0 && this.timers.dueAt("outbox") === null) this.timers.set("outbox", Date.now());
      await this.oneAlarm.load();
      await this.armAlarm();
    });
  }

  /** The id the record is stored under. */
  protected abstract idOf(record: R): string;
  /** The only place the object talks to other objects. */
  protected abstract perform(effect: E): Promise<Outcome<unknown>>;
  /** Runs a due timer other than `outbox`; must tolerate running twice. */
  protected abstract onTimer(name: string): Promise<void>;
  /** What a live socket of `actor` gets first, or the refusal. */
  protected abstract welcome(actor: Actor, record: R | null): Welcome;

  protected load(): R | null {
    const row = this.fresh ? undefined : this.sql.exec<{ record: string }>(`SELECT record FROM ${this.table} LIMIT 1`).toArray()[0];
    return row ? (JSON.parse(row.record) as R) : null;
  }

  /** The aggregate's events, in the order committed. */
  protected eventLog(): TimelineItem[] {
    return readEventLog(this.sql);
  }

  /** Saves the record alone (bookkeeping that is no change of the aggregate: no event, no message). */
  protected store(record: R): void {
    this.sql.exec(`UPDATE ${this.table} SET record = ? WHERE id = ?`, JSON.stringify(record), this.idOf(record));
  }

  /** Runs `work` alone, then the calls it deferred until it left the queue. */
  protected async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const later: E[] = [];
    const value = await this.serial.run(async () => {
      this.deferred = later;
      try {
        return await work();
      } finally {
        this.deferred = null;
      }
    });
    for (const effect of later) await this.attempt(effect);
    return value;
  }

  /**
   * Carries out a decision: a refusal is a problem, a repeat answers the record as it
   * is; an applied one performs its effects first (compensation: if one fails, the
   * command fails and nothing changed), then commits `planOf`'s plan.
   */
  protected async enact<D>(decision: Decision<R, D, E>, planOf: (record: R, events: D[]) => Plan<E>, created?: Record<string, string>): Promise<Outcome<R>> {
    if (decision.kind === "refused") return fail(decision.code, decision.detail);
    if (decision.kind === "unchanged") return ok(decision.record);
    for (const effect of decision.effects) {
      const done = await this.perform(effect);
      if (!done.ok) return done;
    }
    await this.commit(planOf(decision.record, decision.events), decision.record, created);
    return ok(decision.record);
  }

  /**
   * Writes the record (inserted with `created`'s columns when given), its events, the
   * plan's messages and timers in one transaction; arms the alarm that relays; then
   * runs the plan's effects.
   */
  protected async commit(plan: Plan<E>, record?: R, created?: Record<string, string>): Promise<void> {
    const now = Date.now();
    const next = this.ctx.storage.transactionSync(() => {
      if (record && created) {
        const names = ["id", "record", ...Object.keys(created)];
        this.sql.exec(
          `INSERT INTO ${this.table} (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
          this.idOf(record),
          JSON.stringify(record),
          ...Object.values(created),
        );
      } else if (record) {
        this.store(record);
      }
      appendEvents(this.sql, plan.events);
      for (const m of plan.messages) this.outbox.add(m.queue, m.body);
      for (const t of plan.timers) {
        if (t.at === null) this.timers.clear(t.name);
        else if (setsTimer(t, this.timers.dueAt(t.name))) this.timers.set(t.name, t.at);
      }
      // After the plan's timers: the one that will start the object again may be one it just cleared.
      return nextWake(this.timers, now, () => plan.messages.length > 0 || this.outbox.size() > 0);
    });
    await this.oneAlarm.arm(next);
    // Relayed at once but in the background: a slow or failing queue never delays the caller, and no alarm runs for it.
    if (plan.messages.length > 0) this.ctx.waitUntil(this.relay());
    for (const effect of plan.after) await this.attempt(effect);
    if (this.deferred) this.deferred.push(...plan.later);
    else for (const effect of plan.later) await this.attempt(effect);
  }

  /** A new event id (for the machines' `plan`). */
  protected readonly newId = () => newId("ev");

  /** Sends `message` to every live socket open on the object (a view of it to the sockets it is for); answers how many. */
  protected broadcast(message: string, views?: LiveView[], watchers?: LiveWatchers): number {
    return broadcast(this.ctx, message, views, watchers);
  }

  /** Sets a timer outside a commit (it is re-armed with the alarm). */
  protected schedule(name: string, at: number): void {
    this.timers.set(name, at);
  }

  /** Runs timer `name` after the command running now (or at once), backed up by the alarm `RELAY_FALLBACK_MS` later. */
  protected async runSoonAfter(name: string): Promise<void> {
    const at = Date.now() + RELAY_FALLBACK_MS;
    this.timers.set(name, at);
    await this.armAlarm();
    // After the command running now, and only if the timer is still as set here (not cleared or moved since).
    this.ctx.waitUntil(
      this.exclusive(async () => {
        if (this.timers.dueAt(name) === at) await this.runTimer(name);
        await this.armAlarm();
      }),
    );
  }

  /** Performs an effect after a commit: best effort, logged when it fails. */
  private async attempt(effect: E | LiveEffect): Promise<void> {
    if (isLive(effect)) {
      if (effect.type === "broadcast") this.broadcast(effect.message, effect.views, effect.watchers);
      else closeAll(this.ctx, effect.reason);
      return;
    }
    try {
      const done = await this.perform(effect);
      if (!done.ok) throw new Error(`${done.problem.code}: ${done.problem.detail}`);
    } catch (error) {
      console.warn(JSON.stringify({ msg: "effect failed", effect: effect.type, error: String(error) }));
    }
  }

  /** Arms the one alarm for `nextWake` (a write only when that moved it: `Alarm`); after an alarm, the timer unsent messages counted on may be gone. */
  protected async armAlarm(): Promise<void> {
    await this.oneAlarm.arm(nextWake(this.timers, Date.now(), () => this.outbox.size() > 0));
  }

  override async alarm(): Promise<void> {
    this.oneAlarm.fired();
    count(`alarm:${this.table}`);
    await this.exclusive(async () => {
      // The aggregate's own timers first: the outbox relay must not delay an assignment.
      const due = this.timers.due(Date.now()).sort((a, b) => Number(a.name === "outbox") - Number(b.name === "outbox"));
      // One an earlier handler of this pass cleared or moved later (its commit's plan) keeps to its own time.
      for (const timer of due) if ((this.timers.dueAt(timer.name) ?? Infinity) <= Date.now()) await this.runTimer(timer.name);
      this.oneAlarm.ended();
      await this.armAlarm();
    });
  }

  /** Runs one timer, then clears it unless its handler set it again, to any time (`writes`; dying mid-run leaves it due); a failed one is put back later (`TimerRetries`). */
  private async runTimer(name: string): Promise<void> {
    const dueAt = this.timers.dueAt(name);
    const writes = this.timers.writes(name);
    try {
      if (name === "outbox") await this.relay();
      else await this.onTimer(name);
      if (dueAt !== null && this.timers.writes(name) === writes) this.timers.clear(name);
      this.retries.succeeded(name);
    } catch (error) {
      const { failures, at } = this.retries.failed(name, dueAt, this.timers.dueAt(name), Date.now());
      this.timers.set(name, at);
      const id = this.sql.exec<{ id: string }>(`SELECT id FROM ${this.table} LIMIT 1`).toArray()[0]?.id ?? null;
      console.error(JSON.stringify({ msg: "timer failed", object: this.table, id, timer: name, failures, error: String(error) }));
    }
  }

  /** Sends what the outbox holds; a failure leaves it there with the `outbox` timer at the retry. Never throws. */
  private relay(): Promise<void> {
    return this.relays.run(async () => {
      await relayOutbox(this.outbox, this.timers, this.send, Date.now());
      // The relay may have cleared the last timer (the outbox fallback): then no alarm either, rather than one that finds nothing.
      const next = this.timers.nextDueAt();
      if (next === null) await this.oneAlarm.clear();
      else await this.oneAlarm.arm(next);
    });
  }

  /** A live socket, handed over by the gateway with the actor it authenticated. */
  override async fetch(request: Request): Promise<Response> {
    const actor = actorFromHeaders(request);
    if (!actor || request.headers.get("upgrade")?.toLowerCase() !== "websocket")
      return new Response("expected an authenticated WebSocket upgrade", { status: 400 });
    const welcome = this.welcome(actor, this.load());
    if (welcome instanceof Response) return welcome;
    const response = acceptLive(this.ctx, actor, welcome.first);
    if (welcome.close) closeAll(this.ctx, welcome.close);
    return response;
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    onLiveMessage(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    onLiveClose(ws, code);
  }
}
