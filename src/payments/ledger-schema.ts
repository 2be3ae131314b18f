/**
 * The payment ledger (drizzle schema), in the payment worker's own D1. Every
 * provider operation once, keyed by its idempotency key: a repeated queue message
 * finds its row and reports the recorded result instead of calling the provider.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
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

/**
 * A payout run: one per cut-off time (id derived from it), so running the same cut-off
 * again finds its run and its payouts instead of paying again.
 */
export const payoutRuns = sqliteTable("payout_runs", {
  id: text("id").primaryKey(),
  cutoff: text("cutoff").notNull(),
  createdAt: text("created_at").notNull(),
});

/**
 * What was paid (or tried) to one driver in one run: id = provider idempotency key,
 * derived from the cut-off and the driver. `pending` is claimed and not yet answered;
 * `failed` with `retryable` = 1 is unknown (the provider could not answer) and is sent
 * again under the same key by the next run; `failed` with `retryable` = 0 was refused
 * for good, and its amount is owed again.
 */
export const payouts = sqliteTable(
  "payouts",
  {
    id: text("id").primaryKey(),
    runId: text("run_id").notNull(),
    driverId: text("driver_id").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    cutoff: text("cutoff").notNull(),
    /** pending | succeeded | failed */
    status: text("status").notNull(),
    retryable: integer("retryable").notNull().default(0),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    detail: text("detail"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** 1 once its final state (succeeded, or refused for good) is summed in `driver_payouts`. */
    folded: integer("folded").notNull().default(0),
    /**
     * When its driver was sent the news of its final state (workers/gateway/payout-notices.ts);
     * null until then. Payouts answered before drivers were told of payouts were marked by the
     * migration that added it, so no driver hears of an old one.
     */
    toldAt: text("told_at"),
    /**
     * The connected account the payout was first sent to, pinned by its first send
     * (workers/payment/payouts.ts): a send again under the same key goes there too, even if
     * an operator changed the driver's account meanwhile (Stripe refuses a key reused with
     * other parameters, and the outcome of the first would stay unknown). Null until sent.
     */
    destination: text("destination"),
    /**
     * 1 once a request may have reached the provider under its key (set with the pinned
     * destination, as the breaker lets the request out); 0 while none has, or after a lookup
     * found the forgotten key made no payout. A payout at 0 is re-sized to the driver's
     * balance before it goes out (workers/payment/payout-resize.ts): a refund since the
     * claim does not pay out money the driver no longer has. Rows from before the column
     * read 1: their amount is kept, as any payout the provider may have seen.
     */
    requested: integer("requested").notNull().default(1),
  },
  (t) => [
    // The untold ones alone (a few at any time, among every payout ever made), oldest answer first.
    index("payouts_untold")
      .on(t.updatedAt, t.id)
      .where(sql`${t.toldAt} IS NULL`),
    index("payouts_by_driver").on(t.driverId, t.createdAt, t.id),
    index("payouts_by_time").on(t.createdAt, t.id),
    index("payouts_by_status").on(t.status, t.retryable),
    // A run reads the payouts not folded yet, and those of its cut-off.
    index("payouts_unfolded").on(t.folded, t.driverId),
    index("payouts_by_cutoff").on(t.cutoff, t.folded, t.driverId),
  ],
);

/**
 * Each driver's payouts in a final state, summed (workers/payment/payout-totals.ts): what
 * they took (succeeded) and how many payouts (every final one), so that a run does not group
 * every payout ever made.
 */
export const driverPayouts = sqliteTable("driver_payouts", {
  driverId: text("driver_id").primaryKey(),
  taken: integer("taken").notNull(),
  payouts: integer("payouts").notNull(),
});

/** The connected account a driver's payouts go to (Stripe: `acct_…`), set by an operator. */
export const payoutAccounts = sqliteTable("payout_accounts", {
  driverId: text("driver_id").primaryKey(),
  accountId: text("account_id").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * The point up to which every driver's earnings are summed in `driver_earnings`: a payout
 * run sums only the settlements and adjustments recorded after it, not all history (one
 * row, id 1). It trails the clock by a margin (workers/payment/earnings-checkpoint.ts),
 * so no settlement can still commit with a time at or before it.
 */
export const earningsCheckpoint = sqliteTable("earnings_checkpoint", {
  id: integer("id").primaryKey(),
  through: text("through").notNull(),
});

/** Each driver's earnings (settlements and adjustments) recorded at or before the checkpoint's `through`. */
export const driverEarnings = sqliteTable("driver_earnings", {
  driverId: text("driver_id").primaryKey(),
  earned: integer("earned").notNull(),
});

/**
 * What the ledger let go (workers/payment/ledger-window.ts) still counts for the commission report:
 * the settlements and adjustments of the rides handed to their Ride DOs, summed by the hour they
 * were made in and by whether the ride's fare was captured.
 */
export const ledgerHours = sqliteTable(
  "ledger_hours",
  {
    hour: text("hour").notNull(),
    captured: integer("captured").notNull(),
    fares: integer("fares").notNull(),
    commission: integer("commission").notNull(),
    earnings: integer("earnings").notNull(),
    rides: integer("rides").notNull(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.captured] })],
);

/**
 * Rides pinned by a refund (and their rows put back if the window had let them go): the window
 * lets a ride go only once its pin is older than its cut-off, so a refund on its way never
 * finds its capture gone. Deleted with the ride's rows.
 */
export const ledgerRestores = sqliteTable("ledger_restores", {
  rideId: text("ride_id").primaryKey(),
  restoredAt: text("restored_at").notNull(),
});

/**
 * Rides the window's walk met too early (a hold still open, a row after the cut-off, a pin, a
 * Ride DO that did not keep them): judged again after `retry_after`, each time later (10 minutes,
 * doubled each try, at most a day), so the walk itself never waits and never skips a ride for good.
 */
export const ledgerDeferred = sqliteTable(
  "ledger_deferred",
  {
    rideId: text("ride_id").primaryKey(),
    retryAfter: text("retry_after").notNull(),
    tries: integer("tries").notNull().default(0),
  },
  (t) => [index("ledger_deferred_due").on(t.retryAfter)],
);

/**
 * How far the window's walk through the holds went (one row, id 1): the next run reads after it.
 * `let_go_before`: every row let go was made before it, so a payout run of an earlier cut-off,
 * which would take back from the drivers' sums what the ledger no longer holds, is refused.
 */
export const ledgerWindow = sqliteTable("ledger_window", {
  id: integer("id").primaryKey(),
  afterCreatedAt: text("after_created_at").notNull(),
  afterRideId: text("after_ride_id").notNull(),
  letGoBefore: text("let_go_before").notNull().default(""),
});

/** The rides one let-go deletes, listed and emptied inside its batch (a transaction). */
export const ledgerLettingGo = sqliteTable("ledger_letting_go", {
  rideId: text("ride_id").primaryKey(),
});

/**
 * How far reconciliation's walk through the older holds went (one row, id 1): the next run
 * reads the page of holds made before it. The newest open holds fill a run's first page at
 * any volume (every live ride has one); the walk reaches the older ones too, a bounded page a
 * run, and starts again from the newest when it reaches the end.
 */
export const reconcileWalk = sqliteTable("reconcile_walk", {
  id: integer("id").primaryKey(),
  beforeCreatedAt: text("before_created_at").notNull(),
  beforeRideId: text("before_ride_id").notNull(),
  /** Since when (ms) the walk has stayed on this page, one of its holds failing (src/payments/walk-stuck.ts); null: it is not stuck. */
  stuckSince: integer("stuck_since"),
});

/**
 * Where reconciliation's walk over the provider's open holds stands (one row, id 1; see
 * src/payments/provider-walk.ts): the next window of creation time it reads ends at
 * `before_s` (Unix seconds) and spans `span_s`. No row: the walk starts from the newest.
 */
export const providerHoldWalk = sqliteTable("provider_hold_walk", {
  id: integer("id").primaryKey(),
  beforeS: integer("before_s").notNull(),
  spanS: integer("span_s").notNull(),
  /** Since when (ms) the walk has stayed on this window, one of its holds failing (src/payments/walk-stuck.ts); null: it is not stuck. */
  stuckSince: integer("stuck_since"),
});
