/**
 * The ledger in the payment worker's own D1: every provider operation once, by
 * idempotency key (the primary key), so a repeated message never records twice.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { PaymentCommandMessage } from "../../src/domain/events";
import { deadLetters, paymentOperations, settlements } from "../../src/payments/ledger-schema";
import type { Settlement } from "../../src/domain/events";
import type { Money } from "../../src/domain/types";
import type { ProviderOutcome } from "./provider";

export type LedgerEntry = typeof paymentOperations.$inferSelect;

/**
 * @example
 * const ledger = new Ledger(env.LEDGER_DB);
 * const done = await ledger.find("rd_123:authorize");
 */
export class Ledger {
  private readonly db;
  constructor(d1: D1Database) {
    this.db = drizzle(d1);
  }

  async find(idempotencyKey: string): Promise<LedgerEntry | null> {
    const rows = await this.db.select().from(paymentOperations).where(eq(paymentOperations.idempotencyKey, idempotencyKey)).limit(1);
    return rows[0] ?? null;
  }

  /** The ride's successful hold, which captures and voids act on. */
  async hold(rideId: string): Promise<LedgerEntry | null> {
    const rows = await this.db
      .select()
      .from(paymentOperations)
      .where(and(eq(paymentOperations.rideId, rideId), eq(paymentOperations.kind, "authorize"), eq(paymentOperations.outcome, "succeeded")))
      .limit(1);
    return rows[0] ?? null;
  }

  /** Records an operation; a second record of the same key is ignored and the first is returned. */
  async record(command: PaymentCommandMessage, outcome: ProviderOutcome, provider: string): Promise<LedgerEntry> {
    await this.db
      .insert(paymentOperations)
      .values({
        idempotencyKey: command.idempotencyKey,
        rideId: command.rideId,
        kind: command.action,
        amount: command.amount.amount,
        currency: command.amount.currency,
        outcome: outcome.outcome,
        provider,
        providerRef: outcome.ref,
        detail: outcome.outcome === "declined" ? outcome.detail : null,
        correlationId: command.correlationId,
        createdAt: new Date().toISOString(),
      })
      .onConflictDoNothing();
    const entry = await this.find(command.idempotencyKey);
    if (!entry) throw new Error(`ledger lost ${command.idempotencyKey}`);
    return entry;
  }

  /** Records the split of a captured fare once; a repeat returns the first record. */
  async settle(input: { rideId: string; driverId: string; fare: Money; commission: Money; earning: Money }): Promise<Settlement> {
    await this.db
      .insert(settlements)
      .values({
        rideId: input.rideId,
        driverId: input.driverId,
        fare: input.fare.amount,
        commission: input.commission.amount,
        earning: input.earning.amount,
        currency: input.fare.currency,
        createdAt: new Date().toISOString(),
      })
      .onConflictDoNothing();
    const row = (await this.db.select().from(settlements).where(eq(settlements.rideId, input.rideId)).limit(1))[0];
    if (!row) throw new Error(`settlement lost for ${input.rideId}`);
    const krw = (amount: number) => ({ amount, currency: row.currency as Money["currency"] });
    return { driverId: row.driverId, fare: krw(row.fare), commission: krw(row.commission), earning: krw(row.earning) };
  }

  /** Keeps a message that failed every retry. */
  async deadLetter(input: { id: string; queue: string; body: unknown; attempts: number }): Promise<void> {
    await this.db
      .insert(deadLetters)
      .values({ id: input.id, queue: input.queue, body: JSON.stringify(input.body), attempts: input.attempts, receivedAt: new Date().toISOString() })
      .onConflictDoNothing();
  }

  async deadLetterCount(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)` }).from(deadLetters);
    return row?.n ?? 0;
  }

  /** Holds that were authorised and never captured nor voided. */
  async openHolds(limit = 500): Promise<LedgerEntry[]> {
    // In SQL, on the (ride_id, kind) index: the ledger only grows, so it is never read whole.
    return this.db
      .select()
      .from(paymentOperations)
      .where(
        and(
          eq(paymentOperations.kind, "authorize"),
          eq(paymentOperations.outcome, "succeeded"),
          sql`NOT EXISTS (SELECT 1 FROM payment_operations c WHERE c.ride_id = ${paymentOperations.rideId}
                AND c.kind IN ('capture', 'void') AND c.outcome = 'succeeded')`,
        ),
      )
      .orderBy(desc(paymentOperations.createdAt))
      .limit(limit);
  }

  /** Successful captures, newest first. */
  async captures(limit = 500): Promise<LedgerEntry[]> {
    return this.db
      .select()
      .from(paymentOperations)
      .where(and(eq(paymentOperations.kind, "capture"), eq(paymentOperations.outcome, "succeeded")))
      .orderBy(desc(paymentOperations.createdAt))
      .limit(limit);
  }

  async forRide(rideId: string): Promise<LedgerEntry[]> {
    return this.db.select().from(paymentOperations).where(eq(paymentOperations.rideId, rideId));
  }
}
