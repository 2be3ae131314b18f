/**
 * The columns of a settled fare, shared by the ledger's `settlements` (the record, in the
 * payment worker's D1) and the views' `earnings` (projected from `PaymentCaptured`, in the
 * views D1). Two databases, one shape: a column added here reaches both migrations.
 */
import { integer, text } from "drizzle-orm/sqlite-core";

/**
 * A fresh set of column builders (each table needs its own).
 *
 * @example
 * export const earnings = sqliteTable("earnings", settlementColumns(), (t) => [index("earnings_by_driver").on(t.driverId)]);
 */
export function settlementColumns() {
  return {
    rideId: text("ride_id").primaryKey(),
    driverId: text("driver_id").notNull(),
    fare: integer("fare").notNull(),
    commission: integer("commission").notNull(),
    earning: integer("earning").notNull(),
    currency: text("currency").notNull(),
    createdAt: text("created_at").notNull(),
  };
}

/**
 * The same columns keyed by their own `id`, for tables where a ride has several rows:
 * the ledger's refund adjustments and the views' earnings (a settled fare and its refunds).
 *
 * @example
 * export const settlementAdjustments = sqliteTable("settlement_adjustments", settlementColumnsById(), (t) => [index("by_ride").on(t.rideId)]);
 */
export function settlementColumnsById() {
  return { id: text("id").primaryKey(), ...settlementColumns(), rideId: text("ride_id").notNull() };
}

/**
 * One row of a driver's earnings, as the views keep it and the ledger's earnings page
 * lists it: a settled fare (id = the ride id) or a refund's adjustment (id = the refund's
 * key; negative amounts). One shape for both ends, so the repair's copy matches the projection's.
 */
export interface EarningRow {
  id: string;
  rideId: string;
  driverId: string;
  fare: number;
  commission: number;
  earning: number;
  currency: string;
  createdAt: string;
}
