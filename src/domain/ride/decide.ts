/**
 * The ride machine's one entry point. `decide` reads the rules table (rules.ts) and
 * nothing else; it is pure (no I/O, no clock), so the Ride DO can apply its answer in
 * one storage transaction: a refused command never leaves a trace, an allowed one never
 * lacks its events.
 */
import { chain, type Refusal } from "../../kernel/machine";
import { heldDriver, RULES, type Rule } from "./rules";
import type { RideCommand, RideCommandType, RideDecision, RideProbe, RideRecord } from "./types";

/** The rule of a command, typed loosely enough to be called with any command of its kind. */
const ruleOf = (type: RideCommandType) => RULES[type] as unknown as Rule<RideCommandType>;

/**
 * Whether `command` could be applied to `record` now: repeat, state and guard checks
 * only. `null` means allowed (or a harmless repeat); otherwise the refusal. The accept
 * path asks this before confirming with the Driver DO, with only the driver's id.
 *
 * @example
 * const refused = can(record, { type: "assignDriver", driverId: "d1" }, new Date());
 * if (refused) return fail(refused.code, refused.detail);
 */
export function can(record: RideRecord, command: RideProbe, now: Date): Refusal | null {
  const rule = ruleOf(command.type);
  if (rule.repeat?.(record, command)) return null;
  const status = record.ride.status;
  if (!rule.from.includes(status)) {
    return { kind: "refused", code: rule.refusedAs ?? "invalid_transition", detail: `cannot ${command.type} a ride that is ${status}` };
  }
  const refused = rule.guard?.(record, command, now);
  return refused ? { kind: "refused", ...refused } : null;
}

/** One command applied, its version not yet raised (`asOneChange` does that, once per change). */
function step(record: RideRecord, command: RideCommand, now: Date): RideDecision {
  const rule = ruleOf(command.type);
  if (rule.repeat?.(record, command)) return { kind: "unchanged", record };
  const refused = can(record, command, now);
  if (refused) return refused;
  const next = structuredClone(record);
  if (rule.to !== "same") next.ride.status = rule.to;
  const events = rule.apply(next, command, now);
  // A reservation a round wrote ahead is settled once the ride holds a driver or no longer dispatches (released first: `releaseOffered`).
  if (next.reserving && (heldDriver(next) || !["requested", "dispatching"].includes(next.ride.status))) delete next.reserving;
  next.ride.updatedAt = now.toISOString();
  return { kind: "applied", record: next, events, effects: rule.before?.(record, next) ?? [] };
}

/** One version per change, however many commands and events it holds (api-contract.md): a client sees a gap as a missed push. */
function asOneChange(before: RideRecord, decision: RideDecision): RideDecision {
  if (decision.kind === "applied" && decision.events.length > 0) decision.record.ride.version = before.ride.version + 1;
  return decision;
}

/**
 * Decides what `command` does to `record` at time `now`.
 *
 * @example
 * const d = decide(record, { type: "arrive", driverId: "d1" }, new Date());
 * if (d.kind === "applied") store.commit(d.record, d.events);
 */
export function decide(record: RideRecord, command: RideCommand, now: Date): RideDecision {
  return asOneChange(record, step(record, command, now));
}

/**
 * Decides several commands in a row, as one change: all applied (in order) or none.
 * The dispatcher uses it to start dispatching and assign or offer in one commit.
 *
 * @example
 * decideAll(record, [{ type: "startDispatch" }, { type: "assignDriver", driver, etaSeconds }], now);
 */
export function decideAll(record: RideRecord, commands: RideCommand[], now: Date): RideDecision {
  return asOneChange(
    record,
    chain(record, commands, (r, c) => step(r, c, now)),
  );
}
