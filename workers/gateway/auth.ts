/**
 * Bearer-JWT authentication (HS256) with roles, as route middleware: `requireRole`
 * runs before the route's validators (@hono/zod-openapi puts route middleware first),
 * so an unauthenticated bad body is 401 and a wrong role 403, never 400. It puts the
 * actor on the context (`c.var.actor`); ownership is checked where the resource lives
 * (the Ride DO knows its rider and driver).
 *
 * The token comes from the Authorization header only. The `access_token` query
 * parameter is for browsers opening a WebSocket (they cannot set headers there) and is
 * taken only by `requireSocketRole`: tokens in URLs end up in logs and histories, so a
 * browser had better send a `ticket` there (live-ticket.ts), which is worthless soon after.
 */
import type { HonoRequest, MiddlewareHandler } from "hono";
import { sign, verify } from "hono/jwt";
import type { Actor, Role } from "../../src/domain/types";
import { ENTITY_ID } from "../../src/lib/ids";
import { AppError } from "../../src/lib/problem";
import type { AuthedEnv } from "./context";
import { redeemLiveTicket, TICKET_CLAIM } from "./live-ticket";
import { clientIp, enforceLimit } from "./rate-limit";

const ROLES = new Set<Role>(["rider", "driver", "ops"]);

/**
 * How far ahead of our clock a token's `iat` or `nbf` may be: tokens come from an identity service
 * whose clock is not ours, and one a second ahead would sign a user out just after they signed in.
 */
export const CLOCK_SKEW_S = 60;

/** Shorter keys are refused too: HS256 with a guessable key is no authentication. */
const MIN_SECRET_LENGTH = 16;

function secretOf(env: Pick<Env, "JWT_SECRET">): string {
  const secret: string | undefined = env.JWT_SECRET;
  if (!secret || secret.length < MIN_SECRET_LENGTH) {
    throw new AppError(
      "unavailable",
      "JWT_SECRET is not configured (wrangler secret put JWT_SECRET, or .dev.vars locally): tokens can be neither issued nor checked",
    );
  }
  return secret;
}

/** Where a token may come from. */
export interface TokenSources {
  /** Also the `access_token` query parameter (WebSocket upgrades only). */
  queryToken?: boolean;
}

/** What authentication reads of a request's context (the gateway's, with or without an actor yet). */
export interface AuthContext {
  req: HonoRequest;
  env: Pick<Env, "JWT_SECRET">;
}

/** The refusal of a token we signed that expired lately (`LAPSED_GRACE_MS`): the caller signs in again (and is not counted as anonymous traffic). */
export const TOKEN_LAPSED = "token expired: sign in again";
const LAPSED_GRACE_MS = 24 * 3600_000;

function tokenOf(c: AuthContext, sources: TokenSources): string {
  const query = c.req.query("access_token");
  if (query !== undefined && !sources.queryToken) {
    throw new AppError("unauthorized", "the access_token query parameter is accepted only on WebSocket endpoints: send Authorization: Bearer <token>");
  }
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AppError("unauthorized", "the Authorization header must be: Bearer <token>");
    return match[1];
  }
  if (query) return query;
  throw new AppError("unauthorized", "missing bearer token");
}

/** A bearer token's claims, checked: signature, times (with the clock skew), and not a live ticket. */
async function bearerClaims(c: AuthContext, sources: TokenSources): Promise<Record<string, unknown>> {
  const token = tokenOf(c, sources);
  const secret = secretOf(c.env);
  let payload: Record<string, unknown>;
  try {
    // `iat` and `nbf` are checked below, with the clock skew allowed; the signature and `exp` here.
    payload = (await verify(token, secret, { alg: "HS256", iat: false, nbf: false })) as Record<string, unknown>;
  } catch {
    // Ours, and lapsed lately: a signed token found in an old log does not make its sender uncounted for ever.
    const lapsed = await verify(token, secret, { alg: "HS256", exp: false }).then(
      (p) => typeof p.exp === "number" && p.exp * 1000 > Date.now() - LAPSED_GRACE_MS,
      () => false,
    );
    throw new AppError("unauthorized", lapsed ? TOKEN_LAPSED : "invalid or expired token");
  }
  const ahead = Math.floor(Date.now() / 1000) + CLOCK_SKEW_S;
  for (const claim of ["iat", "nbf"] as const) {
    const at = payload[claim];
    if (at !== undefined && (typeof at !== "number" || !Number.isFinite(at) || at > ahead)) throw new AppError("unauthorized", "invalid or expired token");
  }
  // A ticket lifted from a socket's logged URL is not a token for anything else (live-ticket.ts).
  if (TICKET_CLAIM in payload) throw new AppError("unauthorized", "a live ticket opens only the socket it was issued for: send the token itself");
  if (typeof payload.exp !== "number") throw new AppError("unauthorized", "token lacks exp");
  return payload;
}

/**
 * Authenticates the request and checks its role; answers the actor and when its token expires (ms).
 * On a socket (`queryToken`), a `ticket` query parameter stands for the token it was issued under.
 *
 * @example
 * const { actor, expiresAt } = await authenticate(c, ["rider", "ops"], { queryToken: true });
 */
export async function authenticate(
  c: AuthContext,
  roles: readonly Role[],
  sources: TokenSources = {},
): Promise<{ actor: Actor; expiresAt: number; ticketId?: string }> {
  // An empty `ticket=` is none (a client that always appends it may authenticate by its header).
  const ticket = sources.queryToken ? c.req.query("ticket") || undefined : undefined;
  let payload: Record<string, unknown>;
  let expiresAt: number;
  let ticketId: string | undefined;
  if (ticket !== undefined) {
    ({ payload, tokenExpiresAt: expiresAt, ticketId } = await redeemLiveTicket(secretOf(c.env), ticket, c.req.path));
  } else {
    payload = await bearerClaims(c, sources);
    expiresAt = (payload.exp as number) * 1000;
  }
  const sub = payload.sub;
  const role = payload.role;
  if (typeof sub !== "string" || sub.length === 0 || typeof role !== "string" || !ROLES.has(role as Role)) {
    throw new AppError("unauthorized", "token lacks sub or role");
  }
  // An id no path or filter could name (a driver operators could never approve or pay): refused, with the rule.
  if (!ENTITY_ID.test(sub)) throw new AppError("unauthorized", "token's sub must be 1-128 letters, digits, '_', '-', '.' or '|' (not dots alone)");
  if (!roles.includes(role as Role)) throw new AppError("forbidden", `this endpoint is for ${roles.join(" or ")}`);
  return { actor: { id: sub, role: role as Role }, expiresAt, ...(ticketId ? { ticketId } : {}) };
}

function roleMiddleware(roles: readonly Role[], sources: TokenSources): MiddlewareHandler<AuthedEnv> {
  return async (c, next) => {
    let authenticated: Awaited<ReturnType<typeof authenticate>>;
    try {
      authenticated = await authenticate(c, roles, sources);
    } catch (error) {
      // Refused callers are anonymous: they count against their address's limit; but one whose own token (ours, signed) just
      // lapsed is a user to send back to sign in, not a 429 because others behind the same carrier's address sent junk.
      if (error instanceof AppError && error.code === "unauthorized" && error.message !== TOKEN_LAPSED) await enforceLimit(c.env, "ip", clientIp(c));
      throw error;
    }
    // A ceiling on each rider's and driver's requests: every call naming a made-up ride or rental id
    // starts a Durable Object. Operators are trusted (the console polls and replays in bulk).
    if (authenticated.actor.role !== "ops") await enforceLimit(c.env, "user", authenticated.actor.id);
    c.set("actor", authenticated.actor);
    c.set("tokenExpiresAt", authenticated.expiresAt);
    if (authenticated.ticketId) c.set("liveTicketId", authenticated.ticketId);
    await next();
  };
}

/**
 * Route middleware: a bearer token (Authorization header) of one of `roles`; sets `c.var.actor`.
 *
 * @example
 * createRoute({ method: "post", path: "/v1/rides", middleware: [requireRole("rider")], ... });
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AuthedEnv> {
  return roleMiddleware(roles, {});
}

/**
 * `requireRole` for WebSocket upgrades: the token may also come in `access_token`.
 *
 * @example
 * app.get("/v1/drivers/me/live", requireSocketRole("driver"), (c) => upgrade(c, c.var.actor));
 */
export function requireSocketRole(...roles: Role[]): MiddlewareHandler<AuthedEnv> {
  return roleMiddleware(roles, { queryToken: true });
}

/**
 * Issues a token (development only, via /v1/dev/tokens).
 *
 * @example
 * const token = await issueToken(c.env, { id: "r1", role: "rider" });
 */
export function issueToken(env: Pick<Env, "JWT_SECRET">, actor: Actor, ttlSeconds = 24 * 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: actor.id, role: actor.role, iat: now, exp: now + ttlSeconds }, secretOf(env), "HS256");
}
