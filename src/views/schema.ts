/**
 * The D1 query views (drizzle schema). Written only by the views worker (rides,
 * timeline, drivers) and the notification worker (its delivery log); read by the
 * gateway's list and ops endpoints. Rebuildable by replaying the DOs' event logs.
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { settlementColumns } from "../payments/settlement-columns";

/** One row per ride: the newest snapshot the projection has seen (by version). */
export const rides = sqliteTable(
  "rides",
  {
    id: text("id").primaryKey(),
    riderId: text("rider_id").notNull(),
    driverId: text("driver_id"),
    status: text("status").notNull(),
    product: text("product").notNull(),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    paymentStatus: text("payment_status"),
    /** Milliseconds from request to the first assignment, for the ops dispatch-time percentiles. */
    dispatchMs: integer("dispatch_ms"),
    /** The Ride JSON of the contract at `version`. */
    snapshot: text("snapshot").notNull(),
  },
  (t) => [
    index("rides_by_rider").on(t.riderId, t.createdAt, t.id),
    index("rides_by_driver").on(t.driverId, t.createdAt, t.id),
    index("rides_by_status").on(t.status, t.createdAt, t.id),
    index("rides_by_created").on(t.createdAt, t.id),
    index("rides_by_payment").on(t.status, t.paymentStatus),
  ],
);

/** The ride timeline: every event once (by id), ordered by version. */
export const rideEvents = sqliteTable(
  "ride_events",
  {
    eventId: text("event_id").primaryKey(),
    rideId: text("ride_id").notNull(),
    version: integer("version").notNull(),
    type: text("type").notNull(),
    occurredAt: text("occurred_at").notNull(),
    correlationId: text("correlation_id").notNull(),
    data: text("data").notNull(),
  },
  (t) => [index("ride_events_by_ride").on(t.rideId, t.version)],
);

/** One row per driver: newest snapshot by version. */
export const drivers = sqliteTable(
  "drivers",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    status: text("status").notNull(),
    approval: text("approval").notNull(),
    product: text("product").notNull(),
    version: integer("version").notNull(),
    updatedAt: text("updated_at").notNull(),
    snapshot: text("snapshot").notNull(),
  },
  (t) => [index("drivers_by_status").on(t.status, t.approval)],
);

/**
 * The notification delivery log. The key (event, channel, recipient) is also the
 * at-most-once claim: a duplicate event finds its row already `sent`.
 */
export const notificationDeliveries = sqliteTable(
  "notification_deliveries",
  {
    eventId: text("event_id").notNull(),
    channel: text("channel").notNull(),
    recipient: text("recipient").notNull(),
    id: text("id").notNull().unique(),
    rideId: text("ride_id").notNull(),
    event: text("event").notNull(),
    locale: text("locale").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull(),
    lastError: text("last_error"),
    correlationId: text("correlation_id").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.channel, t.recipient] }), index("deliveries_by_ride").on(t.rideId, t.createdAt)],
);

/** Each captured fare, split: what the driver's earnings list shows. */
export const earnings = sqliteTable("earnings", settlementColumns(), (t) => [index("earnings_by_driver").on(t.driverId, t.createdAt, t.rideId)]);

/**
 * How to reach a user outside the app (KakaoTalk): the phone number sealed with the
 * CONTACT_KEY secret, and a masked hint. Written by the gateway (PUT /v1/me/contact).
 */
export const contacts = sqliteTable("contacts", {
  userId: text("user_id").primaryKey(),
  phoneSealed: text("phone_sealed").notNull(),
  phoneHint: text("phone_hint").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** Development only: faults injected into the notification sinks (one row). */
export const notificationFaults = sqliteTable("notification_faults", {
  id: integer("id").primaryKey(),
  fault: text("fault").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** Notifications given up on after the last attempt, or poisoned: kept for an operator. */
export const notificationDeadLetters = sqliteTable("notification_dead_letters", {
  id: text("id").primaryKey(),
  eventId: text("event_id").notNull(),
  rideId: text("ride_id").notNull(),
  body: text("body").notNull(),
  reason: text("reason").notNull(),
  receivedAt: text("received_at").notNull(),
});
