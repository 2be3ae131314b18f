/**
 * The key-issuing service, simulated (an edge of the world, like the payment simulator):
 * it hands out the 4-digit unlock key of a rental, the same key for the same rental
 * however often it is asked. Faults (PUT /v1/dev/faults `keys`): `down` refuses every
 * request, `slow` answers after a few seconds. One object, named "keys".
 *
 * A key is kept, in clear (it must be answered again, the same), only while its rental can still
 * ask for it: `KEY_MEMORY_MS` after it was issued (the longest rental, and a day), then the alarm
 * forgets it. Asked later, a rental would get a new key, which its Rental DO drops: a rental
 * that has ended takes no key.
 */
import { newHandoverCode } from "../domain/ride/parcel";
import { MAX_RENTAL_HOURS } from "../domain/rental/types";
import { fail, ok, type Outcome } from "../lib/problem";
import { StoredObject } from "./stored-object";

/** How long an issued key is kept: the longest rental (`MAX_RENTAL_HOURS`) and a day for the last asks of one ended. */
export const KEY_MEMORY_MS = (MAX_RENTAL_HOURS + 24) * 3_600_000;
/** The least time between two of the alarm's runs. */
export const KEY_SWEEP_EVERY_MS = 3_600_000;

/** The key service's injected fault: `down` refuses every request, `slow` answers after `latencyMs` (default 3000). */
export type KeyFault = { mode: "ok" | "down" | "slow"; latencyMs?: number };

export class KeyIssuerDurableObject extends StoredObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, [
      "CREATE TABLE IF NOT EXISTS keys (rental_id TEXT PRIMARY KEY, key TEXT NOT NULL, issued_at TEXT NOT NULL)",
      // The alarm's deletes and its next time read keys by age, never the whole table.
      "CREATE INDEX IF NOT EXISTS keys_by_issued ON keys (issued_at)",
      "CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]);
  }

  setFaults(fault: KeyFault): KeyFault {
    this.sql.exec("INSERT INTO settings (name, value) VALUES ('fault', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value", JSON.stringify(fault));
    return fault;
  }

  faults(): KeyFault {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE name = 'fault'").toArray()[0];
    return row ? (JSON.parse(row.value) as KeyFault) : { mode: "ok" };
  }

  /** The rental's key (issued once); `unavailable` while the service is down. */
  async issue(rentalId: string): Promise<Outcome<string>> {
    const fault = this.faults();
    if (fault.mode === "down") return fail("unavailable", "key service down (injected)");
    if (fault.mode === "slow") await new Promise((r) => setTimeout(r, fault.latencyMs ?? 3000));
    const known = this.sql.exec<{ key: string }>("SELECT key FROM keys WHERE rental_id = ?", rentalId).toArray()[0];
    if (known) return ok(known.key);
    // Uniform over 0000-9999 (a Uint16 `% 10_000` favours 0000-5535).
    const key = newHandoverCode();
    this.sql.exec("INSERT INTO keys (rental_id, key, issued_at) VALUES (?, ?, ?)", rentalId, key, new Date().toISOString());
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + KEY_MEMORY_MS);
    return ok(key);
  }

  /** Forgets the keys issued more than `KEY_MEMORY_MS` ago, and wakes again when the oldest left is due. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.sql.exec("DELETE FROM keys WHERE issued_at <= ?", new Date(now - KEY_MEMORY_MS).toISOString());
    const oldest = this.sql.exec<{ at: string | null }>("SELECT min(issued_at) AS at FROM keys").toArray()[0]?.at;
    // At most once an hour, whatever the rate of keys: a key kept an hour past its time is still a day past its rental's end.
    if (oldest) await this.ctx.storage.setAlarm(Math.max(now + KEY_SWEEP_EVERY_MS, Date.parse(oldest) + KEY_MEMORY_MS));
  }
}
