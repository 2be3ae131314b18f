/**
 * The fleet: the one list of every rental vehicle registered, kept outside the views (one
 * object, named "fleet"). A vehicle is added here before its own object is made, so no
 * vehicle exists that the list does not name; the views' rebuild walks it to project every
 * vehicle from its object, the ones never rented included (an emptied view knows none of
 * them, and nothing else names them). Written once a registration, read a page at a time by
 * the rebuild: never on a rental's path.
 */
import { StoredObject } from "./stored-object";

export class FleetDurableObject extends StoredObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, ["CREATE TABLE IF NOT EXISTS vehicles (id TEXT PRIMARY KEY, added_at TEXT NOT NULL)"]);
  }

  /** Adds vehicle ids; one already listed stays as it was. */
  add(vehicleIds: string[]): void {
    const now = new Date().toISOString();
    for (const id of vehicleIds) this.sql.exec("INSERT INTO vehicles (id, added_at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING", id, now);
  }

  /** Up to `limit` vehicle ids after `after` (null: from the first), in id order. */
  page(after: string | null, limit: number): string[] {
    return this.sql
      .exec<{ id: string }>("SELECT id FROM vehicles WHERE id > ? ORDER BY id LIMIT ?", after ?? "", limit)
      .toArray()
      .map((r) => r.id);
  }
}
