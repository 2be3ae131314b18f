/**
 * Bearer-JWT authentication (HS256) with roles. Every handler names the roles it
 * serves; ownership is checked where the resource lives (the Ride DO knows its rider
 * and driver).
 */
import type { Context } from "hono";
import { sign, verify } from "hono/jwt";
import type { Actor, Role } from "../../src/domain/types";
import { AppError } from "../../src/lib/problem";
import type { GatewayEnv } from "./context";

const ROLES = new Set<Role>(["rider", "driver", "ops"]);

function secretOf(env: Env): string {
  const secret = (env as { JWT_SECRET?: string }).JWT_SECRET;
  if (!secret || secret.length < 16) throw new AppError("internal", "JWT_SECRET is not configured (wrangler secret put JWT_SECRET, or .dev.vars locally)");
  return secret;
}

/** Reads the bearer token from the Authorization header or, for WebSockets, `access_token`. */
function tokenOf(c: Context<GatewayEnv>): string | null {
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ?? null;
  }
  return c.req.query("access_token") ?? null;
}

/**
 * Authenticates the request and checks its role.
 *
 * @example
 * const rider = await authenticate(c, ["rider"]);
 */
export async function authenticate(c: Context<GatewayEnv>, roles: readonly Role[]): Promise<Actor> {
  const token = tokenOf(c);
  if (!token) throw new AppError("unauthorized", "missing bearer token");
  let payload: Record<string, unknown>;
  try {
    payload = (await verify(token, secretOf(c.env), "HS256")) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("unauthorized", "invalid or expired token");
  }
  const sub = payload.sub;
  const role = payload.role;
  if (typeof sub !== "string" || sub.length === 0 || typeof role !== "string" || !ROLES.has(role as Role)) {
    throw new AppError("unauthorized", "token lacks sub or role");
  }
  if (typeof payload.exp !== "number") throw new AppError("unauthorized", "token lacks exp");
  if (!roles.includes(role as Role)) throw new AppError("forbidden", `this endpoint is for ${roles.join(" or ")}`);
  return { id: sub, role: role as Role };
}

/** Issues a token (development only, via /v1/dev/tokens). */
export function issueToken(env: Env, actor: Actor, ttlSeconds = 24 * 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: actor.id, role: actor.role, iat: now, exp: now + ttlSeconds }, secretOf(env), "HS256");
}
