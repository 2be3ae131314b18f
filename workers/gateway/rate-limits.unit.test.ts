/** The gateway's rate limits, with `app.request()` and the limiters in memory (./app-fixtures.ts). */
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { call, limiter, SECRET, testEnv, token } from "./app-fixtures";

describe("rate limits", () => {
  it("a rider over the limit gets 429 with Retry-After before the body is read or any object called", async () => {
    const riderLimiter = limiter(0);
    const env = testEnv({ RIDER_LIMITER: riderLimiter });
    const res = await call("/v1/rides", { method: "POST", body: "{", token: await token("r7", "rider") }, env);
    expect(res.status).toBe(429);
    expect(res.body.code).toBe("rate_limited");
    expect(res.headers.get("retry-after")).toBe("60");
    expect(riderLimiter.limit).toHaveBeenCalledWith({ key: "r7" });
    expect((await call("/v1/quotes", { method: "POST", body: "{}", token: await token("r7", "rider") }, env)).status).toBe(429);
    // Paying dues too: each declined charge reaches the provider, so unlimited it would test card after card.
    expect((await call("/v1/me/dues/pay", { method: "POST", body: "{}", token: await token("r7", "rider") }, env)).status).toBe(429);
  });

  it("a driver's location reports are limited per driver", async () => {
    const env = testEnv({ LOCATION_LIMITER: limiter(0) });
    const res = await call("/v1/drivers/me/location", { method: "PUT", body: JSON.stringify({ lat: 1, lng: 2 }), token: await token("d7", "driver") }, env);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("10");
    // Going online carries a location too (written to the driver and, moved, to the dispatch cell): the same budget.
    const online = await call(
      "/v1/drivers/me/online",
      { method: "POST", body: JSON.stringify({ location: { lat: 1, lng: 2 } }), token: await token("d7", "driver") },
      env,
    );
    expect(online.status).toBe(429);
  });

  it("changes to an account (a driver's profile, a phone number) are limited per user, before the body is read; reading them is not", async () => {
    const accountLimiter = limiter(0);
    const env = testEnv({ ACCOUNT_LIMITER: accountLimiter });
    const driver = await token("d8", "driver");
    const rider = await token("r9", "rider");
    for (const [path, method, who] of [
      ["/v1/drivers/me", "PUT", driver],
      ["/v1/me/contact", "PUT", rider],
      ["/v1/me/contact", "DELETE", driver],
    ] as const) {
      const res = await call(path, { method, body: method === "DELETE" ? undefined : "{", token: who }, env);
      expect([res.status, res.body.code, res.headers.get("retry-after")], `${method} ${path}`).toEqual([429, "rate_limited", "60"]);
    }
    expect(accountLimiter.limit.mock.calls.map(([o]) => o.key)).toEqual(["d8", "r9", "d8"]);
    // Unauthenticated, it is 401 first, and counts against the address, not an account.
    expect((await call("/v1/drivers/me", { method: "PUT", body: "{" }, env)).status).toBe(401);
    expect(accountLimiter.limit).toHaveBeenCalledTimes(3);
  });

  it("every request of a rider or driver counts against a ceiling per user, before any object is called; an operator's never", async () => {
    const userLimiter = limiter(0);
    const objects: string[] = [];
    const RIDE = { idFromName: (n: string) => n, get: (n: string) => (objects.push(n), { get: async () => ({ ok: false }) }) };
    const env = testEnv({ USER_LIMITER: userLimiter, RIDE });
    for (const [path, who] of [
      ["/v1/rides/rd_abcdefghijklmnopqrstuvwx", await token("r5", "rider")],
      ["/v1/rentals/rn_abcdefghijklmnopqrstuvwx/events", await token("r5", "rider")],
      ["/v1/drivers/me/offers", await token("d5", "driver")],
    ] as const) {
      const res = await call(path, { token: who }, env);
      expect([res.status, res.body.code, res.headers.get("retry-after")], path).toEqual([429, "rate_limited", "60"]);
    }
    expect(userLimiter.limit.mock.calls.map(([o]) => o.key)).toEqual(["r5", "r5", "d5"]);
    expect(objects).toEqual([]);
    const ops = await call("/v1/ops/rides", { token: await token("o5", "ops") }, testEnv({ USER_LIMITER: userLimiter }));
    expect(ops.status).not.toBe(429);
    expect(userLimiter.limit).toHaveBeenCalledTimes(3);
  });

  it("unauthenticated endpoints and refused tokens are limited per IP; health checks never", async () => {
    const ipLimiter = limiter(0);
    const env = testEnv({ IP_LIMITER: ipLimiter });
    const from = { "cf-connecting-ip": "203.0.113.7" };
    expect((await call("/openapi.json", { headers: from }, env)).status).toBe(429);
    expect((await call("/docs", { headers: from }, env)).status).toBe(429);
    expect((await call("/docs/swagger-ui.css", { headers: from }, env)).status).toBe(429);
    expect((await call("/console/rides", { headers: from }, env)).status).toBe(429);
    expect((await call("/v1/dev/tokens", { method: "POST", body: "{}", headers: from }, env)).status).toBe(429);
    expect((await call("/v1/ops/rides", { headers: from }, env)).status).toBe(429);
    expect((await call("/no/such/path", { headers: from }, env)).status).toBe(429);
    expect(ipLimiter.limit).toHaveBeenCalledWith({ key: "203.0.113.7" });
    expect((await call("/healthz", { headers: from }, env)).status).toBe(200);
    // An authenticated call is not counted against its address.
    ipLimiter.limit.mockClear();
    expect((await call("/v1/rides", { method: "POST", body: "{", token: await token("r8", "rider"), headers: from }, env)).status).toBe(400);
    expect(ipLimiter.limit).not.toHaveBeenCalled();
  });

  it("a token of ours that lapsed lately is a 401 to sign in again, not counted against its address; a forged one or one long expired is", async () => {
    const ipLimiter = limiter(0);
    const env = testEnv({ IP_LIMITER: ipLimiter });
    const from = { "cf-connecting-ip": "203.0.113.9" };
    const exp = Math.floor(Date.now() / 1000) - 60;
    const lapsed = await sign({ sub: "r9", role: "rider", exp }, SECRET, "HS256");
    const answer = await call("/v1/rides", { method: "POST", body: "{}", token: lapsed, headers: from }, env);
    expect([answer.status, answer.body.detail]).toEqual([401, "token expired: sign in again"]);
    expect(ipLimiter.limit).not.toHaveBeenCalled();
    // Ours but long expired (found in an old log, say): counted, as anonymous.
    const old = await sign({ sub: "r9", role: "rider", exp: exp - 2 * 86_400 }, SECRET, "HS256");
    expect((await call("/v1/rides", { method: "POST", body: "{}", token: old, headers: from }, env)).status).toBe(429);
    const forged = await sign({ sub: "r9", role: "rider", exp }, "not-our-secret-0123456789abcdef0", "HS256");
    expect((await call("/v1/rides", { method: "POST", body: "{}", token: forged, headers: from }, env)).status).toBe(429);
    expect((await call("/v1/rides", { method: "POST", body: "{}", token: "junk", headers: from }, env)).status).toBe(429);
  });

  it("with RATE_LIMITS off nothing is limited", async () => {
    const env = testEnv({ RATE_LIMITS: "off", IP_LIMITER: limiter(0) });
    expect((await call("/openapi.json", {}, env)).status).toBe(200);
  });
});
