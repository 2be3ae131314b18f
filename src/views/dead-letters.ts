/**
 * The views' dead letters: ride-events messages that failed every retry (they reach the
 * views worker again from ride-events-dlq), kept in `view_dead_letters` for an operator,
 * listed by GET /v1/ops/views/dead-letters and projected again by POST /v1/ops/views/replay.
 */
import { and, desc, eq, gt, isNull, not, sql } from "drizzle-orm";
import { countOpenLetters, newestFirstAfter, parseLetterBody, type LetterCursor } from "../lib/dead-letters";
import { drizzle } from "drizzle-orm/d1";
import type { ViewsMessage } from "../domain/events";
import { project } from "./projection";
import { viewDeadLetters } from "./schema";

/** A dead letter as the ops list shows it. */
export interface ViewDeadLetter {
  id: string;
  kind: string;
  eventType: string | null;
  subjectId: string | null;
  reason: string;
  attempts: number;
  receivedAt: string;
  replayedAt: string | null;
  body: unknown;
}

/**
 * Keeps a message that failed every retry. A message dead-lettered again (delivered
 * twice, or failing again after a replay) is open again, with its newest reason.
 *
 * @example
 * await keepDeadLetter(env.VIEWS_DB, { id: message.id, body: message.body, reason: "retries exhausted", attempts: message.attempts });
 */
export async function keepDeadLetter(d1: D1Database, entry: { id: string; body: unknown; reason: string; attempts: number }): Promise<void> {
  const now = new Date().toISOString();
  const row = { id: entry.id, body: JSON.stringify(entry.body), reason: entry.reason, attempts: entry.attempts, receivedAt: now, replayedAt: null };
  await drizzle(d1)
    .insert(viewDeadLetters)
    .values(row)
    .onConflictDoUpdate({
      target: viewDeadLetters.id,
      set: { body: row.body, reason: row.reason, attempts: row.attempts, receivedAt: now, replayedAt: null },
    });
}

function describe(body: unknown): Pick<ViewDeadLetter, "kind" | "eventType" | "subjectId"> {
  const m = (typeof body === "object" && body !== null ? body : {}) as {
    kind?: unknown;
    event?: { type?: unknown };
    events?: { type?: unknown }[];
    ride?: { id?: unknown };
    driver?: { id?: unknown };
    rider?: { id?: unknown };
  };
  const subject = m.ride?.id ?? m.driver?.id ?? m.rider?.id;
  // A commit's message (`ride.events`) is named by its last event, the one that made the snapshot.
  const event = m.event ?? (Array.isArray(m.events) ? m.events[m.events.length - 1] : undefined);
  return {
    kind: typeof m.kind === "string" ? m.kind : "unknown",
    eventType: typeof event?.type === "string" ? event.type : null,
    subjectId: typeof subject === "string" ? subject : null,
  };
}

/** A letter's body as operators read it: a parcel's sealed handover code left out (kept in storage for the replay; nobody but the sender reads even the sealed copy). */
function withoutSealed(body: unknown): unknown {
  if (typeof body !== "object" || body === null || !("handoverSealed" in body)) return body;
  const { handoverSealed: _sealed, ...rest } = body as Record<string, unknown>;
  return rest;
}

/**
 * The dead letters, newest first; `open` only those not replayed yet. The cursor is
 * the last item's `received_at` and id.
 *
 * @example
 * const page = await listDeadLetters(env.VIEWS_DB, { open: true, limit: 20 });
 */
export async function listDeadLetters(
  d1: D1Database,
  filter: { open?: boolean; limit: number; after?: LetterCursor | null },
): Promise<{ items: ViewDeadLetter[]; last: LetterCursor | null }> {
  const after = filter.after;
  const rows = await drizzle(d1)
    .select()
    .from(viewDeadLetters)
    .where(and(filter.open ? isNull(viewDeadLetters.replayedAt) : undefined, newestFirstAfter(viewDeadLetters.receivedAt, viewDeadLetters.id, after)))
    .orderBy(desc(viewDeadLetters.receivedAt), desc(viewDeadLetters.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => {
      const body = withoutSealed(parseLetterBody(r.body));
      return { id: r.id, ...describe(body), reason: r.reason, attempts: r.attempts, receivedAt: r.receivedAt, replayedAt: r.replayedAt, body };
    }),
    last: rows.length > filter.limit && last ? { receivedAt: last.receivedAt, id: last.id } : null,
  };
}

/**
 * How many dead letters wait for a replay (the ops stats).
 *
 * @example
 * const open = await countOpenDeadLetters(env.VIEWS_DB);
 */
export function countOpenDeadLetters(d1: D1Database): Promise<number> {
  return countOpenLetters(d1, viewDeadLetters, viewDeadLetters.replayedAt);
}

/** What a replay did; `more` when open dead letters were left for another call. */
export interface ReplayReport {
  replayed: number;
  failed: number;
  more: boolean;
}

/**
 * Letters one replay call takes at most. A Worker invocation may make 1,000 D1 queries, and a
 * letter takes up to six (the gateway's ride letter: whether its row is there, the window's
 * mark, the older row's delete, the projection's batch, the replayed mark; a failure's reason),
 * besides a page read per 100: at 500 a call ran out of queries midway and answered 500 with its
 * report lost, just when many letters wait.
 */
export const REPLAY_PER_CALL = 150;

/** How a replay goes: at most `max` letters (`REPLAY_PER_CALL`); `projectLetter` projects one (and tells the feed). */
export interface ReplayOptions {
  max?: number;
  projectLetter?: (message: ViewsMessage) => Promise<void>;
}

/** What a letter's reason starts with once a replay of it failed. */
const REPLAY_FAILED = "replay failed: ";

/**
 * Projects every open dead letter (at most `max` per call; `projectLetter` projects one, by
 * default as it is: the gateway's reads a ride the window may have let go from its object,
 * workers/gateway/letter-replay.ts), one at a time so that one
 * still failing does not hold the others back, and marks each projected one replayed.
 * A letter that fails again stays open with the new reason. Letters no replay has failed yet go
 * first: else `max` letters that keep failing, first in id order, would take every call, and the
 * letters behind them would never be tried. Safe to repeat: the projection is idempotent, so a
 * letter projected but not yet marked only projects again.
 *
 * @example
 * const { replayed, failed } = await replayDeadLetters(env.VIEWS_DB, { max: 100 });
 */
export async function replayDeadLetters(
  d1: D1Database,
  { max = REPLAY_PER_CALL, projectLetter = (message) => project(d1, [message]) }: ReplayOptions = {},
): Promise<ReplayReport> {
  const db = drizzle(d1);
  const report: ReplayReport = { replayed: 0, failed: 0, more: false };
  const failedNow = new Set<string>();
  for (const failedBefore of [false, true]) {
    const tried = sql`substr(${viewDeadLetters.reason}, 1, ${REPLAY_FAILED.length}) = ${REPLAY_FAILED}`;
    let after = "";
    for (;;) {
      const room = max - report.replayed - report.failed;
      const rows = await db
        .select({ id: viewDeadLetters.id, body: viewDeadLetters.body })
        .from(viewDeadLetters)
        .where(and(isNull(viewDeadLetters.replayedAt), gt(viewDeadLetters.id, after), failedBefore ? tried : not(tried)))
        .orderBy(viewDeadLetters.id)
        .limit(Math.min(100, room + 1));
      if (rows.length === 0) break;
      if (room <= 0) return { ...report, more: true };
      for (const row of rows.slice(0, room)) {
        if (failedNow.has(row.id)) continue; // tried once this call already
        try {
          const message = JSON.parse(row.body) as ViewsMessage;
          await projectLetter(message);
          await db.update(viewDeadLetters).set({ replayedAt: new Date().toISOString() }).where(eq(viewDeadLetters.id, row.id));
          report.replayed += 1;
        } catch (error) {
          await db
            .update(viewDeadLetters)
            .set({ reason: `${REPLAY_FAILED}${String(error)}`.slice(0, 1000) })
            .where(eq(viewDeadLetters.id, row.id));
          failedNow.add(row.id);
          report.failed += 1;
        }
      }
      after = rows[Math.min(rows.length, room) - 1]!.id;
    }
  }
  return report;
}

/** `pruneReplayedLetters`'s statement (?1 the cut-off, ?2 the limit). */
export const PRUNE_REPLAYED = "DELETE FROM view_dead_letters WHERE id IN (SELECT id FROM view_dead_letters WHERE replayed_at < ?1 LIMIT ?2)";

/**
 * Deletes the letters replayed before `before` (the views' window's cut-off: their rides may be
 * their owners' by then), at most `maxRows`, by `view_dead_letters_open`; answers how many went. A
 * replayed letter stays that long for an operator asking what happened; an open one stays until
 * it is replayed, counted in the stats. Without this the table, which holds whole message
 * bodies, only grows.
 *
 * @example
 * const gone = await pruneReplayedLetters(env.VIEWS_DB, windowStart(env), 500);
 */
export async function pruneReplayedLetters(d1: D1Database, before: Date, maxRows: number): Promise<number> {
  const result = await d1.prepare(PRUNE_REPLAYED).bind(before.toISOString(), maxRows).run();
  return result.meta.changes ?? 0;
}
