/**
 * The fleet: the one list of every rental vehicle and every driver registered, kept outside the
 * views (one object, named "fleet"). A vehicle is added here before its own object is made, a
 * driver by their own object before its first commit, so none exists that the list does not name. The views' rebuild walks it to
 * project each from its object, those never rented or never driven included (an emptied view
 * knows none of them, and nothing else names them), and the repair sweep walks it a page a run
 * to project those whose first message was lost (workers/gateway/roster-repair.ts). Written once
 * a registration, read a page at a time: never on a ride's or a rental's path.
 */
import { StoredObject } from "./stored-object";

/** What the fleet lists: each its own table (a name checked before it is put in a statement). */
export type FleetKind = "vehicles" | "drivers";
const KINDS: readonly string[] = ["vehicles", "drivers"] satisfies FleetKind[];

function tableOf(kind: FleetKind): FleetKind {
  if (!KINDS.includes(kind)) throw new RangeError(`the fleet lists no ${String(kind)}`);
  return kind;
}

export class FleetDurableObject extends StoredObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, [
      "CREATE TABLE IF NOT EXISTS vehicles (id TEXT PRIMARY KEY, added_at TEXT NOT NULL)",
      // Since 2026-12-06: a driver whose registration's message was lost had no row, and nothing named them.
      "CREATE TABLE IF NOT EXISTS drivers (id TEXT PRIMARY KEY, added_at TEXT NOT NULL)",
    ]);
  }

  /** Adds vehicle ids; one already listed stays as it was. */
  add(vehicleIds: string[]): void {
    this.list("vehicles", vehicleIds);
  }

  /** Adds driver ids; one already listed stays as it was. */
  addDrivers(driverIds: string[]): void {
    this.list("drivers", driverIds);
  }

  /** Up to `limit` vehicle ids after `after` (null: from the first), in id order. */
  page(after: string | null, limit: number): string[] {
    return this.pageOf("vehicles", after, limit);
  }

  /** Up to `limit` ids of `kind` after `after` (null: from the first), in id order. */
  pageOf(kind: FleetKind, after: string | null, limit: number): string[] {
    return this.sql
      .exec<{ id: string }>(`SELECT id FROM ${tableOf(kind)} WHERE id > ? ORDER BY id LIMIT ?`, after ?? "", limit)
      .toArray()
      .map((r) => r.id);
  }

  private list(kind: FleetKind, ids: string[]): void {
    const now = new Date().toISOString();
    for (const id of ids) this.sql.exec(`INSERT INTO ${tableOf(kind)} (id, added_at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING`, id, now);
  }
}
