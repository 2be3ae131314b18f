/**
 * The connected accounts drivers' payouts are sent to (Stripe `acct_…`, the ledger's
 * `payout_accounts`), set by an operator once the driver's Connect account exists.
 */

/** Driver ids a statement: one JSON parameter of about 300 KB, well inside D1's 2 MB a value. */
export const CHUNK = 10_000;

/**
 * Sets (or replaces) the connected account a driver's payouts are sent to; answers the one it
 * replaced (null: none), read in the same batch.
 *
 * @example
 * const previous = await setPayoutAccount(env.LEDGER_DB, "d1", "acct_1Nv0FGQ9RKHgCVdK", new Date().toISOString());
 */
export async function setPayoutAccount(d1: D1Database, driverId: string, accountId: string, now: string): Promise<string | null> {
  const [before] = await d1.batch<{ account_id: string }>([
    d1.prepare("SELECT account_id FROM payout_accounts WHERE driver_id = ?1").bind(driverId),
    d1
      .prepare(
        `INSERT INTO payout_accounts (driver_id, account_id, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(driver_id) DO UPDATE SET account_id = excluded.account_id, updated_at = excluded.updated_at`,
      )
      .bind(driverId, accountId, now),
  ]);
  return before?.results[0]?.account_id ?? null;
}

/**
 * Which of `driverIds` have an account on file: one batch, `CHUNK` ids a statement, bound as one
 * JSON array (not a parameter an id: D1 binds at most 100 a statement, and a batch of one statement
 * a hundred drivers was a thousand statements at 100,000 drivers owed, past D1's queries an
 * invocation; found by review on 2026-12-06).
 *
 * @example
 * const payable = await driversWithAccount(env.LEDGER_DB, ["d1", "d2"]); // Set { "d1" }
 */
export async function driversWithAccount(d1: D1Database, driverIds: readonly string[]): Promise<Set<string>> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < driverIds.length; i += CHUNK) {
    const chunk = JSON.stringify(driverIds.slice(i, i + CHUNK));
    statements.push(d1.prepare("SELECT driver_id FROM payout_accounts WHERE driver_id IN (SELECT value FROM json_each(?1))").bind(chunk));
  }
  if (statements.length === 0) return new Set();
  const answers = await d1.batch<{ driver_id: string }>(statements);
  return new Set(answers.flatMap((a) => a.results.map((r) => r.driver_id)));
}
