/**
 * What an Idempotency-Key already made. A ride's or rental's object is named by its rider and
 * key, so the object itself answers whether this request made it: the record when this rider
 * sent this very body, a conflict when another body (or rider) did, null when nothing was made.
 * `create` asks it first; the gateway asks it too (`made`) before refusing a request for a
 * reason that may have come up since it was made (a quote expired, dues, a cell with no drivers),
 * so a retry after a lost answer gets its ride or rental back.
 */
import { fail, ok, type Outcome } from "../lib/problem";

/**
 * @example
 * const made = madeBefore<RideRecord>(this.sql, "ride", (r) => r.ride.riderId, riderId, requestHash);
 */
export function madeBefore<R>(
  sql: SqlStorage,
  table: "ride" | "rental",
  riderOf: (record: R) => string,
  riderId: string,
  requestHash: string,
): Outcome<R> | null {
  const existing = sql.exec<{ record: string; request_hash: string }>(`SELECT record, request_hash FROM ${table} LIMIT 1`).toArray()[0];
  if (!existing) return null;
  const record = JSON.parse(existing.record) as R;
  if (riderOf(record) === riderId && existing.request_hash === requestHash) return ok(record);
  return fail("idempotency_conflict", `this Idempotency-Key was used for another ${table} request`);
}
