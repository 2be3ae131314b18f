/**
 * The D1 query views (drizzle schema). Written by the projection (src/views/projection.ts:
 * rides, timeline, drivers, earnings, dues), run by the views worker and, for replay,
 * repair and rebuild, by the gateway. Read by the gateway's list and ops endpoints, and by the
 * notification worker (the riders' contacts). Rebuildable by replaying the DOs' event logs.
 */
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { settlementColumnsById } from "../payments/settlement-columns";
import { deadLetterColumns } from "../notifications/schema";

/**
 * The notification worker's tables lived here until they moved to a database of their own
 * (src/notifications/schema.ts). They stay in this database, the same shape, for one release
 * (expand, then contract): nothing writes them any more, and the gateway's ten-minute cron
 * empties them (src/notifications/views-log.ts: the old log by the delivery log's retention, the
 * old dead letters moved to the notification database). A later migration drops all three, in
 * the release that deletes views-log.ts. Exported here only so that drizzle-kit keeps them in
 * the views' migrations meanwhile.
 */
export { notificationDeliveries as legacyNotificationDeliveries, notificationFaults as legacyNotificationFaults } from "../notifications/schema";

/** The old dead letters: as the notification database's, but with no replay mark (they are moved over, open). */
export const legacyNotificationDeadLetters = sqliteTable("notification_dead_letters", deadLetterColumns());

/** Payment states after which a ride does not change by itself (a refund may still come; the views' window then keeps it again). */
export const SETTLED_PAYMENTS = ["captured", "voided", "refunded", "declined"] as const;

/**
 * A ride the views' window may hand over (src/views/window.ts): completed or cancelled, with no
 * payment open or failed. `rides_settled` indexes exactly these rows and the window's query
 * repeats this text, which is what lets SQLite use a partial index: the rides that never go (a
 * failed payment an operator must still find) are then never walked past.
 */
export const SETTLED_RIDE = `status IN ('completed', 'cancelled') AND (payment_status IS NULL OR payment_status IN (${SETTLED_PAYMENTS.map((p) => `'${p}'`).join(", ")}))`;

/** A ride not ended (`rides_open` indexes exactly these rows): what the live map shows and the 5 s figures count. */
export const OPEN_RIDE = `status NOT IN ('completed', 'cancelled')`;

/**
 * A ride or rental with a refund the provider declined and not made good since (an operator's promise
 * to the rider not kept): an open payment problem. `rides_refund_declined` and
 * `rentals_refund_declined` index every row with a declined refund (a few), and the stats' queries
 * repeat its condition.
 */
export const REFUND_DECLINED = `refund_declined_version IS NOT NULL AND refund_declined_version > coalesce(refund_made_version, 0)`;

/** A ride that ended unpaid: its fare became the rider's dues (`rides_unpaid` indexes exactly these rows). */
export const UNPAID_RIDE = `status = 'completed' AND payment_status = 'failed'`;

/**
 * A decided driver off duty, approved or rejected (`drivers_off_duty` indexes exactly these rows): a change of theirs whose
 * message was lost shows nowhere else (a rejected driver approved after all, who cannot go online until the row says so).
 */
export const OFF_DUTY_DRIVER = `status = 'offline' AND approval IN ('approved', 'rejected')`;

/**
 * A ride the repair sweep watches (`rides_behind` indexes exactly these rows): not ended, or
 * cancelled with its hold not yet voided (a cancelled ride still changes then).
 */
export const WATCHED_RIDE = `(status NOT IN ('completed', 'cancelled') OR (status = 'cancelled' AND payment_status IN ('pending', 'authorized')))`;

/** A driver on duty (`drivers_on_duty` indexes exactly these rows): the repair sweep looks at them longest unseen first. */
export const ON_DUTY_DRIVER = `status IN ('available', 'offered', 'on_trip')`;

/** When the repair sweep last knew a row right: its last change or its last check, the later (an index expression: keep the text). */
export const LAST_SEEN = `max(updated_at, coalesce(checked_at, ''))`;

/**
 * A rental the repair sweep watches (`rentals_in_play` indexes exactly these rows): live, or
 * cancelled or declined at its deadline with money still in play (a hold, a charge to refund,
 * an answer awaited; not voided, declined or refunded: over).
 */
export const LIVE_RENTAL = `(status IN ('requested', 'confirmed') OR (status IN ('cancelled', 'declined') AND json_extract(snapshot, '$.payment.status') IN ('pending', 'authorized', 'captured')))`;

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
    /**
     * When the repair sweep last asked the Ride DO about this row: a ride legitimately
     * unchanged for long (a long trip) then waits its turn instead of being asked every run.
     */
    checkedAt: text("checked_at"),
    /** The version of the ride's last refund the provider declined (`RefundDeclined`); null when none was. */
    refundDeclinedVersion: integer("refund_declined_version"),
    /** The version of the ride's last refund made that left no decline open (`PaymentRefunded` without `declinedLeft`): one after the declined one settles the problem. */
    refundMadeVersion: integer("refund_made_version"),
    /**
     * A parcel's handover code sealed for this ride under CONTACT_KEY (`sealFor`), from its views messages: the sender's
     * list opens it (workers/gateway/own-lists.ts) instead of asking the ride. Never in `snapshot`, which operators read.
     */
    handoverSealed: text("handover_sealed"),
  },
  (t) => [
    index("rides_by_rider").on(t.riderId, t.createdAt, t.id),
    index("rides_by_driver").on(t.driverId, t.createdAt, t.id),
    index("rides_by_status").on(t.status, t.createdAt, t.id),
    index("rides_by_created").on(t.createdAt, t.id),
    index("rides_by_payment").on(t.status, t.paymentStatus),
    index("rides_settled").on(t.createdAt, t.id).where(sql.raw(SETTLED_RIDE)),
    // The repair sweep's riders to look at (src/views/repair-store.ts, `staleRiderIds`): rides that ended unpaid, by time.
    index("rides_unpaid").on(t.updatedAt).where(sql.raw(UNPAID_RIDE)),
    // The live map's open rides, newest first, and their counts by status (src/views/ops-map.ts, stats.ts): never the ended ones.
    index("rides_open").on(t.createdAt, t.status).where(sql.raw(OPEN_RIDE)),
    // The operators' open refund problems (src/views/stats.ts): the few rides with a declined refund, newest change first.
    index("rides_refund_declined").on(t.updatedAt).where(sql.raw("refund_declined_version IS NOT NULL")),
    // The repair sweep's rides to look at, longest unseen first (src/views/repair-store.ts, `staleRideIds`): never a sort of every open ride.
    index("rides_behind").on(sql.raw(LAST_SEEN)).where(sql.raw(WATCHED_RIDE)),
  ],
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
    /** When the repair sweep last asked the Driver DO (an idle available driver changes rarely). */
    checkedAt: text("checked_at"),
  },
  (t) => [
    index("drivers_by_status").on(t.status, t.approval),
    // The operators' approval filter alone (the console's pending drivers), in id order: without it, every driver is walked.
    index("drivers_by_approval").on(t.approval, t.id),
    // The repair sweep's few looks at approved drivers off duty, longest unseen first (`staleDriverIds`).
    index("drivers_off_duty").on(sql.raw(LAST_SEEN)).where(sql.raw(OFF_DUTY_DRIVER)),
    // ... and at the drivers on duty, longest unseen first: never a sort of every driver on duty.
    index("drivers_on_duty").on(sql.raw(LAST_SEEN)).where(sql.raw(ON_DUTY_DRIVER)),
  ],
);

/**
 * What the driver's earnings list shows: each captured (or settled) fare split, and each
 * refund as a negative row. The ledger's columns, but keyed by `id` (the ride id for a
 * capture or settlement, the refund's key for a refund): a ride can have several rows.
 */
export const earnings = sqliteTable("earnings", settlementColumnsById(), (t) => [
  index("earnings_by_driver").on(t.driverId, t.createdAt, t.id),
  index("earnings_by_ride").on(t.rideId),
  // The views' window takes the rows past its cut-off (src/views/window.ts).
  index("earnings_by_created").on(t.createdAt, t.id),
]);

/** What each rider owes (the Rider DO's account), newest snapshot by version. */
export const riderDues = sqliteTable(
  "rider_dues",
  {
    riderId: text("rider_id").primaryKey(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    version: integer("version").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** The RiderAccount JSON at `version`. */
    snapshot: text("snapshot").notNull(),
    /** When the repair sweep last asked the Rider DO (open dues change only when paid or added to). */
    checkedAt: text("checked_at"),
  },
  (t) => [
    index("rider_dues_by_amount").on(t.amount),
    // The repair sweep's open dues gone quiet, oldest look first (src/views/repair-store.ts): only the debtors, by when last seen.
    index("rider_dues_open").on(sql.raw(LAST_SEEN)).where(sql.raw("amount > 0")),
  ],
);

/**
 * ride-events messages that failed every retry (from ride-events-dlq), kept for an
 * operator and replayed by POST /v1/ops/views/replay (which sets `replayed_at`).
 */
export const viewDeadLetters = sqliteTable(
  "view_dead_letters",
  {
    id: text("id").primaryKey(),
    /** The ViewsMessage JSON. */
    body: text("body").notNull(),
    reason: text("reason").notNull(),
    attempts: integer("attempts").notNull(),
    receivedAt: text("received_at").notNull(),
    replayedAt: text("replayed_at"),
  },
  (t) => [
    index("view_dead_letters_open").on(t.replayedAt, t.id),
    // The operators' list, newest first (src/views/dead-letters.ts): never a sort of the whole table.
    index("view_dead_letters_received").on(t.receivedAt, t.id),
  ],
);

/** Development only: a fault that makes the views worker's projection fail (one row). */
export const viewFaults = sqliteTable("view_faults", {
  id: integer("id").primaryKey(),
  fault: text("fault").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** Where a repair pass stopped (the ledger's earnings cursor), so the next run goes on from there. */
export const viewCursors = sqliteTable("view_cursors", {
  name: text("name").primaryKey(),
  cursor: text("cursor"),
  updatedAt: text("updated_at").notNull(),
});

/**
 * Whether a console watches the operators' live map (rides or drivers): one row, `markers`,
 * whose `until` (unix seconds, D1's own clock) the OpsFeed object keeps ahead while one does
 * (src/views/ops-watch.ts). The views worker reads it in the batch that writes its rows and
 * tells the feed only while it is ahead.
 */
export const opsWatch = sqliteTable("ops_watch", {
  name: text("name").primaryKey(),
  until: integer("until").notNull(),
});

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

/** One row per rental: the newest snapshot by version (never with its unlock key). */
export const rentals = sqliteTable(
  "rentals",
  {
    id: text("id").primaryKey(),
    riderId: text("rider_id").notNull(),
    vehicleId: text("vehicle_id").notNull(),
    status: text("status").notNull(),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** The Rental JSON at `version`, `unlockKey` null. */
    snapshot: text("snapshot").notNull(),
    /** When the repair sweep last asked the Rental DO about this row (a confirmed rental may rightly stand still for hours). */
    checkedAt: text("checked_at"),
    /** The version of the rental's last refund the provider declined (`RefundDeclined`); null when none was (as a ride's). */
    refundDeclinedVersion: integer("refund_declined_version"),
    /** The version of the rental's last refund made (`PaymentRefunded`); null when none was. */
    refundMadeVersion: integer("refund_made_version"),
  },
  (t) => [
    index("rentals_by_rider").on(t.riderId, t.createdAt, t.id),
    index("rentals_by_status").on(t.status, t.createdAt, t.id),
    index("rentals_by_created").on(t.createdAt, t.id),
    // The repair sweep's rentals (workers/gateway/rental-repair.ts): the few still live, by when last seen, never the history.
    index("rentals_in_play").on(sql.raw(LAST_SEEN)).where(sql.raw(LIVE_RENTAL)),
    // The operators' open refund problems of rentals (src/views/stats.ts), as the rides'.
    index("rentals_refund_declined").on(t.updatedAt).where(sql.raw("refund_declined_version IS NOT NULL")),
  ],
);

/** One row per rental vehicle: newest snapshot by version, with its position for the nearby search. */
export const rentalVehicles = sqliteTable(
  "rental_vehicles",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    status: text("status").notNull(),
    lat: real("lat").notNull(),
    lng: real("lng").notNull(),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** The Vehicle JSON at `version`. */
    snapshot: text("snapshot").notNull(),
    /** When the repair sweep last asked the RentalVehicle DO about this row. */
    checkedAt: text("checked_at"),
  },
  (t) => [index("rental_vehicles_by_place").on(t.status, t.lat, t.lng), index("rental_vehicles_by_created").on(t.createdAt, t.id)],
);
