/**
 * The development-only views fault (PUT /v1/dev/faults {views: {mode}}): with `down`,
 * the views worker's projection fails, so tests can watch messages end in the dead
 * letters and come back by replay. Kept in the views database, the one store both the
 * gateway (which sets it) and the views worker (which reads it) bind.
 */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { viewFaults } from "./schema";

export type ViewsFaultMode = "ok" | "down";

/**
 * Sets the fault (the caller checks the environment).
 *
 * @example
 * await setViewsFault(env.VIEWS_DB, "down");
 */
export async function setViewsFault(d1: D1Database, mode: ViewsFaultMode): Promise<void> {
  const now = new Date().toISOString();
  const fault = JSON.stringify({ mode });
  await drizzle(d1)
    .insert(viewFaults)
    .values({ id: 1, fault, updatedAt: now })
    .onConflictDoUpdate({ target: viewFaults.id, set: { fault, updatedAt: now } });
}

/**
 * The fault in force (`ok` when none was ever set).
 *
 * @example
 * if ((await viewsFault(env.VIEWS_DB)) === "down") throw new Error("views fault: down");
 */
export async function viewsFault(d1: D1Database): Promise<ViewsFaultMode> {
  const [row] = await drizzle(d1).select({ fault: viewFaults.fault }).from(viewFaults).where(eq(viewFaults.id, 1));
  if (!row) return "ok";
  const { mode } = JSON.parse(row.fault) as { mode?: unknown };
  return mode === "down" ? "down" : "ok";
}
