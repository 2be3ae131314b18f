/**
 * The shapes every aggregate machine shares. A machine is pure: `decide(record,
 * command, now)` answers a Decision, `plan(...)` turns an applied decision into
 * stored events, outbox messages, timer changes and the effects to run after the
 * commit. The Durable Object base (src/durable-objects/aggregate.ts) only carries
 * these out, so an aggregate's behaviour is all in its machine and unit-tested in Node.
 */
import type { DomainEvent, QueueName } from "../domain/events";
import type { ProblemCode } from "../lib/problem";

/** A command the machine will not apply: nothing changes, the caller gets this problem. */
export interface Refusal {
  kind: "refused";
  code: ProblemCode;
  detail: string;
}

/**
 * What a command does. `effects` are what must happen elsewhere *before* the commit
 * (for example releasing a driver): the DO performs them in order and commits only if
 * they all succeed, so a failed effect leaves the aggregate unchanged.
 */
export type Decision<R, D, E> =
  | { kind: "applied"; record: R; events: D[]; effects: E[] }
  /** A repeat of something already applied (duplicate message, second tap): no change. */
  | { kind: "unchanged"; record: R }
  | Refusal;

/** An event as stored in the aggregate's log and sent to the views (with its ride or driver id). */
export type StoredEvent = DomainEvent;

export interface Outbound {
  queue: QueueName;
  body: unknown;
}

/** Set (`at`), clear (`at: null`) or, with `ifUnset`, set only when not already set; with `ifEarlier`, only when not set or set later. */
export interface TimerChange {
  name: string;
  at: number | null;
  ifUnset?: boolean;
  ifEarlier?: boolean;
}

/**
 * Whether a timer change sets its timer, given when the timer is due now (null: not set).
 *
 * @example
 * setsTimer({ name: "silent", at: 5, ifEarlier: true }, 9); // true: sooner than where it is
 */
export function setsTimer(change: TimerChange, dueAt: number | null): boolean {
  if (change.at === null) return false;
  if (dueAt === null) return true;
  if (change.ifUnset) return false;
  return !change.ifEarlier || change.at < dueAt;
}

/**
 * Effects the base performs itself: pushes to the aggregate's own live sockets. `views`: what
 * some sockets get instead of `message` (a parcel's sender, with the handover code; drivers,
 * without a rider's or an operator's cancel reason): each socket gets the first view that is theirs.
 */
export type LiveEffect = { type: "broadcast"; message: string; views?: LiveView[]; watchers?: LiveWatchers } | { type: "closeLive"; reason: string };

/** Who of one role may still watch the object: that role's sockets of any other actor are closed, not sent the broadcast. */
export interface LiveWatchers {
  role: LiveView["role"];
  actorIds: readonly string[];
}

/** A version of a broadcast for the sockets of one role, or of one actor of it (`actorId`). */
export interface LiveView {
  role: "rider" | "driver" | "ops";
  actorId?: string;
  message: string;
}

/**
 * Everything one commit writes and causes. `after` runs right after the commit, inside
 * the aggregate's command queue (best effort); `later` runs once the command has left
 * the queue: calls to an object that may call back while holding its own queue
 * (waiting on them from inside ours could deadlock).
 */
export interface Plan<E> {
  events: StoredEvent[];
  messages: Outbound[];
  timers: TimerChange[];
  after: (E | LiveEffect)[];
  later: E[];
}

/**
 * Gives event drafts their ids, versions and time. `"per event"` (the default): versions run
 * on from `version`, one each. `"per change"`: every event gets `version`, the record's
 * version after the change (a ride's version rises by one with every change, api-contract.md).
 *
 * @example
 * stamp([{ type: "DriverArrived", data: {} }], 8, now, "req-1", "req-9", () => newId("ev"));
 */
export function stamp(
  drafts: { type: string; data: Record<string, unknown> }[],
  version: number,
  now: Date,
  correlationId: string,
  causationId: string | null,
  newId: () => string,
  versions: "per event" | "per change" = "per event",
): StoredEvent[] {
  return drafts.map((d, i) => ({
    id: newId(),
    type: d.type,
    version: versions === "per change" ? version : version + i,
    occurredAt: now.toISOString(),
    correlationId,
    causationId,
    data: d.data,
  }));
}

/**
 * Runs several commands as one change: all applied in order, or none. Repeats in the
 * chain are skipped; effects and events add up.
 *
 * @example
 * chain(record, [start, assign], (r, c) => decide(r, c, now));
 */
export function chain<R, C, D, E>(record: R, commands: C[], decide: (record: R, command: C) => Decision<R, D, E>): Decision<R, D, E> {
  let current = record;
  const events: D[] = [];
  const effects: E[] = [];
  let applied = false;
  for (const command of commands) {
    const decision = decide(current, command);
    if (decision.kind === "refused") return decision;
    if (decision.kind === "applied") {
      applied = true;
      current = decision.record;
      events.push(...decision.events);
      effects.push(...decision.effects);
    }
  }
  return applied ? { kind: "applied", record: current, events, effects } : { kind: "unchanged", record };
}
