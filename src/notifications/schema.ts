/**
 * The notification database (drizzle schema): the notification worker's own, apart from the
 * views since a served ride's deliveries were more than half of what the ride left there
 * (BENCHMARKS.md, storage). Written by the notification worker (the delivery log, its dead
 * letters) and, in development, the gateway (the sinks' faults); read by the gateway's
 * operators' list and figures, and emptied of old deliveries by its ten-minute cron.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The notification delivery log. The key (ride, event, channel, recipient) is also the
 * at-most-once claim: a duplicate event finds its row already `sent`.
 *
 * It is the largest table a ride leaves in D1 (BENCHMARKS.md, storage), so a row keeps only what
 * the claim and the operators' list read: the delivery's id is computed from its key and
 * audience (`deliveryId`), its times are milliseconds, and `seq` (the rowid) orders the
 * deliveries as they were first recorded: the list reads it newest first, the retention oldest
 * first, with no index on time. One index a row, where there were four: D1 bills every index
 * entry a write makes as a row written.
 */
/** A delivery not sent (`deliveries_unsent` indexes exactly these rows; literal SQL, so that SQLite matches it). */
export const UNSENT_DELIVERY = "status <> 'sent'";

export const notificationDeliveries = sqliteTable(
  "notification_deliveries",
  {
    seq: integer("seq").primaryKey(),
    eventId: text("event_id").notNull(),
    channel: text("channel").notNull(),
    recipient: text("recipient").notNull(),
    audience: text("audience", { enum: ["rider", "driver"] }).notNull(),
    rideId: text("ride_id").notNull(),
    event: text("event").notNull(),
    /**
     * The version of the event's aggregate (`DomainEvent.version`): which of two notices of a ride
     * told the later step (a driver unassigned after an assignment). Null in rows written before
     * it was kept (notifications migration 0004), and by a worker rolled back to before it.
     */
    version: integer("version"),
    status: text("status", { enum: ["sent", "failed", "retrying"] }).notNull(),
    attempts: integer("attempts").notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  // The ride first: the one index is both the claim's key and the ride's deliveries. The deliveries not sent (failed,
  // retrying: what on-call lists) have their own partial index, which a delivery recorded sent never writes.
  (t) => [
    uniqueIndex("deliveries_by_ride").on(t.rideId, t.eventId, t.channel, t.recipient),
    index("deliveries_unsent").on(t.status, t.seq).where(sql.raw(UNSENT_DELIVERY)),
  ],
);

/** Development only: faults injected into the notification sinks (one row). */
export const notificationFaults = sqliteTable("notification_faults", {
  id: integer("id").primaryKey(),
  fault: text("fault").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** A dead letter's columns, as the views' old copy of the table still has them (src/views/schema.ts). */
export const deadLetterColumns = () => ({
  id: text("id").primaryKey(),
  eventId: text("event_id").notNull(),
  /** What it is about (`subjectIdOf`): a ride, rental or payout id, "" for a decision about a driver. */
  rideId: text("ride_id").notNull(),
  body: text("body").notNull(),
  reason: text("reason").notNull(),
  receivedAt: text("received_at").notNull(),
});

/**
 * Notifications given up on after the last attempt, or poisoned: kept for an operator, who
 * lists them (src/notifications/dead-letters.ts) and sends them again (src/notifications/replay.ts);
 * `replayedAt` once sent.
 */
export const notificationDeadLetters = sqliteTable("notification_dead_letters", {
  ...deadLetterColumns(),
  replayedAt: text("replayed_at"),
  /** A replay's claim (src/notifications/replay.ts): until then, no other replay sends the letter. */
  replayingUntil: text("replaying_until"),
});
