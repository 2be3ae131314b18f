/**
 * The operators' figures (GET /v1/ops/stats, and the live feed's `stats` frames every
 * 5 s): one builder, so the page and the socket can never disagree.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { databaseSize } from "./database-size";
import { countOpenDeadLetters } from "./dead-letters";
import { countOpenNotificationDeadLetters } from "../notifications/dead-letters";
import { OPEN_RIDE, REFUND_DECLINED, riderDues, rides } from "./schema";
import { within } from "../lib/timeout";

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/** The two databases the figures read: the views and the notification database. */
export type StatsDatabases = { VIEWS_DB: D1Database; NOTIFICATIONS_DB: D1Database };

/**
 * The notification database's two figures, or why they are missing: the delivery log's
 * database going down must not take the operators' whole page with it (the views' figures
 * are what an operator needs most when something is down). Never rejects.
 */
async function notificationFigures(notifications: D1Database) {
  try {
    const [letters, size] = await Promise.all([countOpenNotificationDeadLetters(notifications), databaseSize(notifications)]);
    return { deadLetters: letters, size, error: null };
  } catch (error) {
    return { deadLetters: null, size: null, error: String(error) };
  }
}

/**
 * Counts by status, dispatch-time percentiles over the last 1,000 assignments, open
 * payment problems (a capture refused for good, a refund declined; the newest 100; and the rentals' declined refunds), what riders owe, the views' and notifications' dead letters, and how
 * full the views and the notification databases are. Should the notification database not
 * answer, its two figures are null and `errors.notifications` says why; the views' figures
 * still fail the answer (they are the page).
 */
export async function rideStats({ VIEWS_DB: db, NOTIFICATIONS_DB: notifications }: StatsDatabases, ended: () => Promise<RideCounts> = () => countEnded(db)) {
  // Asked at once beside the views' queries: another database, no reason to wait.
  const notificationsAsked = notificationFigures(notifications);
  const d = drizzle(db);
  const counts = [...(await countOpen(db)), ...(await ended())];
  const recent = await d
    .select({ ms: rides.dispatchMs })
    .from(rides)
    .where(sql`${rides.dispatchMs} IS NOT NULL`)
    .orderBy(desc(rides.createdAt))
    .limit(1000);
  const sorted = recent.map((r) => r.ms ?? 0).sort((a, b) => a - b);
  const problems = await openPaymentProblems(db);
  const [dues] = await d
    .select({
      amount: sql<number>`coalesce(sum(${riderDues.amount}), 0)`,
      riders: sql<number>`count(*)`,
      currency: sql<string | null>`max(${riderDues.currency})`,
    })
    .from(riderDues)
    .where(sql`${riderDues.amount} > 0`);
  const notificationsAnswered = await notificationsAsked;
  return {
    ridesByStatus: Object.fromEntries(counts.map((c) => [c.status, c.n])),
    dispatchTimeMs: { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) },
    openPaymentProblems: problems,
    openRentalProblems: await openRentalProblems(db),
    openDues: { amount: dues?.amount ?? 0, currency: dues?.currency ?? "KRW", riders: dues?.riders ?? 0 },
    deadLetters: { views: await countOpenDeadLetters(db), notifications: notificationsAnswered.deadLetters },
    storage: { views: await databaseSize(db), notifications: notificationsAnswered.size },
    errors: notificationsAnswered.error === null ? {} : { notifications: notificationsAnswered.error },
  };
}

/**
 * The rides (or rentals) whose refund the provider declined, not made good since, newest change first:
 * by the partial index `rides_refund_declined` (`rentals_refund_declined`; its condition
 * repeated), never a walk of every row.
 */
const refundProblems = (table: "rides" | "rentals") => `SELECT id, updated_at FROM ${table} INDEXED BY ${table}_refund_declined
  WHERE ${REFUND_DECLINED} ORDER BY updated_at DESC LIMIT 100`;
export const REFUND_PROBLEMS = refundProblems("rides");
export const RENTAL_REFUND_PROBLEMS = refundProblems("rentals");

/** A rental's open payment problem: a refund the provider declined, none made since. */
export type RentalPaymentProblem = { rentalId: string; since: string; problem: "refund_declined" };

/**
 * The rentals whose refund was declined, none made since, newest first, at most 100: each waits for
 * an operator's `POST /v1/ops/rentals/{id}/refund`.
 *
 * @example
 * const problems = await openRentalProblems(env.VIEWS_DB); // [{ rentalId: "rn_1", since, problem: "refund_declined" }]
 */
export async function openRentalProblems(db: D1Database): Promise<RentalPaymentProblem[]> {
  const rows = (await db.prepare(RENTAL_REFUND_PROBLEMS).all<{ id: string; updated_at: string }>()).results;
  return rows.map((r) => ({ rentalId: r.id, since: r.updated_at, problem: "refund_declined" as const }));
}

/** An open payment problem: a capture refused for good, or a refund the provider declined (not made good since). */
export type PaymentProblem = { rideId: string; since: string; problem: "capture_failed" | "refund_declined" };

/**
 * The open payment problems, newest first, at most 100: the rides waiting for an operator's retry of
 * their capture, and those whose refund was declined.
 *
 * @example
 * const problems = await openPaymentProblems(env.VIEWS_DB); // [{ rideId: "rd_1", since, problem: "refund_declined" }]
 */
export async function openPaymentProblems(db: D1Database): Promise<PaymentProblem[]> {
  const d = drizzle(db);
  const captures = await d
    .select({ id: rides.id, updatedAt: rides.updatedAt })
    .from(rides)
    .where(and(eq(rides.status, "payment_pending"), eq(rides.paymentStatus, "failed")))
    .orderBy(desc(rides.updatedAt))
    .limit(100);
  const refunds = (await db.prepare(REFUND_PROBLEMS).all<{ id: string; updated_at: string }>()).results;
  return [
    ...captures.map((p) => ({ rideId: p.id, since: p.updatedAt, problem: "capture_failed" as const })),
    ...refunds.map((p) => ({ rideId: p.id, since: p.updated_at, problem: "refund_declined" as const })),
  ]
    .sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : 0))
    .slice(0, 100);
}

/** Rides counted by status. */
export type RideCounts = { status: string; n: number }[];

/** `countOpen`'s query: by `rides_open` alone (literal OPEN_RIDE, its text), so the count follows the rides under way, never all kept. */
export const OPEN_COUNTS = `SELECT status, count(*) AS n FROM rides INDEXED BY rides_open WHERE ${OPEN_RIDE} GROUP BY status`;

/** The rides not ended, by status. */
export async function countOpen(db: D1Database): Promise<RideCounts> {
  return (await db.prepare(OPEN_COUNTS).all<{ status: string; n: number }>()).results;
}

/**
 * The rides ended (completed, cancelled), by status: a walk of every one the views keep, so the
 * live feed asks it once in ENDED_COUNTS_EVERY_MS, not in every 5 s frame.
 *
 * @example
 * const ended = await countEnded(env.VIEWS_DB); // [{ status: "completed", n: 120394 }, …]
 */
export async function countEnded(db: D1Database): Promise<RideCounts> {
  const query = "SELECT status, count(*) AS n FROM rides WHERE status IN ('completed', 'cancelled') GROUP BY status";
  return (await db.prepare(query).all<{ status: string; n: number }>()).results;
}

/** How long the live feed's stats frames reuse the ended rides' counts (`countEnded`). */
export const ENDED_COUNTS_EVERY_MS = 10 * 60_000;

/** The body of GET /v1/ops/stats. */
export type OpsStats = Awaited<ReturnType<typeof rideStats>> & { payments: unknown };

/**
 * How long the stats wait for the payment worker's health: a payment worker that hangs (its
 * ledger database stuck) must not hold the operators' stats, nor the Health page's frame every
 * 5 s, which are most wanted just then.
 */
export const PAYMENTS_HEALTH_MS = 3_000;

/**
 * The whole GET /v1/ops/stats body: the views' figures and the payment worker's health
 * (`paymentsHealth`, its service binding's `health()`, waited for at most `PAYMENTS_HEALTH_MS`).
 * The payment side is reported as an error rather than failing or holding the whole answer. `ended`: the ended rides' counts (default:
 * read now; the live feed passes ones it read at most ENDED_COUNTS_EVERY_MS ago).
 *
 * @example
 * const stats = await opsStats(env, () => paymentService(env).health());
 */
export async function opsStats(databases: StatsDatabases, paymentsHealth: () => Promise<unknown>, ended?: () => Promise<RideCounts>): Promise<OpsStats> {
  const payments = await within(PAYMENTS_HEALTH_MS, paymentsHealth(), "payment worker health").catch((error: unknown) => ({ error: String(error) }));
  return { ...(await rideStats(databases, ended)), payments };
}
