/**
 * The payment ledger (drizzle schema), in the payment worker's own D1. Every
 * provider operation once, keyed by its idempotency key: a repeated queue message
 * finds its row and reports the recorded result instead of calling the provider.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { settlementColumns, settlementColumnsById } from "./settlement-columns";

export const paymentOperations = sqliteTable(
  "payment_operations",
  {
    idempotencyKey: text("idempotency_key").primaryKey(),
    rideId: text("ride_id").notNull(),
    /** authorize | capture | void | refund | settle */
    kind: text("kind").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    /** succeeded | declined */
    outcome: text("outcome").notNull(),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    detail: text("detail"),
    correlationId: text("correlation_id").notNull(),
    createdAt: text("created_at").notNull(),
  },
  // by kind and time: the views' repair pages through the holds in the order they were placed
  (t) => [index("operations_by_ride").on(t.rideId, t.kind), index("operations_by_kind_time").on(t.kind, t.createdAt, t.rideId)],
);

/** The split of each captured (or platform-settled) fare: what the driver earned, what the platform keeps. */
export const settlements = sqliteTable("settlements", settlementColumns(), (t) => [
  index("settlements_by_driver").on(t.driverId, t.createdAt),
  // The views' repair reads every settlement in (created_at, ride_id) order.
  index("settlements_by_time").on(t.createdAt, t.rideId),
]);

/**
 * What a refund takes back from a settlement, once per refund (id = the refund's
 * idempotency key). Amounts are negative: the fare given back, split into the driver's
 * and the platform's part, so a payout nets a driver's settlements and adjustments by
 * plain addition.
 */
export const settlementAdjustments = sqliteTable("settlement_adjustments", settlementColumnsById(), (t) => [
  index("adjustments_by_ride").on(t.rideId),
  index("adjustments_by_driver").on(t.driverId, t.createdAt),
  index("adjustments_by_time").on(t.createdAt, t.id),
]);

/** Messages that failed every retry: kept for an operator, never dropped. */
export const deadLetters = sqliteTable("dead_letters", {
  id: text("id").primaryKey(),
  queue: text("queue").notNull(),
  body: text("body").notNull(),
  attempts: integer("attempts").notNull(),
  receivedAt: text("received_at").notNull(),
});
