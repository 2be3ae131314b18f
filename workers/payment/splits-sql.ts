/**
 * The SQL the commission report and the ledger's window share, so that what the window moves
 * into the hour's sums is summed exactly as the report sums the rows it still holds: a ride's
 * fare split (settlements, one `ride`) and its refunds' adjustments (no `ride`), and whether its
 * fare was captured (a settlement without a capture is the platform's, reported apart).
 */

/** 1 when the ride `alias.ride_id` has a successful capture. */
export const capturedRide = (alias: string) =>
  `EXISTS (SELECT 1 FROM payment_operations o WHERE o.ride_id = ${alias}.ride_id AND o.kind = 'capture' AND o.outcome = 'succeeded')`;

/**
 * Settlements and adjustments matching `where` (over their own columns), as
 * `ride_id, created_at, fare, commission, earning, ride`.
 *
 * @example
 * `SELECT sum(fare) FROM (${splitsWhere("created_at >= ?1")}) AS r`
 */
export const splitsWhere = (where: string) =>
  `SELECT ride_id, created_at, fare, commission, earning, 1 AS ride FROM settlements WHERE ${where}
   UNION ALL SELECT ride_id, created_at, fare, commission, earning, 0 AS ride FROM settlement_adjustments WHERE ${where}`;
