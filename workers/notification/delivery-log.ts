/**
 * The delivery log in D1, which is also the at-most-once claim: a row per
 * (event, channel, recipient). A duplicate event finds its row `sent` and stops.
 */
import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { notificationDeliveries } from "../../src/views/schema";

export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
export type DeliveryKey = { eventId: string; channel: string; recipient: string };

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

  /** Creates the row if new (status `retrying`, 0 attempts) and returns it as stored. */
  async claim(row: Omit<DeliveryRow, "status" | "attempts" | "lastError" | "createdAt" | "updatedAt">): Promise<DeliveryRow> {
    const now = new Date().toISOString();
    await this.db
      .insert(notificationDeliveries)
      .values({ ...row, status: "retrying", attempts: 0, lastError: null, createdAt: now, updatedAt: now })
      .onConflictDoNothing();
    const stored = await this.db.select().from(notificationDeliveries).where(this.where(row)).limit(1);
    if (!stored[0]) throw new Error("delivery claim lost");
    return stored[0];
  }

  async markSent(key: DeliveryKey): Promise<void> {
    await this.db
      .update(notificationDeliveries)
      .set({ status: "sent", attempts: sql`${notificationDeliveries.attempts} + 1`, lastError: null, updatedAt: new Date().toISOString() })
      .where(this.where(key));
  }

  async markFailedAttempt(key: DeliveryKey, error: string, final: boolean): Promise<void> {
    await this.db
      .update(notificationDeliveries)
      .set({
        status: final ? "failed" : "retrying",
        attempts: sql`${notificationDeliveries.attempts} + 1`,
        lastError: error.slice(0, 500),
        updatedAt: new Date().toISOString(),
      })
      .where(this.where(key));
  }
}
