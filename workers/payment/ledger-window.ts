/**
 * The ledger keeps a window of days, not all history. Every ride leaves about 0.7 KB of pages
 * in the ledger (0.9 KB in use: its operations and its settlement), and one D1 database holds
 * 10 GB: at a Seoul-size day (2.16 million rides) the ledger reached half of it in 3.2 days
 * (BENCHMARKS.md, storage). So the gateway's every-minute cron (src/payments/ledger-handover.ts,
 * wired in workers/gateway/housekeeping.ts) walks the holds past `LEDGER_WINDOW_DAYS`, hands each
 * settled ride's rows to its own Ride DO and only then lets them go here. A refund of such a ride
 * pins it and brings them back first (`restoreLedger`, asked by the Ride DO:
 * src/durable-objects/ride-ledger.ts), as does a refund or settle message that found it gone
 * (answered `letGo`: handler.ts), and the commission report still counts them (`ledger_hours`).
 *
 * Invariants:
 * - a ride goes only when every row of it is older than the cut-off, which is never later than
 *   the earnings checkpoint (its settlement and adjustments are summed in each driver's earnings:
 *   no payout run or balance reads them again), and its hold is closed (captured or voided, or
 *   never placed: an open one is for reconciliation and operators);
 * - the walk never waits and never skips a ride for good: it reads the holds a lag past the
 *   cut-off (`SETTLE_LAG_MS`, src/payments/ledger-handover.ts: a ride is over by then), and a ride met too early (its hold open, a row
 *   after the cut-off, a pin, a Ride DO that failed) is deferred and judged again later;
 * - the delete and the hour's sums are one batch (a transaction), so a settlement is counted
 *   either live or in `ledger_hours`, never both nor neither; a restore takes it back out of the
 *   sums in the batch that puts it back, for the rows it really puts back;
 * - a pinned ride is not let go until its pin is older than its cut-off, and a pin commits
 *   before the Ride DO reads its copy: whichever of a let-go and a refund commits first, the
 *   refund finds the ride's capture in the ledger;
 * - `let_go_before`: every row let go was made before it; payout runs of an earlier cut-off are
 *   refused (their sums would take back rows the ledger no longer holds).
 */
import { paymentOperations, settlementAdjustments, settlements } from "../../src/payments/ledger-schema";
import { ledgerColumns, type JudgedRide, type LedgerChunk, type LedgerRow, type RideLedger } from "../../src/payments/kept-ledger";
import { CHECKPOINT } from "./earnings-checkpoint";
import { capturedRide, splitsWhere } from "./splits-sql";

export type { JudgedRide, LedgerChunk, LedgerRow, RideLedger };

const TABLES = { payment_operations: paymentOperations, settlements, settlement_adjustments: settlementAdjustments } as const;
type TableName = keyof typeof TABLES;
const TABLE_NAMES = Object.keys(TABLES) as TableName[];
/** The columns a restore writes: the schema's, so that a row carries no name it did not come with. */
const COLUMNS = Object.fromEntries(TABLE_NAMES.map((t) => [t, ledgerColumns(TABLES[t])])) as Record<TableName, string[]>;

/** Deferred rides judged again in one chunk at most, before the walk's holds. */
const DUE_PER_CHUNK = 50;

/** The holds walked, oldest first, after the cursor `?1, ?2` and before `?3`. */
export const HOLDS_PAST_WINDOW = `SELECT ride_id, created_at FROM payment_operations INDEXED BY operations_by_kind_time
  WHERE kind = 'authorize' AND (created_at > ?1 OR (created_at = ?1 AND ride_id > ?2)) AND created_at < ?3
  ORDER BY created_at, ride_id LIMIT ?4`;

/** Whether a ride's hold is still open: authorised, and neither captured nor voided (a void the provider refused closes it: nothing was left to release). */
function openHold(operations: LedgerRow[]): boolean {
  const succeeded = (kind: string) => operations.some((o) => o.kind === kind && o.outcome === "succeeded");
  return succeeded("authorize") && !succeeded("capture") && !operations.some((o) => o.kind === "void");
}

/**
 * Whether the window ever lets an id's rows go: a ride's. A rental and a dues account stay.
 *
 * @example
 * windowed("rd_1"); // true
 */
export const windowed = (rideId: string): boolean => rideId.startsWith("rd_");

/**
 * What the window does with a ride now: `never` for what is not a ride's (a rental, a dues
 * account) or has no rows left; `later` while its hold is open, a row or its pin is not older
 * than the cut-off; else `go`.
 */
export function verdictOf(rideId: string, ledger: RideLedger, pinnedAt: string | null, cutoff: string): JudgedRide["verdict"] {
  if (!windowed(rideId) || ledger.payment_operations.length === 0) return "never";
  const rows = TABLE_NAMES.flatMap((t) => ledger[t]);
  const settled = !openHold(ledger.payment_operations) && rows.every((r) => String(r.created_at) < cutoff);
  return settled && (pinnedAt === null || pinnedAt < cutoff) ? "go" : "later";
}

/**
 * The next chunk: up to `limit` rides, the deferred ones due at `now` first, then the holds
 * after the walk's cursor created `lagMs` before the cut-off (`before`, bounded by the earnings
 * checkpoint), each judged, with its rows when it goes.
 *
 * @example
 * const chunk = await ledgerPastWindow(env.LEDGER_DB, new Date(Date.now() - 30 * 86_400_000).toISOString(), 200, new Date().toISOString(), SETTLE_LAG_MS);
 */
export async function ledgerPastWindow(d1: D1Database, before: string, limit: number, now: string, lagMs: number): Promise<LedgerChunk> {
  const [read, through, due] = await d1.batch<Record<string, string>>([
    d1.prepare("SELECT after_created_at, after_ride_id FROM ledger_window WHERE id = 1"),
    d1.prepare(`SELECT ${CHECKPOINT} AS through`),
    d1.prepare("SELECT ride_id FROM ledger_deferred WHERE retry_after <= ?1 ORDER BY retry_after LIMIT ?2").bind(now, Math.min(DUE_PER_CHUNK, limit)),
  ]);
  const position = read?.results[0];
  const checkpoint = String(through?.results[0]?.through ?? "");
  const cutoff = before < checkpoint ? before : checkpoint;
  const dueIds = (due?.results ?? []).map((r) => String(r.ride_id));
  // No checkpoint yet (''): nothing is summed, so no hold is walked.
  const walked = cutoff
    ? (
        await d1
          .prepare(HOLDS_PAST_WINDOW)
          .bind(position?.after_created_at ?? "", position?.after_ride_id ?? "", new Date(Date.parse(cutoff) - lagMs).toISOString(), limit - dueIds.length)
          .all<{ ride_id: string; created_at: string }>()
      ).results
    : [];
  const ids = [...new Set([...dueIds, ...walked.map((h) => h.ride_id)])];
  const inIds = (table: string) => d1.prepare(`SELECT * FROM ${table} WHERE ride_id IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify(ids));
  const results = ids.length > 0 ? await d1.batch<LedgerRow>([...TABLE_NAMES.map(inIds), inIds("ledger_restores")]) : [];
  const ledgers = new Map<string, RideLedger>(ids.map((id) => [id, { payment_operations: [], settlements: [], settlement_adjustments: [] }]));
  TABLE_NAMES.forEach((t, i) => results[i]?.results.forEach((row) => ledgers.get(String(row.ride_id))?.[t].push(row)));
  const pins = new Map((results[TABLE_NAMES.length]?.results ?? []).map((r) => [String(r.ride_id), String(r.restored_at)]));
  const rides = ids.map((rideId): JudgedRide => {
    const ledger = ledgers.get(rideId)!;
    const verdict = verdictOf(rideId, ledger, pins.get(rideId) ?? null, cutoff);
    return { rideId, verdict, ledger: verdict === "go" ? ledger : null };
  });
  const last = walked.at(-1);
  return { rides, after: last ? { createdAt: last.created_at, rideId: last.ride_id } : null, walked: walked.length, cutoff };
}

const notWrittenSince = (table: string) => `NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.ride_id = g.value AND x.created_at >= ?2)`;
const going = "ride_id IN (SELECT ride_id FROM ledger_letting_go)";

/**
 * Defers `?1` (ids) from `?2` (now): 10 minutes the first time, doubled each try, at most a day.
 * A ride with no rows left (another run let it go) is not deferred: it would be read for ever.
 */
const DEFER = `INSERT INTO ledger_deferred (ride_id, retry_after, tries)
  SELECT value, strftime('%Y-%m-%dT%H:%M:%fZ', ?2, '+10 minutes'), 0 FROM json_each(?1) g
  WHERE EXISTS (SELECT 1 FROM payment_operations x WHERE x.ride_id = g.value)
  ON CONFLICT (ride_id) DO UPDATE SET tries = tries + 1,
    retry_after = strftime('%Y-%m-%dT%H:%M:%fZ', ?2, '+' || min(1440, 10 * (1 << min(tries + 1, 10))) || ' minutes')`;

/**
 * Lets go of the rides their Ride DOs kept (`kept`), defers `later` and any kept ride pinned or
 * written to since it was read, forgets `never`, and moves the walk's cursor to `after`: one batch.
 * Answers how many rides went.
 *
 * @example
 * await letGoOfLedger(env.LEDGER_DB, { kept: ["rd_1"], later: ["rd_2"], never: [] }, chunk.cutoff, chunk.after, new Date().toISOString());
 */
export async function letGoOfLedger(
  d1: D1Database,
  rides: { kept: string[]; later: string[]; never: string[] },
  cutoff: string,
  after: { createdAt: string; rideId: string } | null,
  now: string,
): Promise<number> {
  const statements = [
    d1
      .prepare(
        `INSERT OR IGNORE INTO ledger_letting_go (ride_id) SELECT g.value FROM json_each(?1) g
         WHERE EXISTS (SELECT 1 FROM payment_operations x WHERE x.ride_id = g.value)
           AND NOT EXISTS (SELECT 1 FROM ledger_restores x WHERE x.ride_id = g.value AND x.restored_at >= ?2)
           AND ${TABLE_NAMES.map(notWrittenSince).join(" AND ")}`,
      )
      .bind(JSON.stringify(rides.kept), cutoff),
    d1.prepare(
      `INSERT INTO ledger_hours (hour, captured, fares, commission, earnings, rides)
       SELECT substr(r.created_at, 1, 13), ${capturedRide("r")}, sum(r.fare), sum(r.commission), sum(r.earning), sum(r.ride)
       FROM (${splitsWhere(going)}) AS r
       WHERE true GROUP BY 1, 2
       ON CONFLICT (hour, captured) DO UPDATE SET fares = fares + excluded.fares, commission = commission + excluded.commission,
         earnings = earnings + excluded.earnings, rides = rides + excluded.rides`,
    ),
    ...TABLE_NAMES.map((t) => d1.prepare(`DELETE FROM ${t} WHERE ${going}`)),
    d1.prepare(`DELETE FROM ledger_restores WHERE ${going}`),
    d1.prepare(DEFER).bind(JSON.stringify([...rides.later, ...rides.kept]), now),
    d1.prepare("DELETE FROM ledger_deferred WHERE ride_id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(rides.never)),
    d1.prepare(`DELETE FROM ledger_deferred WHERE ${going}`),
    // Every row let go was made before the cut-off: payout runs of an earlier one are refused from now on.
    d1
      .prepare(
        `INSERT INTO ledger_window (id, after_created_at, after_ride_id, let_go_before) SELECT 1, '', '', ?1 WHERE EXISTS (SELECT 1 FROM ledger_letting_go)
         ON CONFLICT (id) DO UPDATE SET let_go_before = max(let_go_before, excluded.let_go_before)`,
      )
      .bind(cutoff),
  ];
  const counted = statements.push(d1.prepare("SELECT count(*) AS n FROM ledger_letting_go")) - 1;
  statements.push(d1.prepare("DELETE FROM ledger_letting_go"));
  if (after) {
    // Forward only: of two runs at once, the one behind does not move it back.
    statements.push(
      d1
        .prepare(
          `INSERT INTO ledger_window (id, after_created_at, after_ride_id) VALUES (1, ?1, ?2)
           ON CONFLICT (id) DO UPDATE SET after_created_at = excluded.after_created_at, after_ride_id = excluded.after_ride_id
           WHERE (excluded.after_created_at, excluded.after_ride_id) > (ledger_window.after_created_at, ledger_window.after_ride_id)`,
        )
        .bind(after.createdAt, after.rideId),
    );
  }
  const results = await d1.batch<{ n: number }>(statements);
  return Number(results[counted]?.results[0]?.n ?? 0);
}

/**
 * Before when the ledger may no longer hold every row ('' while it let nothing go).
 *
 * @example
 * if (cutoff < (await letGoBefore(env.LEDGER_DB))) return fail("invalid_request", "…");
 */
export async function letGoBefore(d1: D1Database): Promise<string> {
  return (await d1.prepare("SELECT let_go_before FROM ledger_window WHERE id = 1").first<string>("let_go_before")) ?? "";
}

/**
 * Pins a ride `?1` at `?2` (a refund or settle is coming): a let-go that commits after it skips
 * the ride until the pin is older than its cut-off.
 */
export const PIN = "INSERT INTO ledger_restores (ride_id, restored_at) VALUES (?1, ?2) ON CONFLICT (ride_id) DO UPDATE SET restored_at = excluded.restored_at";

/**
 * Pins a ride (a refund is coming) and, with its Ride DO's copy, puts its rows back, each row
 * once, taking what it puts back out of the hour's sums; the ride is judged again after
 * `retryAfter` (a window later). One batch; a repeat changes nothing.
 *
 * @example
 * await restoreLedger(env.LEDGER_DB, "rd_1", null, retryAfter, now); // the pin, before the copy is read
 * await restoreLedger(env.LEDGER_DB, "rd_1", kept, retryAfter, now);
 */
export async function restoreLedger(d1: D1Database, rideId: string, ledger: RideLedger | null, retryAfter: string, now: string): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  const captured = ledger?.payment_operations.some((o) => o.kind === "capture" && o.outcome === "succeeded") ? 1 : 0;
  for (const [table, key, ride] of [
    ["settlements", "ride_id", 1],
    ["settlement_adjustments", "id", 0],
  ] as const) {
    for (const row of ledger?.[table] ?? []) {
      statements.push(
        d1
          .prepare(
            `UPDATE ledger_hours SET fares = fares - ?1, commission = commission - ?2, earnings = earnings - ?3, rides = rides - ?4
             WHERE hour = substr(?5, 1, 13) AND captured = ?6 AND NOT EXISTS (SELECT 1 FROM ${table} WHERE ${key} = ?7)`,
          )
          .bind(row.fare, row.commission, row.earning, ride, row.created_at, captured, row[key]),
      );
    }
  }
  for (const table of TABLE_NAMES) {
    for (const row of ledger?.[table] ?? []) {
      const columns = COLUMNS[table].filter((c) => c in row);
      const insert = `INSERT OR IGNORE INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((_, i) => `?${i + 1}`).join(", ")})`;
      statements.push(d1.prepare(insert).bind(...columns.map((c) => row[c] ?? null)));
    }
  }
  statements.push(
    d1.prepare(PIN).bind(rideId, now),
    d1
      .prepare(
        "INSERT INTO ledger_deferred (ride_id, retry_after, tries) VALUES (?1, ?2, 0) ON CONFLICT (ride_id) DO UPDATE SET retry_after = excluded.retry_after",
      )
      .bind(rideId, retryAfter),
  );
  await d1.batch(statements);
}
