/**
 * The token's claims the gateway takes, with `app.request()` and no Durable Object behind it:
 * a `sub` must be an id every path and filter can name (`ENTITY_ID`), or the driver or rider
 * it names could register but never be approved, paid or looked up by an operator.
 */
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { createApp } from "./app";
import { CLOCK_SKEW_S } from "./auth";

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
  it("that no path could name, or that would put a person's address in every log (an e-mail, a `:`, dots alone, 129 characters) is 401, before the body is read", async () => {
    for (const sub of ["kim@example.com", "samlp|corp|kim@example.com", "a:b", ".", "..", "x".repeat(129), "", "d 1", "d/1"]) {
      const res = await registerAs(sub);
      expect([res.status, res.body.code], sub).toEqual([401, "unauthorized"]);
      expect(res.body.detail, sub).toMatch(/sub/);
    }
  });

  it("of letters, digits, _, -, . and | goes on to validation (this bad body is 400): identity providers' subjects", async () => {
    const subs = [
      "d_42-x",
      "x".repeat(128),
      "auth0|65f0c0ffee",
      "google-oauth2|104958613205943726318",
      "001234.5f0c0ffee9a1b2c3d4e5f6a7b8c9d0e1.0123",
      ".hidden",
      "a..b",
    ];
    for (const sub of subs) expect((await registerAs(sub)).status, sub).toBe(400);
  });
});

describe("a token's times", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const withTimes = (times: Record<string, unknown>) => sign({ sub: "d_1", role: "driver", exp: now() + 600, ...times }, SECRET, "HS256");
  const status = async (times: Record<string, unknown>) =>
    (
      await app.request(
        "/v1/drivers/me",
        { method: "PUT", body: "{", headers: { authorization: `Bearer ${await withTimes(times)}`, "content-type": "application/json" } },
        env,
      )
    ).status;

  it("issued or valid a few seconds ahead of our clock (the issuer's clock) is taken: this bad body is 400, not 401", async () => {
    expect(await status({ iat: now() + 2 })).toBe(400);
    expect(await status({ nbf: now() + CLOCK_SKEW_S - 5, iat: now() })).toBe(400);
  });

  it("issued or valid further ahead than CLOCK_SKEW_S, or with a time that is not a number, is 401; an expired one too", async () => {
    expect(await status({ iat: now() + CLOCK_SKEW_S + 30 })).toBe(401);
    expect(await status({ nbf: now() + 3600 })).toBe(401);
    expect(await status({ iat: "yesterday" })).toBe(401);
    expect(await status({ exp: now() - 1 })).toBe(401);
  });
});
