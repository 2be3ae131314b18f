/**
 * The delivery log in D1, which is also the at-most-once claim: a row per
 * (event, channel, recipient). A duplicate event finds its row `sent` and stops.
 * A consumer run claims all its deliveries in one D1 batch and records how they went in
 * another (`claimAll`, `recordAll`): two round trips a run instead of two a delivery,
 * since the views database runs one query at a time (the capacity model in BENCHMARKS.md).
 */
import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { notificationDeliveries } from "../../src/views/schema";

export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
export type DeliveryKey = { eventId: string; channel: string; recipient: string };
export type DeliveryClaim = Omit<DeliveryRow, "status" | "attempts" | "lastError" | "createdAt" | "updatedAt">;
/** How one delivery went: sent, or failed (for good when `final`). */
export type DeliveryOutcome = { key: DeliveryKey } & ({ sent: true } | { sent: false; error: string; final: boolean });

/** The key of a delivery as one string (a map key). */
export const keyOf = (k: DeliveryKey): string => JSON.stringify([k.eventId, k.channel, k.recipient]);

/** @example const log = new DeliveryLog(env.VIEWS_DB); */
export class DeliveryLog {
  private readonly db;
  constructor(d1: D1Database) {
    this.db = drizzle(d1);
  }

  private where(key: DeliveryKey) {
    return and(
      eq(notificationDeliveries.eventId, key.eventId),
      eq(notificationDeliveries.channel, key.channel),
      eq(notificationDeliveries.recipient, key.recipient),
    );
  }

  /** Creates the rows that are new (status `retrying`, 0 attempts) and answers every row as stored, by `keyOf`; one batch. */
  async claimAll(rows: readonly DeliveryClaim[]): Promise<Map<string, DeliveryRow>> {
    const stored = new Map<string, DeliveryRow>();
    if (rows.length === 0) return stored;
    const now = new Date().toISOString();
    const inserts = rows.map((row) =>
      this.db
        .insert(notificationDeliveries)
        .values({ ...row, status: "retrying", attempts: 0, lastError: null, createdAt: now, updatedAt: now })
        .onConflictDoNothing(),
    );
    const reads = rows.map((row) => this.db.select().from(notificationDeliveries).where(this.where(row)).limit(1));
    const [first, ...rest] = [...inserts, ...reads];
    const results = await this.db.batch([first!, ...rest]);
    for (const found of results.slice(inserts.length) as DeliveryRow[][]) if (found[0]) stored.set(keyOf(found[0]), found[0]);
    for (const row of rows) if (!stored.has(keyOf(row))) throw new Error("delivery claim lost");
    return stored;
  }

  /** Records how each delivery went (one more attempt each); one batch. */
  async recordAll(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    const updatedAt = new Date().toISOString();
    const updates = outcomes.map((o) =>
      this.db
        .update(notificationDeliveries)
        .set(
          o.sent
            ? { status: "sent", attempts: sql`${notificationDeliveries.attempts} + 1`, lastError: null, updatedAt }
            : { status: o.final ? "failed" : "retrying", attempts: sql`${notificationDeliveries.attempts} + 1`, lastError: o.error.slice(0, 500), updatedAt },
        )
        .where(this.where(o.key)),
    );
    const [first, ...rest] = updates;
    if (first) await this.db.batch([first, ...rest]);
  }
}
