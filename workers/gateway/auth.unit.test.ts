/**
 * The token's claims the gateway takes, with `app.request()` and no Durable Object behind it:
 * a `sub` must be an id every path and filter can name (`ENTITY_ID`), or the driver or rider
 * it names could register but never be approved, paid or looked up by an operator.
 */
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { createApp } from "./app";

const SECRET = "unit-test-secret-0123456789abcdef";
const app = createApp();
const env = { ENVIRONMENT: "development", JWT_SECRET: SECRET, RATE_LIMITS: "off" } as unknown as Env;
const token = (sub: string) => sign({ sub, role: "driver", exp: Math.floor(Date.now() / 1000) + 600 }, SECRET, "HS256");

/** A driver's bad body sent with a token of `sub`: answered before any binding is touched. */
async function registerAs(sub: string) {
  const res = await app.request(
    "/v1/drivers/me",
    { method: "PUT", body: "{", headers: { authorization: `Bearer ${await token(sub)}`, "content-type": "application/json" } },
    env,
  );
  return { status: res.status, body: (await res.json()) as { code?: string; detail?: string } };
}

describe("a token's sub", () => {
  it("that no path could name (an identity provider's `auth0|…`, an e-mail, 65 characters) is 401, before the body is read", async () => {
    for (const sub of ["auth0|65f0c0ffee", "kim@example.com", "x".repeat(65)]) {
      const res = await registerAs(sub);
      expect([res.status, res.body.code], sub).toEqual([401, "unauthorized"]);
      expect(res.body.detail).toContain("sub");
    }
  });

  it("of letters, digits, _ and - goes on to validation (this bad body is 400)", async () => {
    for (const sub of ["d_42-x", "x".repeat(64)]) expect((await registerAs(sub)).status, sub).toBe(400);
  });
});
