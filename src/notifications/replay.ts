/**
 * Sending the notifications given up on again (POST /v1/ops/notifications/replay), once what
 * failed (a customer's webhook, the KakaoTalk gateway, an older worker during a deploy) is mended.
 *
 * Why it goes this way:
 * - The worker never sends a delivery the log holds `failed` (that is how a repeat of a given-up
 *   event stops), so a replay turns its event's `failed` rows back into `retrying` with no
 *   attempt before sending the message again. A `sent` row is never touched: what went out
 *   does not go out twice.
 * - That holds only while the log still has the event's rows: the retention deletes them
 *   (`DELIVERY_LOG_RETENTION_DAYS`). A letter whose event is older than the retention allows (with an
 *   hour's margin) is not sent again, and is named `tooOld`: the event's age, not the letter's, as a
 *   replay that failed again leaves a new letter while the event's rows keep their age.
 * - One message per event, however many of its deliveries were given up on (each leaves a
 *   letter): copies of one event in different consumer runs could each send it.
 * - Letters are claimed first (`replaying_until`, a minute's lease in one statement), so two
 *   replays at once (a double click, a retry after a timeout) never send the same letter twice;
 *   a replay that dies after its claim leaves the letters to the next one after the lease.
 *   Each queue batch's letters are marked replayed right after their send; a send that fails
 *   releases the rest.
 * - Only a message the notification worker can read goes back (a kind and an event with an id
 *   and a type): anything else would fail every run of its batch. It is named `unreadable`,
 *   and an oldest-first replay passes over it.
 */
import { and, asc, eq, inArray, isNull, lt, not, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { parseLetterBody } from "../lib/dead-letters";
import { deliveryCutoff } from "./retention";
import { notificationDeadLetters, notificationDeliveries } from "./schema";

/** Letters one replay takes at most: the claim and the mark bind one value a letter (D1: 100 a statement). */
export const REPLAY_MAX = 50;
/** How long a replay's claim on its letters holds. */
export const REPLAY_LEASE_MS = 60_000;
/** Events this close to the retention's cut-off are too old: their first delivery may have been made a little after the event (a queue's backlog). */
export const RETENTION_MARGIN_MS = 3_600_000;
/** A queue batch carries at most 256 KB and 100 messages; bodies are kept whole, so batches are cut well under it. */
const BATCH_BYTES = 200_000;

/** What a replay did. `more`: open letters were left for another call. */
export interface NotificationReplayReport {
  /** Letters sent again (and marked replayed). */
  replayed: number;
  /** Asked for by id but not open: replayed already, being replayed by another call, or no such letter. */
  notOpen: string[];
  /** Older than the delivery log's retention allows: their deliveries' rows may be gone, left open. */
  tooOld: string[];
  /** Kept bodies the notification worker could not read, left open for an operator to read. */
  unreadable: string[];
  more: boolean;
}

type Readable = { kind: string; event: { id: string; type: string } } & Record<string, unknown>;

/** Whether a kept body is a message the notification worker can read. */
export function readableMessage(body: unknown): body is Readable {
  const m = body as { kind?: unknown; event?: { id?: unknown; type?: unknown } } | null;
  return typeof m === "object" && m !== null && typeof m.kind === "string" && typeof m.event?.id === "string" && typeof m.event.type === "string";
}

/** Cuts bodies into queue batches under `bytes` of JSON each, and 100 messages (a body above `bytes` goes alone). */
export function queueBatches<T>(bodies: readonly T[], bytes = BATCH_BYTES): T[][] {
  const encoder = new TextEncoder();
  const batches: T[][] = [];
  let batch: T[] = [];
  let size = 0;
  for (const body of bodies) {
    const n = encoder.encode(JSON.stringify(body)).length;
    if (batch.length > 0 && (size + n > bytes || batch.length === 100)) {
      batches.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(body);
    size += n;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Sends open dead letters again: those named by `ids`, or else the oldest open ones the log can
 * still vouch for, at most `REPLAY_MAX` a call. Throws when the queue refuses: what was not sent
 * stays open.
 *
 * @example
 * const report = await replayNotificationDeadLetters(env.NOTIFICATIONS_DB, (bodies) => send("notifications", bodies), { retentionDays: 30 });
 */
export async function replayNotificationDeadLetters(
  d1: D1Database,
  send: (bodies: unknown[]) => Promise<void>,
  options: { ids?: readonly string[]; now?: Date; retentionDays?: number },
): Promise<NotificationReplayReport> {
  const db = drizzle(d1);
  const t = notificationDeadLetters;
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const oldest = new Date(deliveryCutoff(now, options.retentionDays).getTime() + RETENTION_MARGIN_MS).toISOString();
  const ids = options.ids ? [...new Set(options.ids)].slice(0, REPLAY_MAX) : null;
  const free = and(isNull(t.replayedAt), or(isNull(t.replayingUntil), lt(t.replayingUntil, nowIso)));
  // Named letters are all looked at (and any that cannot go, said why); the oldest-first pass only takes those that can.
  // The event's age, not the letter's: a replay that failed again makes a new letter, while the event's
  // delivery rows (which the retention prunes by their first attempt) keep their age.
  const age = sql`coalesce(CASE WHEN json_valid(${t.body}) AND json_type(${t.body}, '$.event.occurredAt') = 'text' THEN json_extract(${t.body}, '$.event.occurredAt') END, ${t.receivedAt})`;
  const sendable = sql`${age} >= ${oldest} AND json_valid(${t.body}) AND json_type(${t.body}, '$.kind') = 'text' AND json_type(${t.body}, '$.event.id') = 'text' AND json_type(${t.body}, '$.event.type') = 'text'`;
  const rows = await db
    .select({ id: t.id, eventId: t.eventId, rideId: t.rideId, body: t.body, age: sql<string>`${age}` })
    .from(t)
    .where(and(free, ids ? inArray(t.id, ids) : sendable))
    .orderBy(asc(t.receivedAt), asc(t.id))
    .limit(REPLAY_MAX + 1);
  const page = rows.slice(0, REPLAY_MAX);
  const report: NotificationReplayReport = { replayed: 0, notOpen: [], tooOld: [], unreadable: [], more: !ids && rows.length > REPLAY_MAX };
  const candidates = new Map<string, { eventKey: string; body: Readable }>();
  for (const row of page) {
    const body = parseLetterBody(row.body);
    if (row.age < oldest) report.tooOld.push(row.id);
    else if (!readableMessage(body)) report.unreadable.push(row.id);
    else candidates.set(row.id, { eventKey: JSON.stringify([row.rideId, row.eventId]), body });
  }
  const claimed =
    candidates.size === 0
      ? []
      : await db
          .update(t)
          .set({ replayingUntil: new Date(now.getTime() + REPLAY_LEASE_MS).toISOString() })
          .where(and(inArray(t.id, [...candidates.keys()]), free))
          .returning({ id: t.id, rideId: t.rideId, eventId: t.eventId });
  const claimedIds = new Set(claimed.map((c) => c.id));
  if (ids) report.notOpen = ids.filter((id) => !claimedIds.has(id) && !report.tooOld.includes(id) && !report.unreadable.includes(id));
  if (claimed.length === 0) return report;

  // One message an event; every claimed letter of the event is marked with it.
  const events = new Map<string, { rideId: string; eventId: string; body: Readable; letters: string[] }>();
  for (const c of claimed) {
    const { eventKey, body } = candidates.get(c.id)!;
    const event = events.get(eventKey) ?? { rideId: c.rideId, eventId: c.eventId, body, letters: [] };
    event.letters.push(c.id);
    events.set(eventKey, event);
  }
  const d = notificationDeliveries;
  // Not a live push that found no socket open (`not delivered: …`): no outage failed it, and sent
  // again now it would tell the driver old news.
  const notReached = sql`coalesce(${d.lastError}, '') LIKE 'not delivered:%'`;
  const reset = (e: { rideId: string; eventId: string }) =>
    db
      .update(d)
      .set({ status: "retrying", attempts: 0, updatedAt: now })
      .where(and(eq(d.rideId, e.rideId), eq(d.eventId, e.eventId), eq(d.status, "failed"), not(notReached)));
  const [first, ...rest] = [...events.values()];
  await db.batch([reset(first!), ...rest.map(reset)]);
  const unsentEvents = new Set(events.values());
  try {
    for (const batch of queueBatches([...events.values()])) {
      await send(batch.map(({ body: { deadLetterReason: _reason, ...message } }) => message));
      const letters = batch.flatMap((e) => e.letters);
      await db.update(t).set({ replayedAt: nowIso, replayingUntil: null }).where(inArray(t.id, letters));
      for (const e of batch) unsentEvents.delete(e);
      report.replayed += letters.length;
    }
  } catch (error) {
    // Released for the next replay at once, not after the lease; and the deliveries of the events
    // not sent failed again (retrying with no message on its way, nothing would ever move them,
    // and they would drop out of `?status=failed`). Best effort: the error is what the caller hears.
    const failedAgain = (e: { rideId: string; eventId: string }) =>
      db
        .update(d)
        .set({ status: "failed", updatedAt: now })
        .where(and(eq(d.rideId, e.rideId), eq(d.eventId, e.eventId), eq(d.status, "retrying"), eq(d.attempts, 0)));
    await Promise.all([
      db
        .update(t)
        .set({ replayingUntil: null })
        .where(
          inArray(
            t.id,
            [...unsentEvents].flatMap((e) => e.letters),
          ),
        ),
      ...[...unsentEvents].map(failedAgain),
    ]).catch(() => undefined);
    throw error;
  }
  return report;
}
