/**
 * Rate limits, with the Workers Rate Limiting bindings (they run locally too): ride and
 * quote creation per rider, location reports per driver, unauthenticated traffic
 * (including requests refused as unauthenticated) per client IP, and every request of a
 * rider or driver per user (a ceiling, counted as they are authenticated: `requireRole`). On only when
 * `RATE_LIMITS` is "on", so load tests can run without them.
 *
 * Used as route middleware, after authentication and before validation and any Durable
 * Object call: a request over the limit changes nothing.
 */
import type { Context, HonoRequest, MiddlewareHandler } from "hono";
import { AppError } from "../../src/lib/problem";
import { LIMITERS, type LimiterName } from "../../src/rate-limits";
import type { AuthedEnv, GatewayEnv } from "./context";

// The limiters' bindings and periods are data (src/rate-limits.ts, checked against the configs).
export { LIMITERS, type LimiterName };

/** What the limiter needs of the environment: the switch and every binding LIMITERS names (a new limiter is one entry there). */
export type LimiterEnv = Pick<Env, "RATE_LIMITS" | (typeof LIMITERS)[LimiterName]["binding"]>;

/** The key of requests that carry no client address (never the case behind Cloudflare). */
export const UNKNOWN_IP = "unknown";

/**
 * Counts one request for `key` on the limiter `name`; throws 429 `rate_limited` (with
 * Retry-After) past the limit. Does nothing unless RATE_LIMITS is "on". Fails open: a
 * limiter that cannot answer lets the request through rather than taking the API down.
 *
 * @example
 * await enforceLimit(c.env, "rider", rider.id);
 */
export async function enforceLimit(env: LimiterEnv, name: LimiterName, key: string): Promise<void> {
  if (env.RATE_LIMITS !== "on") return;
  const spec = LIMITERS[name];
  const limiter: RateLimit | undefined = env[spec.binding];
  let success: boolean;
  try {
    if (!limiter) throw new Error(`no ${spec.binding} binding`);
    ({ success } = await limiter.limit({ key }));
  } catch (error) {
    console.warn(JSON.stringify({ msg: "rate limiter unavailable; letting the request through", limiter: spec.binding, error: String(error) }));
    return;
  }
  if (!success) {
    throw new AppError("rate_limited", `too many ${spec.what}; try again within ${spec.periodS} s`, { retryAfterSeconds: spec.periodS });
  }
}

/**
 * The caller's address as Cloudflare reports it.
 *
 * @example
 * await enforceLimit(c.env, "ip", clientIp(c));
 */
export function clientIp(c: { req: HonoRequest }): string {
  return c.req.header("cf-connecting-ip")?.trim() || UNKNOWN_IP;
}

/**
 * Middleware that counts the request against `name`, keyed by `keyOf`.
 *
 * @example
 * createRoute({ ..., middleware: [requireRole("rider"), limitBy("rider", (c) => c.var.actor.id)] });
 */
export function limitBy<E extends GatewayEnv | AuthedEnv>(name: LimiterName, keyOf: (c: Context<E>) => string): MiddlewareHandler<E> {
  return async (c, next) => {
    await enforceLimit(c.env, name, keyOf(c));
    await next();
  };
}

/** Ride, quote and rental creation and dues payments, per rider (after `requireRole("rider")`). */
export const limitRider: MiddlewareHandler<AuthedEnv> = limitBy<AuthedEnv>("rider", (c) => c.var.actor.id);

/** Location reports, per driver (after `requireRole("driver")`). */
export const limitLocation: MiddlewareHandler<AuthedEnv> = limitBy<AuthedEnv>("location", (c) => c.var.actor.id);

/** Changes to an account (a driver's profile, a phone number), per user (after `requireRole`). */
export const limitAccount: MiddlewareHandler<AuthedEnv> = limitBy<AuthedEnv>("account", (c) => c.var.actor.id);

/** Unauthenticated endpoints, per client IP. */
export const limitIp: MiddlewareHandler<GatewayEnv> = limitBy<GatewayEnv>("ip", clientIp);
