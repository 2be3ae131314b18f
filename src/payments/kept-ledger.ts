/**
 * A ride's ledger rows after the ledger's window let them go (workers/payment/ledger-window.ts),
 * kept by the ride's own Ride DO: the ride is their owner, and a refund past the window reads
 * them back from it. One row in a side table, made by the first keep (a read makes none), so the
 * ride's record, outbox and timers never wait for it.
 */
import { getTableColumns } from "drizzle-orm";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { paymentOperations } from "./ledger-schema";

/** A ledger row as D1 stores it (column name to value). */
export type LedgerRow = Record<string, string | number | null>;

/** Every row the ledger held of one ride, by table. */
export interface RideLedger {
  payment_operations: LedgerRow[];
  settlements: LedgerRow[];
  settlement_adjustments: LedgerRow[];
}

/** A ride the ledger's window judged: it goes now (with its rows), later (deferred), or never. */
export interface JudgedRide {
  rideId: string;
  verdict: "go" | "later" | "never";
  ledger: RideLedger | null;
}

/** A chunk of the window's run: the rides judged, where the walk stands after it, and the cut-off. */
export interface LedgerChunk {
  rides: JudgedRide[];
  after: { createdAt: string; rideId: string } | null;
  walked: number;
  cutoff: string;
}

/** The payment worker's pin and restore, as the Ride DO calls them through the gateway's service binding. */
export interface LedgerRestorer {
  restoreLedger(rideId: string, ledger: RideLedger | null, retryAfter: string): Promise<void>;
}

/** Each table's key: a row of `b` replaces the row of `a` with the same key. */
const KEYS: Record<keyof RideLedger, string> = { payment_operations: "idempotency_key", settlements: "ride_id", settlement_adjustments: "id" };

/**
 * Two copies of a ride's rows as one, each row once by its table's key (`b`'s version first).
 *
 * @example
 * mergeLedgers(kept, { payment_operations: [late], settlements: [], settlement_adjustments: [] });
 */
export function mergeLedgers(a: RideLedger | null, b: RideLedger): RideLedger {
  const merged = (table: keyof RideLedger) => [...new Map([...(a?.[table] ?? []), ...b[table]].map((row) => [String(row[KEYS[table]]), row])).values()];
  return { payment_operations: merged("payment_operations"), settlements: merged("settlements"), settlement_adjustments: merged("settlement_adjustments") };
}

/**
 * Before a refund: pins the ride in the ledger, only then reads the kept copy and puts it back,
 * then forgets it. The order is the guarantee: a let-go that committed before the pin left its
 * copy here to be read; one that commits after skips the pinned ride. Either way the refund
 * finds its capture in the ledger. A step that throws leaves the copy kept.
 *
 * @example
 * await bringLedgerBack({ pin: () => payments.restoreLedger(id, null, at), kept: () => copy.kept(), restore: (l) => payments.restoreLedger(id, l, at), forget: () => copy.forget() });
 */
export async function bringLedgerBack(steps: {
  pin(): Promise<void>;
  kept(): RideLedger | null;
  restore(ledger: RideLedger): Promise<void>;
  forget(): void;
}): Promise<void> {
  await steps.pin();
  const kept = steps.kept();
  if (kept) await steps.restore(kept);
  steps.forget();
}

/**
 * @example
 * const copy = new KeptLedger(ctx.storage.sql);
 * copy.keep(ledger);
 * copy.kept(); // the same rows
 */
export class KeptLedger {
  constructor(private readonly sql: SqlStorage) {}

  private made(): boolean {
    return this.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kept_ledger'").toArray().length > 0;
  }

  /**
   * Keeps the rows, merged into any kept before, row by row (the newer version of a row wins):
   * a second keep (a run that died before letting go sends them again, or a stray late row let
   * go on its own) never loses a row the first kept.
   */
  keep(ledger: RideLedger): void {
    this.sql.exec("CREATE TABLE IF NOT EXISTS kept_ledger (id INTEGER PRIMARY KEY CHECK (id = 1), ledger TEXT NOT NULL)");
    this.sql.exec("INSERT OR REPLACE INTO kept_ledger (id, ledger) VALUES (1, ?)", JSON.stringify(mergeLedgers(this.kept(), ledger)));
  }

  /** The rows kept, or null when the ledger still holds them. */
  kept(): RideLedger | null {
    if (!this.made()) return null;
    const row = this.sql.exec<{ ledger: string }>("SELECT ledger FROM kept_ledger WHERE id = 1").toArray()[0];
    return row ? (JSON.parse(row.ledger) as RideLedger) : null;
  }

  /** Forgets the rows once the ledger has them back. */
  forget(): void {
    if (this.made()) this.sql.exec("DELETE FROM kept_ledger");
  }
}

/** A table's column names as D1 stores them. */
export const ledgerColumns = (table: SQLiteTable): string[] => getTableConfig(table).columns.map((c) => c.name);

/**
 * The operations of a kept copy as the ledger reads them (drizzle's field names), in the order
 * made: what an operator's view of a ride's payments lists once the window let them go.
 *
 * @example
 * const entries = keptEntries(await rideStub(env, id).keptLedger());
 */
export function keptEntries(ledger: RideLedger | null): (typeof paymentOperations.$inferSelect)[] {
  const fields = Object.entries(getTableColumns(paymentOperations));
  return (ledger?.payment_operations ?? [])
    .map((row) => Object.fromEntries(fields.map(([field, column]) => [field, row[column.name] ?? null])) as typeof paymentOperations.$inferSelect)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
