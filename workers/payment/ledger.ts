/**
 * The ledger in the payment worker's own D1: every provider operation once, by
 * idempotency key (the primary key), so a repeated message never records twice.
 */
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { PaymentCommandMessage } from "../../src/domain/events";
import { paymentOperations } from "../../src/payments/ledger-schema";
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

  async forRide(rideId: string): Promise<LedgerEntry[]> {
    return this.db.select().from(paymentOperations).where(eq(paymentOperations.rideId, rideId));
  }
}
