/**
 * The key-issuing service, simulated (an edge of the world, like the payment simulator):
 * it hands out the 4-digit unlock key of a rental, the same key for the same rental
 * however often it is asked. Faults (PUT /v1/dev/faults `keys`): `down` refuses every
 * request, `slow` answers after a few seconds. One object, named "keys".
 */
import { newHandoverCode } from "../domain/ride/parcel";
import { fail, ok, type Outcome } from "../lib/problem";
import { StoredObject } from "./stored-object";

/** The key service's injected fault: `down` refuses every request, `slow` answers after `latencyMs` (default 3000). */
export type KeyFault = { mode: "ok" | "down" | "slow"; latencyMs?: number };

export class KeyIssuerDurableObject extends StoredObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, [
      "CREATE TABLE IF NOT EXISTS keys (rental_id TEXT PRIMARY KEY, key TEXT NOT NULL, issued_at TEXT NOT NULL)",
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
    return ok(key);
  }
}
