/**
 * Reconciliation's walk through the older holds (back to HOLD_LIFETIME_MS). Its first page, the newest open holds, is
 * filled at any volume by the rides in flight (each has one), so a hold owed a void further
 * back (a ride that ended unpaid a day after its trip, a dues charge that lost its capture)
 * would never be read. The walk reads one page of authorisations a run, newest first from
 * where the last run stopped (`reconcile_walk`), and answers the open ones among them; at the
 * end it starts again from the newest. A run scans `scan` authorisations however few are
 * open, so its cost is bounded; a full pass takes (authorisations in the ledger / `scan`) runs.
 */
import { and, desc, eq, gte, lt, lte, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { paymentOperations as po, providerHoldWalk, reconcileWalk } from "../../src/payments/ledger-schema";
import type { ProviderHoldWalk } from "../../src/payments/provider-walk";
import type { LedgerEntry } from "./ledger";
import { DUES_PREFIX } from "../../src/payments/dues";

/**
 * An authorisation that succeeded and that nothing closed. A ride has one hold, so any capture
 * or void of the ride closes it; a rider's dues account may hold several over time, so there
 * only one of the same hold does. A void the provider refused closes it too: there was nothing
 * left to release, and the ride took it as voided (asked again, the provider would refuse again).
 */
export const holdStillOpen = and(
  eq(po.kind, "authorize"),
  eq(po.outcome, "succeeded"),
  sql`NOT EXISTS (SELECT 1 FROM payment_operations c WHERE c.ride_id = ${po.rideId}
        AND c.kind IN ('capture', 'void') AND (c.outcome = 'succeeded' OR c.kind = 'void')
        AND (c.ride_id NOT LIKE ${`${DUES_PREFIX}%`} OR c.provider_ref = ${po.providerRef}))`,
);

/** Authorisations one run of the walk reads. */
export const WALK_SCAN = 2_000;

/**
 * How far back the walk goes: past a provider's hold lifetime (Stripe cancels an uncaptured
 * payment after 7 days) a void releases nothing, and a shorter walk comes round sooner.
 */
export const HOLD_LIFETIME_MS = 8 * 86_400_000;

/** How far back the newest open holds are looked for: the walk reads further (a bound, so that few open holds never mean a scan of the whole ledger). */
export const NEWEST_HOLDS_MS = 86_400_000;

/** Where the walk through the older holds reads next: the holds made before this one (by time, then ride id). */
export interface HoldWalkCursor {
  beforeCreatedAt: string;
  beforeRideId: string;
}

/** One run's page of the walk: its open holds, where it was read from (`at`), where the walk goes after it (`next`, null: the end). */
export interface HoldWalkPage {
  open: LedgerEntry[];
  at: HoldWalkCursor;
  next: HoldWalkCursor | null;
  /** Since when the walk has stayed on `at`, one of its holds failing (src/payments/walk-stuck.ts). */
  stuckSince: number | null;
}

/**
 * The open holds of the walk's next page of `scan` authorisations made before `before`, and
 * where the walk would go after it; nothing moves until `keepHoldWalk` (once they were judged).
 *
 * @example
 * const page = await walkOlderHolds(env.LEDGER_DB, new Date(Date.now() - 300_000).toISOString());
 */
export async function walkOlderHolds(d1: D1Database, before: string, scan = WALK_SCAN): Promise<HoldWalkPage> {
  const since = new Date(Date.parse(before) - HOLD_LIFETIME_MS).toISOString();
  const db = drizzle(d1);
  const cursor = (await db.select().from(reconcileWalk).where(eq(reconcileWalk.id, 1)).limit(1))[0];
  // A cursor not before `before` (a first run, or a wrap) starts from the newest old enough.
  const resume = cursor && cursor.beforeCreatedAt < before;
  const from: HoldWalkCursor = resume ? cursor : { beforeCreatedAt: before, beforeRideId: "\uffff" };
  const page = await db
    .select({ createdAt: po.createdAt, rideId: po.rideId })
    .from(po)
    .where(
      and(
        eq(po.kind, "authorize"),
        gte(po.createdAt, since),
        or(lt(po.createdAt, from.beforeCreatedAt), and(eq(po.createdAt, from.beforeCreatedAt), lt(po.rideId, from.beforeRideId))),
      ),
    )
    .orderBy(desc(po.createdAt), desc(po.rideId))
    .limit(scan);
  const [first, last] = [page[0], page.at(-1)];
  // The open ones in the page's span of time, on the same index (a bound, not a scan).
  const open =
    first && last
      ? await db
          .select()
          .from(po)
          .where(and(holdStillOpen, gte(po.createdAt, last.createdAt), lte(po.createdAt, first.createdAt)))
      : [];
  const next = page.length < scan || !last ? null : { beforeCreatedAt: last.createdAt, beforeRideId: last.rideId };
  return {
    open,
    at: { beforeCreatedAt: from.beforeCreatedAt, beforeRideId: from.beforeRideId },
    next,
    stuckSince: resume ? (cursor.stuckSince ?? null) : null,
  };
}

/**
 * Keeps where the walk through the older holds goes next run (null: from the newest again), and
 * since when it has been stuck there (null: it is not).
 *
 * @example
 * await keepHoldWalk(env.LEDGER_DB, page.next, null);
 */
export async function keepHoldWalk(d1: D1Database, position: HoldWalkCursor | null, stuckSince: number | null): Promise<void> {
  const db = drizzle(d1);
  if (!position) await db.delete(reconcileWalk).where(eq(reconcileWalk.id, 1));
  else {
    const row = { beforeCreatedAt: position.beforeCreatedAt, beforeRideId: position.beforeRideId, stuckSince };
    await db
      .insert(reconcileWalk)
      .values({ id: 1, ...row })
      .onConflictDoUpdate({ target: reconcileWalk.id, set: row });
  }
}

/**
 * Where the walk over the provider's open holds stands (src/payments/provider-walk.ts), null
 * before it starts or once it ended.
 *
 * @example
 * const walk = await providerWalk(env.LEDGER_DB); // { beforeS: 1_700_000_000, spanS: 3600 } | null
 */
export async function providerWalk(d1: D1Database): Promise<(ProviderHoldWalk & { stuckSince: number | null }) | null> {
  const row = (await drizzle(d1).select().from(providerHoldWalk).where(eq(providerHoldWalk.id, 1)).limit(1))[0];
  return row ? { beforeS: row.beforeS, spanS: row.spanS, stuckSince: row.stuckSince ?? null } : null;
}

/** Keeps where the walk over the provider's open holds stands for the next run (null: start again from the newest), and since when it is stuck there. */
export async function keepProviderWalk(d1: D1Database, walk: ProviderHoldWalk | null, stuckSince: number | null = null): Promise<void> {
  const db = drizzle(d1);
  if (!walk) await db.delete(providerHoldWalk).where(eq(providerHoldWalk.id, 1));
  else {
    const row = { beforeS: walk.beforeS, spanS: walk.spanS, stuckSince };
    await db
      .insert(providerHoldWalk)
      .values({ id: 1, ...row })
      .onConflictDoUpdate({ target: providerHoldWalk.id, set: row });
  }
}
