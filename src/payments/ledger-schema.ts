/**
 * The payment ledger (drizzle schema), in the payment worker's own D1. Every
 * provider operation once, keyed by its idempotency key: a repeated queue message
 * finds its row and reports the recorded result instead of calling the provider.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { settlementColumns } from "./settlement-columns";

export const paymentOperations = sqliteTable(
  "payment_operations",
  {
    idempotencyKey: text("idempotency_key").primaryKey(),
    rideId: text("ride_id").notNull(),
    /** authorize | capture | void | refund */
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
  (t) => [index("operations_by_ride").on(t.rideId, t.kind)],
);

/** The split of each captured fare: what the driver earned, what the platform keeps. */
export const settlements = sqliteTable("settlements", settlementColumns(), (t) => [index("settlements_by_driver").on(t.driverId, t.createdAt)]);

/** Messages that failed every retry: kept for an operator, never dropped. */
export const deadLetters = sqliteTable("dead_letters", {
  id: text("id").primaryKey(),
  queue: text("queue").notNull(),
  body: text("body").notNull(),
  attempts: integer("attempts").notNull(),
  receivedAt: text("received_at").notNull(),
});
