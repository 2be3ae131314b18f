/**
 * Live tickets: what a browser puts in a live socket's URL instead of its token. A browser cannot
 * set headers on a WebSocket, so its credential goes in the query string, and URLs are written to
 * request logs (the platform's, a proxy's, a browser's history). A ticket found there later is
 * worth nothing: it opens only the one socket path it was issued for, once, within
 * `LIVE_TICKET_TTL_S`, and no other endpoint takes it. The socket it opens still ends when the token it was issued under
 * expires (`tokenExp`), as a socket opened with that token would.
 *
 * A ticket is an HS256 JWT under a key of its own, derived from JWT_SECRET (`ticketKey`): no
 * service that checks tokens with JWT_SECRET takes one (nor this gateway's code of before). It also
 * carries its `live_path` claim, which the bearer check refuses: a ticket is never a token.
 */
import { sign, verify } from "hono/jwt";
import type { Actor } from "../../src/domain/types";
import { hmacSha256Hex } from "../../src/lib/ids";
import { AppError } from "../../src/lib/problem";

/** Long enough to open a socket over a slow mobile link; short enough that a logged URL is stale before anyone reads it. */
export const LIVE_TICKET_TTL_S = 30;

/** The claim that makes a signed token a ticket (and refused as a bearer token). */
export const TICKET_CLAIM = "live_path";

/** The key tickets are signed with: JWT_SECRET's, derived for tickets alone. */
function ticketKey(secret: string): Promise<string> {
  return hmacSha256Hex(secret, "live-ticket/v1");
}

/** The live socket paths a ticket may be issued for. */
const LIVE_PATHS = [/^\/v1\/rides\/[A-Za-z0-9_-]{1,64}\/live$/, /^\/v1\/drivers\/me\/live$/, /^\/v1\/ops\/live$/];

/** True for a path a ticket may open. */
export function isLivePath(path: string): boolean {
  return LIVE_PATHS.some((p) => p.test(path));
}

/**
 * Issues a ticket for `path`, for `actor`, under a token expiring at `tokenExpiresAt` (ms).
 *
 * @example
 * const { ticket } = await issueLiveTicket(secret, actor, c.var.tokenExpiresAt, "/v1/ops/live", Date.now());
 * new WebSocket(`wss://host/v1/ops/live?ticket=${ticket}`);
 */
export async function issueLiveTicket(
  secret: string,
  actor: Actor,
  tokenExpiresAt: number,
  path: string,
  now: number,
): Promise<{ ticket: string; expiresAt: number }> {
  const tokenExp = Math.floor(tokenExpiresAt / 1000);
  const exp = Math.min(Math.floor(now / 1000) + LIVE_TICKET_TTL_S, tokenExp);
  // `jti`: two tickets are never the same string, so one in a log names one socket opening.
  const ticket = await sign(
    { sub: actor.id, role: actor.role, [TICKET_CLAIM]: path, tokenExp, exp, jti: crypto.randomUUID() },
    await ticketKey(secret),
    "HS256",
  );
  return { ticket, expiresAt: exp * 1000 };
}

/**
 * The claims of a ticket for `path`: who, when the token it stands for expires (ms), and its id
 * (`jti`), which the object the socket opens on spends (a second opening is refused there:
 * src/durable-objects/spent-tickets.ts). A ticket expired, forged, issued for another path, or
 * without an id is 401.
 *
 * @example
 * const { payload, tokenExpiresAt, ticketId } = await redeemLiveTicket(secret, c.req.query("ticket"), c.req.path);
 */
export async function redeemLiveTicket(
  secret: string,
  ticket: string,
  path: string,
): Promise<{ payload: Record<string, unknown>; tokenExpiresAt: number; ticketId: string }> {
  let payload: Record<string, unknown>;
  try {
    payload = (await verify(ticket, await ticketKey(secret), "HS256")) as Record<string, unknown>;
  } catch {
    throw new AppError("unauthorized", "invalid or expired ticket: ask POST /v1/live/tickets for another");
  }
  if (payload[TICKET_CLAIM] !== path) throw new AppError("unauthorized", "this ticket is for another socket");
  if (typeof payload.tokenExp !== "number" || typeof payload.jti !== "string" || payload.jti === "") {
    throw new AppError("unauthorized", "invalid or expired ticket: ask POST /v1/live/tickets for another");
  }
  return { payload, tokenExpiresAt: payload.tokenExp * 1000, ticketId: payload.jti };
}
