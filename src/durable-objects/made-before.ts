/**
 * What an Idempotency-Key already made. A ride's or rental's object is named by its rider and
 * key, so the object itself answers whether this rider's key made it: the record, whatever body
 * came with the key this time (the contract: "the same rider with the same key gets the same ride
 * back"; a client retrying with a fresh quote gets its ride, not a refusal), null when nothing was
 * made. `create` asks it first; the gateway asks it too (`made`) before refusing a request for a
 * reason that may have come up since it was made (a quote expired, dues, a cell with no drivers),
 * so a retry after a lost answer gets its ride or rental back. The request's hash is kept with the
 * record (`request_hash`: which body made it), not compared.
 */
import { fail, ok, type Outcome } from "../lib/problem";

/**
 * The record the object holds and the hash of the request that made it, or null (nothing made).
 *
 * @example
 * const made = storedRequest<RentalRecord>(this.sql, "rental"); // { record, requestHash }
 */
export function storedRequest<R>(sql: SqlStorage, table: "ride" | "rental"): { record: R; requestHash: string } | null {
  const row = sql.exec<{ record: string; request_hash: string }>(`SELECT record, request_hash FROM ${table} LIMIT 1`).toArray()[0];
  return row ? { record: JSON.parse(row.record) as R, requestHash: row.request_hash } : null;
}

/**
 * @example
 * const made = madeBefore<RideRecord>(this.sql, "ride", (r) => r.ride.riderId, riderId);
 */
export function madeBefore<R>(sql: SqlStorage, table: "ride" | "rental", riderOf: (record: R) => string, riderId: string): Outcome<R> | null {
  const existing = storedRequest<R>(sql, table);
  if (!existing) return null;
  const { record } = existing;
  // Another rider's (ids are named from the rider and the key, so only an id made up by hand gets here).
  if (riderOf(record) !== riderId) return fail("idempotency_conflict", `this Idempotency-Key was used by another rider's ${table} request`);
  return ok(record);
}
