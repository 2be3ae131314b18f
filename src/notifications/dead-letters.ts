/**
 * The notifications given up on: a message whose delivery failed NOTIFY_MAX_ATTEMPTS times
 * (or that no worker could read) reaches the notification worker again from the dead-letter
 * queue, which keeps it in `notification_dead_letters` and marks its unsent deliveries
 * `failed`. Listed by GET /v1/ops/notifications/dead-letters and sent again by
 * POST /v1/ops/notifications/replay, once whatever failed (a customer's webhook, the
 * KakaoTalk gateway, an older worker during a deploy) is mended: src/notifications/replay.ts
 * says how a replay never sends a delivery twice.
 */
import { and, desc, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { countOpenLetters, newestFirstAfter, parseLetterBody, type LetterCursor } from "../lib/dead-letters";
import { notificationDeadLetters } from "./schema";

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
