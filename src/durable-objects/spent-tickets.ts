/**
 * Live tickets spent: a ticket (workers/gateway/live-ticket.ts) opens one socket, once. The
 * gateway checks its signature, path and expiry, which a second use of the same URL within its
 * 30 s would pass too (a URL lifted from a proxy's log, or a browser's history, replayed at
 * once). The object the ticket opens keeps its id, so that a second opening is refused: the
 * ticket's path names one object, so this is the only place that sees every use of it.
 *
 * Kept in the object's own SQLite, not in memory: a hibernated object forgets its memory. A row
 * outlives its ticket (`SPENT_TICKET_KEEP_MS`) and goes with the next ticket spent there.
 */

/** Longer than any ticket lives (30 s), with room for the gateway's and the object's clocks to differ. */
export const SPENT_TICKET_KEEP_MS = 120_000;

/**
 * Spends ticket `id` on this object: true the first time, false once it was spent (then the
 * socket is refused). Only for an object that exists: it writes a table of its own.
 *
 * @example
 * if (actor.ticketId && !spendTicket(ctx.storage.sql, actor.ticketId, Date.now())) return new Response("ticket used already", { status: 401 });
 */
export function spendTicket(sql: SqlStorage, id: string, now: number): boolean {
  sql.exec("CREATE TABLE IF NOT EXISTS spent_live_tickets (id TEXT PRIMARY KEY, keep_until INTEGER NOT NULL)");
  sql.exec("DELETE FROM spent_live_tickets WHERE keep_until <= ?", now);
  const spent = sql.exec(
    "INSERT INTO spent_live_tickets (id, keep_until) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING id",
    id,
    now + SPENT_TICKET_KEEP_MS,
  );
  return spent.toArray().length === 1;
}
