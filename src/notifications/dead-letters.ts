/**
 * The notifications given up on: a message whose delivery failed NOTIFY_MAX_ATTEMPTS times
 * (or that no worker could read) reaches the notification worker again from the dead-letter
 * queue, which keeps it in `notification_dead_letters` and marks its unsent deliveries
 * `failed`. Listed by GET /v1/ops/notifications/dead-letters and sent again by
 * POST /v1/ops/notifications/replay, once whatever failed (a customer's webhook, the
 * KakaoTalk gateway, an older worker during a deploy) is mended.
 *
 * Why a replay resets the failed deliveries first: the worker never sends a delivery the log
 * holds as failed for good (that is how a duplicate of a given-up event stops). So the replay
 * turns its event's `failed` rows back into `retrying` with no attempt, then sends the message
 * on the notifications queue, then marks the letter replayed. At least once, never lost: a
 * replay that dies before its mark leaves the letter open and sends it again next time, and
 * the log drops whatever was sent the first time. A sent delivery is never sent again.
 */
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { countOpenLetters, newestFirstAfter, parseLetterBody, type LetterCursor } from "../lib/dead-letters";
import { notificationDeadLetters, notificationDeliveries } from "./schema";

/** A notification dead letter as the operators' list shows it. */
export interface NotificationDeadLetter {
  id: string;
  eventId: string;
  kind: string;
  eventType: string | null;
  /** The ride, rental or payout it is about (null: a decision about a driver). */
  subjectId: string | null;
  reason: string;
  receivedAt: string;
  replayedAt: string | null;
  body: unknown;
}

function describe(body: unknown): Pick<NotificationDeadLetter, "kind" | "eventType"> {
  const m = (typeof body === "object" && body !== null ? body : {}) as { kind?: unknown; event?: { type?: unknown } };
  return { kind: typeof m.kind === "string" ? m.kind : "unknown", eventType: typeof m.event?.type === "string" ? m.event.type : null };
}

/**
 * The dead letters, newest first; `open` only those not replayed yet. The cursor is the last
 * item's `received_at` and id.
 *
 * @example
 * const page = await listNotificationDeadLetters(env.NOTIFICATIONS_DB, { open: true, limit: 20 });
 */
export async function listNotificationDeadLetters(
  d1: D1Database,
  filter: { open?: boolean; limit: number; after?: LetterCursor | null },
): Promise<{ items: NotificationDeadLetter[]; last: LetterCursor | null }> {
  const t = notificationDeadLetters;
  const rows = await drizzle(d1)
    .select()
    .from(t)
    .where(and(filter.open ? isNull(t.replayedAt) : undefined, newestFirstAfter(t.receivedAt, t.id, filter.after)))
    .orderBy(desc(t.receivedAt), desc(t.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => {
      const body = parseLetterBody(r.body);
      return {
        id: r.id,
        eventId: r.eventId,
        ...describe(body),
        subjectId: r.rideId || null,
        reason: r.reason,
        receivedAt: r.receivedAt,
        replayedAt: r.replayedAt,
        body,
      };
    }),
    last: rows.length > filter.limit && last ? { receivedAt: last.receivedAt, id: last.id } : null,
  };
}

/**
 * How many notifications given up on wait for a replay (the operators' figures).
 *
 * @example
 * const open = await countOpenNotificationDeadLetters(env.NOTIFICATIONS_DB);
 */
export function countOpenNotificationDeadLetters(d1: D1Database): Promise<number> {
  return countOpenLetters(d1, notificationDeadLetters, notificationDeadLetters.replayedAt);
}

/** Dead letters one replay sends at most: each update below binds a few values, the mark one a letter (D1: 100 a statement). */
export const REPLAY_MAX = 50;
/** A queue batch carries at most 256 KB; a message's body is kept whole, so batches are cut well under it. */
const BATCH_BYTES = 200_000;

/** What a replay did. `more`: open letters were left for another call. */
export interface NotificationReplayReport {
  replayed: number;
  /** Asked for by id but not open (replayed already, or no such letter). */
  notOpen: string[];
  /** Kept bodies that are not JSON: left open for an operator to read. */
  unreadable: string[];
  more: boolean;
}

/** Cuts bodies into queue batches under `BATCH_BYTES` each (a body above it goes alone). */
export function queueBatches<T>(bodies: readonly T[], bytes = BATCH_BYTES): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let size = 0;
  for (const body of bodies) {
    const n = JSON.stringify(body).length;
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
 * Sends open dead letters again: those named by `ids`, or else the oldest open ones, at most
 * `REPLAY_MAX` a call. Their events' failed deliveries are reset to be tried again, their
 * messages sent on the notifications queue (without the dead-letter reason), and the letters
 * marked replayed. Throws when the queue refuses: the letters stay open (their deliveries then
 * show `retrying` until the next replay sends them).
 *
 * @example
 * const report = await replayNotificationDeadLetters(env.NOTIFICATIONS_DB, (bodies) => send("notifications", bodies), {});
 */
export async function replayNotificationDeadLetters(
  d1: D1Database,
  send: (bodies: unknown[]) => Promise<void>,
  options: { ids?: readonly string[]; now?: Date },
): Promise<NotificationReplayReport> {
  const db = drizzle(d1);
  const t = notificationDeadLetters;
  const ids = options.ids ? [...new Set(options.ids)].slice(0, REPLAY_MAX) : null;
  const rows = await db
    .select({ id: t.id, eventId: t.eventId, rideId: t.rideId, body: t.body })
    .from(t)
    .where(and(isNull(t.replayedAt), ids ? inArray(t.id, ids) : undefined))
    .orderBy(asc(t.receivedAt), asc(t.id))
    .limit(REPLAY_MAX + 1);
  const page = rows.slice(0, REPLAY_MAX);
  const found = new Set(page.map((r) => r.id));
  const report: NotificationReplayReport = {
    replayed: 0,
    notOpen: ids ? ids.filter((id) => !found.has(id)) : [],
    unreadable: [],
    more: !ids && rows.length > REPLAY_MAX,
  };
  const readable: { id: string; eventId: string; rideId: string; body: Record<string, unknown> }[] = [];
  for (const row of page) {
    const body = parseLetterBody(row.body);
    if (typeof body !== "object" || body === null) report.unreadable.push(row.id);
    else readable.push({ ...row, body: body as Record<string, unknown> });
  }
  const [first, ...rest] = readable;
  if (!first) return report;
  const now = options.now ?? new Date();
  const d = notificationDeliveries;
  const reset = (letter: typeof first) =>
    db
      .update(d)
      .set({ status: "retrying", attempts: 0, updatedAt: now })
      .where(and(eq(d.rideId, letter.rideId), eq(d.eventId, letter.eventId), eq(d.status, "failed")));
  await db.batch([reset(first), ...rest.map(reset)]);
  for (const batch of queueBatches(readable.map(({ body: { deadLetterReason: _reason, ...message } }) => message))) await send(batch);
  await db
    .update(t)
    .set({ replayedAt: now.toISOString() })
    .where(
      inArray(
        t.id,
        readable.map((r) => r.id),
      ),
    );
  report.replayed = readable.length;
  return report;
}
