/**
 * The gateway's app as the unit tests call it: `app.request()` with a test Env and no Durable
 * Object behind it (rate limiters in memory), tokens signed with the test secret.
 */
import { sign } from "hono/jwt";
import { vi } from "vitest";
import type { Role } from "../../src/domain/types";
import { createApp } from "./app";

export const SECRET = "unit-test-secret-0123456789abcdef";
const app = createApp();

/** A rate limiter that lets `allowed` calls through, then refuses. */
export function limiter(allowed: number) {
  let n = 0;
  return { limit: vi.fn(async (_: RateLimitOptions): Promise<RateLimitOutcome> => ({ success: ++n <= allowed })) };
}

/** A development Env with limits on and room in every limiter; `patch` adds or replaces bindings. */
export function testEnv(patch: Record<string, unknown> = {}): Env {
  return {
    ENVIRONMENT: "development",
    JWT_SECRET: SECRET,
    RATE_LIMITS: "on",
    ALLOWED_ORIGINS: "https://console.example.test",
    RIDER_LIMITER: limiter(100),
    LOCATION_LIMITER: limiter(100),
    IP_LIMITER: limiter(100),
    ACCOUNT_LIMITER: limiter(100),
    USER_LIMITER: limiter(1000),
    ...patch,
  } as unknown as Env;
}

/** A token of `role` for `sub`, valid for ten minutes. */
export const token = (sub: string, role: Role) => sign({ sub, role, exp: Math.floor(Date.now() / 1000) + 600 }, SECRET, "HS256");

/**
 * One request to the app; answers its status, headers, body (parsed when JSON) and text.
 *
 * @example
 * const { status, body } = await call("/v1/rides", { method: "POST", body: "{}", token: await token("r1", "rider") });
 */
export async function call(path: string, init: RequestInit & { token?: string } = {}, env = testEnv()) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const res = await app.request(path, { ...init, headers }, env);
  const text = await res.text();
  let body: { code?: string; detail?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON (the /docs page)
  }
  return { status: res.status, headers: res.headers, body, text };
}
