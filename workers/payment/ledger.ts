/**
 * The ledger in the payment worker's own D1: every provider operation once, by
 * idempotency key (the primary key), so a repeated message never records twice.
 */
import { and, desc, eq, gte, lt, lte, ne, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { PaymentAction, Settlement } from "../../src/domain/events";
import type { Money } from "../../src/domain/types";
import { DUES_PREFIX } from "../../src/payments/dues";
import { deadLetters, paymentOperations, settlementAdjustments, settlements } from "../../src/payments/ledger-schema";
import type { ProviderHoldWalk } from "../../src/payments/provider-walk";
import {
  holdStillOpen,
  keepHoldWalk,
  keepProviderWalk,
  NEWEST_HOLDS_MS,
  providerWalk,
  walkOlderHolds,
  type HoldWalkCursor,
  type HoldWalkPage,
} from "./hold-walk";
import { PIN } from "./ledger-window";

export type LedgerEntry = typeof paymentOperations.$inferSelect;

/** One operation as the ledger records it (a payment command carries all of it). */
export interface LedgerOperation {
  action: PaymentAction;
  rideId: string;
  amount: Money;
  idempotencyKey: string;
  correlationId: string;
}

/** What came of an operation: a provider's answer, or the platform's own (ref null). */
export interface LedgerOutcome {
  outcome: "succeeded" | "declined";
  ref: string | null;
  detail?: string | null;
}

/** Rows of the ledger that are a rider's dues, not a ride (see src/payments/dues.ts). */
const notDues = sql`${paymentOperations.rideId} NOT LIKE ${`${DUES_PREFIX}%`}`;

function asSettlement(row: { driverId: string; fare: number; commission: number; earning: number; currency: string }): Settlement {
  const money = (amount: number) => ({ amount, currency: row.currency as Money["currency"] });
  return { driverId: row.driverId, fare: money(row.fare), commission: money(row.commission), earning: money(row.earning) };
}

/**
 * @example
 * const ledger = new Ledger(env.LEDGER_DB);
 * const done = await ledger.find("rd_123:authorize");
 */
export class Ledger {
  private readonly db;
  constructor(private readonly d1: D1Database) {
    this.db = drizzle(d1);
  }

  // The reads by key, each run alone or after its insert in one batch (`record`, `settle`, `adjust`).
  private operationByKey(idempotencyKey: string) {
    return this.db.select().from(paymentOperations).where(eq(paymentOperations.idempotencyKey, idempotencyKey)).limit(1);
  }
  private settlementByRide(rideId: string) {
    return this.db.select().from(settlements).where(eq(settlements.rideId, rideId)).limit(1);
  }
  private adjustmentById(id: string) {
    return this.db.select().from(settlementAdjustments).where(eq(settlementAdjustments.id, id)).limit(1);
  }

  async find(idempotencyKey: string): Promise<LedgerEntry | null> {
    const [row] = await this.operationByKey(idempotencyKey);
    return row ?? null;
  }

  /**
   * Whether the ledger holds any operation of the ride. None: its rows were let go by the
   * ledger's window (workers/payment/ledger-window.ts), or it never had any.
   */
  async knows(rideId: string): Promise<boolean> {
    const [row] = await this.db.select({ key: paymentOperations.idempotencyKey }).from(paymentOperations).where(eq(paymentOperations.rideId, rideId)).limit(1);
    return row !== undefined;
  }

  /** Pins the ride as an operator's refund does (ledger-window.ts `PIN`). */
  async pin(rideId: string): Promise<void> {
    await this.d1.prepare(PIN).bind(rideId, new Date().toISOString()).run();
  }

  /** The ride's successful hold, which captures and voids act on. */
  async hold(rideId: string): Promise<LedgerEntry | null> {
    return this.succeeded(rideId, "authorize");
  }

  /** The ride's successful capture, which refunds give back from. */
  async capture(rideId: string): Promise<LedgerEntry | null> {
    return this.succeeded(rideId, "capture");
  }

  /** A successful void of the hold `holdRef` of the ride, under any key (a reconciliation's included). */
  async voidOf(rideId: string, holdRef: string): Promise<LedgerEntry | null> {
    const rows = await this.db
      .select()
      .from(paymentOperations)
      .where(
        and(
          eq(paymentOperations.rideId, rideId),
          eq(paymentOperations.kind, "void"),
          eq(paymentOperations.outcome, "succeeded"),
          eq(paymentOperations.providerRef, holdRef),
        ),
      )
      .limit(1);
    return rows[0] ?? null;
  }

  private async succeeded(rideId: string, kind: PaymentAction): Promise<LedgerEntry | null> {
    const rows = await this.db
      .select()
      .from(paymentOperations)
      .where(and(eq(paymentOperations.rideId, rideId), eq(paymentOperations.kind, kind), eq(paymentOperations.outcome, "succeeded")))
      .limit(1);
    return rows[0] ?? null;
  }

  /** The sum of the ride's successful refunds (whole won). */
  async refunded(rideId: string): Promise<number> {
    const [row] = await this.db
      .select({ total: sql<number>`coalesce(sum(${paymentOperations.amount}), 0)` })
      .from(paymentOperations)
      .where(and(eq(paymentOperations.rideId, rideId), eq(paymentOperations.kind, "refund"), eq(paymentOperations.outcome, "succeeded")));
    return Number(row?.total ?? 0);
  }

  /** Records an operation; a second record of the same key is ignored and the first is returned. One round trip (a D1 batch: the insert, then the read). */
  async record(operation: LedgerOperation, outcome: LedgerOutcome, provider: string): Promise<LedgerEntry> {
    const insert = this.db
      .insert(paymentOperations)
      .values({
        idempotencyKey: operation.idempotencyKey,
        rideId: operation.rideId,
        kind: operation.action,
        amount: operation.amount.amount,
        currency: operation.amount.currency,
        outcome: outcome.outcome,
        provider,
        providerRef: outcome.ref,
        detail: outcome.detail ?? null,
        correlationId: operation.correlationId,
        createdAt: new Date().toISOString(),
      })
      .onConflictDoNothing();
    const [, [entry]] = await this.db.batch([insert, this.operationByKey(operation.idempotencyKey)]);
    if (!entry) throw new Error(`ledger lost ${operation.idempotencyKey}`);
    return entry;
  }

  /** Records the split of a captured (or platform-settled) fare once; a repeat returns the first record. One round trip. */
  async settle(input: { rideId: string; driverId: string; fare: Money; commission: Money; earning: Money }): Promise<Settlement> {
    const insert = this.db
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
    const [, [row]] = await this.db.batch([insert, this.settlementByRide(input.rideId)]);
    if (!row) throw new Error(`settlement lost for ${input.rideId}`);
    return asSettlement(row);
  }

  /** The ride's settlement row, if it was settled. */
  async settlementOf(rideId: string): Promise<typeof settlements.$inferSelect | null> {
    const [row] = await this.settlementByRide(rideId);
    return row ?? null;
  }

  /** A refund's recorded adjustment (id = the refund's idempotency key). */
  async adjustment(id: string): Promise<Settlement | null> {
    const [row] = await this.adjustmentById(id);
    return row ? asSettlement(row) : null;
  }

  /** What the ride's other adjustments already gave back, as positive whole won. */
  async adjustedBefore(rideId: string, exceptId: string): Promise<{ refunded: number; earning: number }> {
    const [row] = await this.db
      .select({
        fare: sql<number>`coalesce(sum(${settlementAdjustments.fare}), 0)`,
        earning: sql<number>`coalesce(sum(${settlementAdjustments.earning}), 0)`,
      })
      .from(settlementAdjustments)
      .where(and(eq(settlementAdjustments.rideId, rideId), ne(settlementAdjustments.id, exceptId)));
    return { refunded: -Number(row?.fare ?? 0), earning: -Number(row?.earning ?? 0) };
  }

  /** Records a refund's adjustment once; a repeat returns the first record. One round trip. */
  async adjust(input: { id: string; rideId: string; adjustment: Settlement }): Promise<Settlement> {
    const { adjustment } = input;
    const insert = this.db
      .insert(settlementAdjustments)
      .values({
        id: input.id,
        rideId: input.rideId,
        driverId: adjustment.driverId,
        fare: adjustment.fare.amount,
        commission: adjustment.commission.amount,
        earning: adjustment.earning.amount,
        currency: adjustment.fare.currency,
        createdAt: new Date().toISOString(),
      })
      .onConflictDoNothing();
    const [, [recorded]] = await this.db.batch([insert, this.adjustmentById(input.id)]);
    if (!recorded) throw new Error(`adjustment lost for ${input.id}`);
    return asSettlement(recorded);
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

  /** The newest `limit` holds still open (`holdStillOpen`) made before `before` and within NEWEST_HOLDS_MS of it, rides' and dues' alike. */
  async openHolds(before: string, limit = 500): Promise<LedgerEntry[]> {
    // In SQL, on the (kind, created_at) index, old enough in SQL too: the young ones (every ride in
    // flight has one) would otherwise fill the page and hide the old ones owed a void; and not older
    // than a day, so that fewer than `limit` open never means a read of every hold (the walk goes further).
    const since = new Date(Date.parse(before) - NEWEST_HOLDS_MS).toISOString();
    return this.db
      .select()
      .from(paymentOperations)
      .where(and(holdStillOpen, lte(paymentOperations.createdAt, before), gte(paymentOperations.createdAt, since)))
      .orderBy(desc(paymentOperations.createdAt))
      .limit(limit);
  }

  /** The next page of reconciliation's walk through the older holds: the open ones of `scan` authorisations (`walkOlderHolds`). */
  olderOpenHolds(before: string, scan: number): Promise<HoldWalkPage> {
    return walkOlderHolds(this.d1, before, scan);
  }

  /** Keeps where the walk through the older holds goes next (`keepHoldWalk`). */
  keepHoldWalk(position: HoldWalkCursor | null, stuckSince: number | null): Promise<void> {
    return keepHoldWalk(this.d1, position, stuckSince);
  }

  /** Where reconciliation's walk over the provider's open holds stands (`providerWalk`). */
  providerWalk(): Promise<(ProviderHoldWalk & { stuckSince: number | null }) | null> {
    return providerWalk(this.d1);
  }

  /** Keeps where the walk over the provider's open holds stands (`keepProviderWalk`). */
  keepProviderWalk(walk: ProviderHoldWalk | null, stuckSince: number | null = null): Promise<void> {
    return keepProviderWalk(this.d1, walk, stuckSince);
  }

  /**
   * Successful captures of rides (not of dues) recorded before `before`, newest first. Younger
   * ones are left out: their results are most likely still on their way (at a city's peak the
   * newest 500 are the last few seconds', each an object call and a result sent twice).
   */
  async captures(before: string, limit = 500): Promise<LedgerEntry[]> {
    return this.db
      .select()
      .from(paymentOperations)
      .where(and(eq(paymentOperations.kind, "capture"), eq(paymentOperations.outcome, "succeeded"), notDues, lt(paymentOperations.createdAt, before)))
      .orderBy(desc(paymentOperations.createdAt))
      .limit(limit);
  }

  async forRide(rideId: string): Promise<LedgerEntry[]> {
    return this.db.select().from(paymentOperations).where(eq(paymentOperations.rideId, rideId));
  }
}
