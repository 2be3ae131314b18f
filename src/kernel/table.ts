/**
 * A machine as a table, for any aggregate: per command, the states it is allowed from,
 * the state it goes to, when it is a harmless repeat, its guard, what it applies (the
 * event drafts) and the effects needed before the commit. `decideByTable` reads only the
 * table and a small accessor for the record's status and version, so an aggregate's
 * rules are data and its `decide` is one line. Pure.
 */
import type { ProblemCode } from "../lib/problem";
import type { Decision } from "./machine";

export type Refused = { code: ProblemCode; detail: string };

export const refuse = (code: ProblemCode, detail: string): Refused => ({ code, detail });

export interface TableRule<R, S extends string, C, D, E> {
  from: readonly S[];
  /** `"same"` keeps the status and changes only details. */
  to: S | "same";
  /** The code of a refusal from a state not in `from` (default `invalid_transition`). */
  refusedAs?: ProblemCode;
  /** Arrives twice (at-least-once delivery, a double tap): the second time changes nothing (`now`: a repeat may be one only in time). */
  repeat?: (record: R, command: C, now: Date) => boolean;
  guard?: (record: R, command: C, now: Date) => Refused | null;
  /** Changes `next` (already in the new status) and answers the events that record it. */
  apply: (next: R, command: C, now: Date) => D[];
  /** Effects that must succeed before the commit. */
  before?: (record: R, next: R, command: C) => E[];
}

/** One rule per command type, each typed by its own command. */
export type RuleTable<R, S extends string, C extends { type: string }, D, E> = { [K in C["type"]]: TableRule<R, S, Extract<C, { type: K }>, D, E> };

/** How the table reads and stamps a record: its status, and its version and time after a change. */
export interface RecordAccess<R, S extends string> {
  name: string;
  status: (record: R) => S;
  setStatus: (record: R, status: S) => void;
  /** Raises the version by `by` (one per event) and sets the time of the change. */
  touch: (record: R, by: number, now: Date) => void;
}

/**
 * Decides `command` from the table.
 *
 * @example
 * decideByTable(RENTAL_RULES, RENTAL_ACCESS, record, { type: "cancel", by: "rider" }, now);
 */
export function decideByTable<R, S extends string, C extends { type: string }, D, E>(
  table: RuleTable<R, S, C, D, E>,
  access: RecordAccess<R, S>,
  record: R,
  command: C,
  now: Date,
): Decision<R, D, E> {
  const rule = table[command.type as C["type"]] as unknown as TableRule<R, S, C, D, E>;
  if (rule.repeat?.(record, command, now)) return { kind: "unchanged", record };
  const status = access.status(record);
  if (!rule.from.includes(status)) {
    return { kind: "refused", code: rule.refusedAs ?? "invalid_transition", detail: `cannot ${command.type} a ${access.name} that is ${status}` };
  }
  const refused = rule.guard?.(record, command, now);
  if (refused) return { kind: "refused", ...refused };
  const next = structuredClone(record);
  if (rule.to !== "same") access.setStatus(next, rule.to);
  const events = rule.apply(next, command, now);
  access.touch(next, events.length, now);
  return { kind: "applied", record: next, events, effects: rule.before?.(record, next, command) ?? [] };
}
