/**
 * The ledger's read pages for the views' repair: every settlement and refund adjustment
 * (to rebuild drivers' earnings), and every ride id the ledger knows (to find rides the
 * views lost). Keyset pages with opaque cursors, read in index order, never whole.
 */
import { DUES_PREFIX } from "../../src/payments/dues";
import { decodeCursor, encodeCursor, pageLimit } from "../../src/payments/page-cursor";
import type { EarningRow } from "../../src/payments/settlement-columns";

/** A row of the earnings page: a settlement (id = ride id) or a refund's adjustment (id = its key; negative amounts). */
export type EarningsItem = EarningRow;

export interface Page<T> {
  items: T[];
  /** The cursor of the page after this one; null when this is the last. */
  next: string | null;
}

type EarningsRow = { id: string; ride_id: string; driver_id: string; fare: number; commission: number; earning: number; currency: string; created_at: string };

/**
 * Settlements and settlement adjustments together, in (created_at, id) order, `limit`
 * after the cursor `after` (null: from the start).
 *
 * @example
 * const first = await earningsPage(env.LEDGER_DB, null, 200);
 * const second = first.next ? await earningsPage(env.LEDGER_DB, first.next, 200) : null;
 */
export async function earningsPage(d1: D1Database, after: string | null, limit: number): Promise<Page<EarningsItem>> {
  const size = pageLimit(limit);
  const [afterAt = "", afterId = ""] = after === null ? [] : decodeCursor(after, 2);
  // Each side is read in its (created_at, id) index order and cut to a page before the merge.
  const { results } = await d1
    .prepare(
      `SELECT * FROM (
         SELECT * FROM (SELECT ride_id AS id, ride_id, driver_id, fare, commission, earning, currency, created_at FROM settlements
                        WHERE (created_at, ride_id) > (?1, ?2) ORDER BY created_at, ride_id LIMIT ?3)
         UNION ALL
         SELECT * FROM (SELECT id, ride_id, driver_id, fare, commission, earning, currency, created_at FROM settlement_adjustments
                        WHERE (created_at, id) > (?1, ?2) ORDER BY created_at, id LIMIT ?3)
       ) ORDER BY created_at, id LIMIT ?3`,
    )
    .bind(afterAt, afterId, size + 1)
    .all<EarningsRow>();
  const items = results.slice(0, size).map((r) => ({
    id: r.id,
    rideId: r.ride_id,
    driverId: r.driver_id,
    fare: r.fare,
    commission: r.commission,
    earning: r.earning,
    currency: r.currency,
    createdAt: r.created_at,
  }));
  const last = items.at(-1);
  return { items, next: results.length > size && last ? encodeCursor([last.createdAt, last.id]) : null };
}

/**
 * The ledger's distinct ride ids, dues accounts left out, in id order, `limit` after the
 * cursor `after` (null: from the start).
 *
 * @example
 * const { items, next } = await rideIdsPage(env.LEDGER_DB, null, 500);
 */
export async function rideIdsPage(d1: D1Database, after: string | null, limit: number): Promise<Page<string>> {
  const size = pageLimit(limit);
  const [afterId = ""] = after === null ? [] : decodeCursor(after, 1);
  // On the (ride_id, kind) index: DISTINCT over it needs no sort.
  const { results } = await d1
    .prepare("SELECT DISTINCT ride_id FROM payment_operations WHERE ride_id > ?1 AND ride_id NOT LIKE ?2 ORDER BY ride_id LIMIT ?3")
    .bind(afterId, `${DUES_PREFIX}%`, size + 1)
    .all<{ ride_id: string }>();
  const items = results.slice(0, size).map((r) => r.ride_id);
  const last = items.at(-1);
  return { items, next: results.length > size && last !== undefined ? encodeCursor([last]) : null };
}

/**
 * The rides the ledger holds a successful or refused authorisation for, in the order it
 * recorded them (created_at, ride id), `limit` after the cursor `after` (null: from the
 * start), none recorded after `before` when given. Every ride asks for one authorisation, so
 * this lists each ride once; the views' repair reads it to find rides the views never heard of.
 * `before` keeps the pass's place behind the rows still being written: each payment worker
 * stamps `created_at` before its insert lands, so a row may land behind the newest page read,
 * and a cursor already past it would never read it.
 *
 * @example
 * const { items, next } = await heldRidesPage(env.LEDGER_DB, null, 100, new Date(Date.now() - 120_000).toISOString());
 */
export async function heldRidesPage(d1: D1Database, after: string | null, limit: number, before?: string): Promise<Page<string>> {
  const size = pageLimit(limit);
  const [afterAt = "", afterId = ""] = after === null ? [] : decodeCursor(after, 2);
  const { results } = await d1
    .prepare(
      `SELECT ride_id, created_at FROM payment_operations
       WHERE kind = 'authorize' AND (created_at, ride_id) > (?1, ?2) AND ride_id NOT LIKE ?3 AND (?5 IS NULL OR created_at <= ?5)
       ORDER BY created_at, ride_id LIMIT ?4`,
    )
    .bind(afterAt, afterId, `${DUES_PREFIX}%`, size + 1, before ?? null)
    .all<{ ride_id: string; created_at: string }>();
  const rows = results.slice(0, size);
  const last = rows.at(-1);
  return { items: rows.map((r) => r.ride_id), next: results.length > size && last ? encodeCursor([last.created_at, last.ride_id]) : null };
}
