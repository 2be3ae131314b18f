/**
 * The gateway's order of checks, with `app.request()` and no Durable Object behind it:
 * body limit, then authentication and role, then rate limits (./rate-limits.unit.test.ts), then validation. Every
 * request here is answered before any binding but the rate limiters would be touched
 * (they are absent: reaching one would be a 500), except in the last part: a view or a
 * ride object that fails the way the platform fails, and the answer that makes.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SLOW_REQUEST_MS, worthALook } from "./app";
import { call, testEnv, token } from "./app-fixtures";
import { MAX_BODY_BYTES } from "./security";

describe("authentication and role before validation", () => {
  it("an unauthenticated bad body is 401, a wrong role 403, the right role 400", async () => {
    expect((await call("/v1/rides", { method: "POST", body: "{" })).status).toBe(401);
    expect((await call("/v1/rides", { method: "POST", body: "{", token: await token("d1", "driver") })).status).toBe(403);
    expect((await call("/v1/ops/drivers/not!valid/reject", { method: "POST", token: await token("r1", "rider") })).status).toBe(403);
    expect((await call("/v1/ops/rides?limit=abc")).status).toBe(401);
    const rider = await call("/v1/rides", { method: "POST", body: "{", token: await token("r1", "rider") });
    expect(rider.status).toBe(400);
    expect(rider.body.code).toBe("invalid_request");
  });

  it("a payment method is a provider's token everywhere (a card number for the dues is 400, never sent on); a day that does not exist is 400, not the day after", async () => {
    const rider = await token("r1", "rider");
    for (const paymentMethod of ["4111 1111 1111 1111", "   ", "<script>", "pm_", "pm_card visa"]) {
      const dues = await call("/v1/me/dues/pay", { method: "POST", body: JSON.stringify({ paymentMethod }), token: rider });
      expect([dues.status, dues.body.code], paymentMethod).toEqual([400, "invalid_request"]);
    }
    const ops = await token("o1", "ops");
    const run = await call("/v1/ops/payouts", { method: "POST", body: JSON.stringify({ cutoff: "2026-02-30T00:00:00Z" }), token: ops });
    expect([run.status, run.body.code]).toEqual([400, "invalid_request"]);
    for (const range of [
      "from=2025-02-29T00:00:00Z&to=2025-03-02T00:00:00Z",
      "from=2025-01-01T00:00:00Z&to=2025-04-31T00:00:00Z",
      "from=2025-13-01T00:00:00Z&to=2026-01-01T00:00:00Z",
    ]) {
      const report = await call(`/v1/ops/reports/commission?${range}`, { token: ops });
      expect([report.status, report.body.code], range).toEqual([400, "invalid_request"]);
    }
  });
});

describe("a pending driver's accept", () => {
  const pendingDriver = { idFromName: (name: string) => name, get: () => ({ get: async () => ({ approval: "pending" }) }) };

  it("is 403 driver_not_approved before the ride id is read: a malformed id is no 400 for them", async () => {
    const env = testEnv({ DRIVER: pendingDriver });
    for (const id of ["rd_0000000000aaaaaaaaaaaaaa", "not!an!id"]) {
      const res = await call(`/v1/rides/${id}/accept`, { method: "POST", token: await token("d5", "driver") }, env);
      expect([res.status, res.body.code], id).toEqual([403, "driver_not_approved"]);
    }
  });

  it("a rejected driver cannot charge a no-show's fee (the rejection's call to the ride may be lost); complete stays open", async () => {
    const advanced: string[] = [];
    const ride = { advance: async (_d: string, step: string) => (advanced.push(step), { ok: true, value: { id: "rd_0000000000aaaaaaaaaaaaaa" } }) };
    const rejected = { idFromName: (name: string) => name, get: () => ({ get: async () => ({ approval: "rejected" }) }) };
    const env = testEnv({ DRIVER: rejected, RIDE: { idFromName: (name: string) => name, get: () => ride } });
    const driver = await token("d7", "driver");
    const noShow = await call("/v1/rides/rd_0000000000aaaaaaaaaaaaaa/no-show", { method: "POST", token: driver }, env);
    expect([noShow.status, noShow.body.code]).toEqual([403, "driver_not_approved"]);
    expect(advanced).toEqual([]);
    const completed = await call("/v1/rides/rd_0000000000aaaaaaaaaaaaaa/complete", { method: "POST", token: driver }, env);
    expect(completed.status, "a trip under way is theirs to finish").not.toBe(403);
  });

  it("an approved driver's malformed id is still refused (no object called for it)", async () => {
    const approved = { idFromName: (name: string) => name, get: () => ({ get: async () => ({ approval: "approved" }) }) };
    const res = await call("/v1/rides/not!an!id/accept", { method: "POST", token: await token("d6", "driver") }, testEnv({ DRIVER: approved }));
    expect(res.status).toBe(400);
  });

  it("going online: a pending or rejected driver's malformed body is 403 too; an approved driver's is 400, and a valid body reads the driver once", async () => {
    // Bodies a validator refuses before the route's hook (no JSON type, malformed JSON), and one the schema refuses.
    const bodies: [string, Record<string, string>][] = [
      ["{}", {}],
      ["{", {}],
      ["{}", { "content-type": "text/plain" }],
      ['{"location":1}', { "content-type": "" }],
      // JSON to Hono's validator (its media type), not to zod-openapi's check of the whole header, which refuses it first.
      ["{}", { "content-type": "application/json;" }],
      ["{}", { "content-type": "application/x_y+json" }],
    ];
    for (const approval of ["pending", "rejected"]) {
      const driver = { idFromName: (name: string) => name, get: () => ({ get: async () => ({ approval }) }) };
      for (const [body, headers] of bodies) {
        const init = { method: "POST", body, headers, token: await token("d7", "driver") };
        const res = await call("/v1/drivers/me/online", init, testEnv({ DRIVER: driver }));
        expect([res.status, res.body.code], `${approval} ${body} ${JSON.stringify(headers)}`).toEqual([403, "driver_not_approved"]);
      }
    }
    const calls: string[] = [];
    const approved = {
      idFromName: (name: string) => name,
      get: () => ({
        get: async () => (calls.push("get"), { approval: "approved" }),
        goOnline: async () => (calls.push("goOnline"), { ok: false, problem: { code: "driver_not_approved", detail: "x" } }),
      }),
    };
    const bad = await call("/v1/drivers/me/online", { method: "POST", body: "{}", token: await token("d8", "driver") }, testEnv({ DRIVER: approved }));
    expect([bad.status, bad.body.code]).toEqual([400, "invalid_request"]);
    expect(calls).toEqual(["get"]);
    calls.length = 0;
    const malformed = await call("/v1/drivers/me/online", { method: "POST", body: "{", token: await token("d8", "driver") }, testEnv({ DRIVER: approved }));
    expect([malformed.status, malformed.body.code, calls]).toEqual([400, "invalid_request", ["get"]]);
    calls.length = 0;
    const body = JSON.stringify({ location: { lat: 37.5, lng: 127 } });
    await call("/v1/drivers/me/online", { method: "POST", body, token: await token("d8", "driver") }, testEnv({ DRIVER: approved }));
    expect(calls, "a valid body: the Driver DO decides, no read before it").toEqual(["goOnline"]);
  });
});

describe("the access_token query parameter", () => {
  it("is refused outside the WebSocket upgrades, even with a valid token", async () => {
    const ops = await token("o1", "ops");
    const res = await call(`/v1/ops/rides?access_token=${ops}`);
    expect(res.status).toBe(401);
    expect(res.body.detail).toContain("WebSocket");
    expect((await call(`/v1/rides/rd_0000000000aaaaaaaaaaaaaa/cancel?access_token=${ops}`, { method: "POST" })).status).toBe(401);
  });

  it("is taken by the WebSocket upgrades (which then ask for the Upgrade header)", async () => {
    const driver = await token("d1", "driver");
    const res = await call(`/v1/drivers/me/live?access_token=${driver}`);
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain("WebSocket");
    expect((await call("/v1/drivers/me/live")).status).toBe(401);
  });

  it("a driver not registered yet is told to register, not that there is no such ride", async () => {
    const DRIVER = { idFromName: (name: string) => name, get: () => ({ fetch: async () => new Response("not registered", { status: 404 }) }) };
    const res = await call("/v1/drivers/me/live", { headers: { upgrade: "websocket" }, token: await token("d9", "driver") }, testEnv({ DRIVER }));
    expect([res.status, res.body.code, res.body.detail]).toEqual([404, "not_found", "register first: PUT /v1/drivers/me"]);
  });
});

describe("the request id", () => {
  it("echoes a client's id of any printable ASCII (a base64 id, a braced GUID); one with a space, a control character or too long is replaced", async () => {
    for (const id of ["q+3/ab==", "{0f8fad5b-d9cb-469f-a165-70867728950e}", "req-1", "x".repeat(200)]) {
      const res = await call("/healthz", { headers: { "x-request-id": id } });
      expect(res.headers.get("x-request-id"), id).toBe(id);
    }
    for (const id of ["two words", "tab\there", "x".repeat(201)]) {
      const res = await call("/healthz", { headers: { "x-request-id": id } });
      expect(res.headers.get("x-request-id"), id).not.toBe(id);
      expect(res.headers.get("x-request-id"), id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("the body limit", () => {
  it("413 payload_too_large over the limit, before authentication", async () => {
    const big = JSON.stringify({ pad: "x".repeat(MAX_BODY_BYTES) });
    const res = await call("/v1/rides", { method: "POST", body: big, headers: { "content-length": String(big.length) } });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("payload_too_large");
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("configuration problems", () => {
  it("without JWT_SECRET an authenticated call is 503 unavailable, naming the secret", async () => {
    const issued = await token("o1", "ops");
    const res = await call("/v1/ops/rides", { token: issued }, testEnv({ JWT_SECRET: undefined }));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("unavailable");
    expect(res.body.detail).toContain("JWT_SECRET is not configured");
  });
});

describe("response headers", () => {
  it("API answers forbid loading anything; the static pages run only their own files", async () => {
    const api = await call("/openapi.json");
    expect(api.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    for (const path of ["/docs", "/console/rides/r_1"]) {
      const csp = (await call(path)).headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("connect-src 'self' ws://localhost");
      expect(csp, path).not.toMatch(/(script|style)-src[^;]*(unsafe|nonce)/);
    }
    expect((await call("/documents")).headers.get("content-security-policy")).not.toContain("script-src");
  });

  it("CORS answers only the configured origins", async () => {
    const allowed = await call("/healthz", { headers: { origin: "https://console.example.test" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://console.example.test");
    const other = await call("/healthz", { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const none = await call("/healthz", { headers: { origin: "https://console.example.test" } }, testEnv({ ALLOWED_ORIGINS: "" }));
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("the access line", () => {
  it("a failed request gets one with its request id and route; one that went well and fast gets none (the platform's invocation log has it)", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      const fine = await call("/healthz");
      expect(fine.status).toBe(200);
      const refused = await call("/v1/rides", { method: "POST", body: "{}" });
      expect(refused.status).toBe(401);
      const access = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "request");
      expect(access).toEqual([
        { msg: "request", requestId: refused.headers.get("x-request-id"), method: "POST", path: "/v1/rides", status: 401, ms: expect.any(Number) },
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it("a slow request gets one even when it succeeded", () => {
    expect(worthALook(200, SLOW_REQUEST_MS - 1)).toBe(false);
    expect(worthALook(200, SLOW_REQUEST_MS)).toBe(true);
    expect(worthALook(404, 0)).toBe(true);
    expect(worthALook(503, 0)).toBe(true);
  });
});

describe("a dependency that says try again is a 503 with Retry-After, not a 500", () => {
  afterEach(() => vi.restoreAllMocks());
  /** An error as the platform raises it: an Error with the runtime's properties on it. */
  const platformError = (message: string, props: Record<string, unknown> = {}) => Object.assign(new Error(message), props);
  /** A views database whose statements fail when run, as D1's do (drizzle wraps the failure in its own error). */
  const viewsFailing = (error: Error) => {
    const statement = {
      bind: () => statement,
      all: () => Promise.reject(error),
      raw: () => Promise.reject(error),
      run: () => Promise.reject(error),
      first: () => Promise.reject(error),
    };
    // A batch fails as a whole with its failing statement's error.
    return { prepare: () => statement, batch: () => Promise.reject(error) } as unknown as D1Database;
  };
  const ridesThrowing = (error: Error) =>
    ({ idFromName: (name: string) => name, get: () => ({ get: async () => Promise.reject(error) }) }) as unknown as DurableObjectNamespace;
  const RIDE_ID = "rd_abcdefghij0123456789";
  const jsonLines = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.flat().map((l) => JSON.parse(String(l)) as Record<string, unknown>);

  it("an error of our own is still a 500 internal, in the log and not in the answer", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await call("/v1/rides", { token: await token("r1", "rider") }, testEnv({ VIEWS_DB: viewsFailing(new Error("D1_ERROR: no such column: x")) }));
    expect(res.status).toBe(500);
    expect(res.body.code).toBe("internal");
    expect(res.headers.get("retry-after")).toBeNull();
    expect(res.text).not.toContain("no such column");
    expect(jsonLines(errors)).toContainEqual(expect.objectContaining({ msg: "unhandled error" }));
  });

  it("D1's lost connection, through drizzle: 503 unavailable, Retry-After 1, a warning line with the request id, no error line", async () => {
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await call(
      "/v1/rides",
      { token: await token("r1", "rider"), headers: { "x-request-id": "req-transient-1" } },
      testEnv({ VIEWS_DB: viewsFailing(new Error("D1_ERROR: Network connection lost.")) }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.body.code).toBe("unavailable");
    expect(jsonLines(warnings)).toContainEqual(expect.objectContaining({ msg: "dependency unavailable", requestId: "req-transient-1", kind: "d1" }));
    expect(errors).not.toHaveBeenCalled();
  });

  it("a Durable Object overloaded: 503 with Retry-After 5 to 15; one restarting (retryable): Retry-After 1; out of memory: our bug, a 500", async () => {
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const rider = await token("r1", "rider");
    const overloaded = await call(
      `/v1/rides/${RIDE_ID}`,
      { token: rider },
      testEnv({ RIDE: ridesThrowing(platformError("Durable Object is overloaded.", { overloaded: true })) }),
    );
    expect([overloaded.status, overloaded.body.code]).toEqual([503, "unavailable"]);
    expect(Number(overloaded.headers.get("retry-after"))).toBeGreaterThanOrEqual(5);
    expect(Number(overloaded.headers.get("retry-after"))).toBeLessThanOrEqual(15);
    expect(jsonLines(warnings)).toContainEqual(expect.objectContaining({ msg: "dependency unavailable", kind: "overloaded", remote: false }));
    const restarting = await call(
      `/v1/rides/${RIDE_ID}`,
      { token: rider },
      testEnv({ RIDE: ridesThrowing(platformError("Network connection lost.", { retryable: true })) }),
    );
    expect([restarting.status, restarting.headers.get("retry-after")]).toEqual([503, "1"]);
    expect(errors).not.toHaveBeenCalled();
    const memory = platformError("Durable Object's isolate exceeded its memory limit due to overflowing the storage cache.", {
      overloaded: true,
      remote: true,
    });
    const ours = await call(`/v1/rides/${RIDE_ID}`, { token: rider }, testEnv({ RIDE: ridesThrowing(memory) }));
    expect([ours.status, ours.body.code]).toEqual([500, "internal"]);
    expect(jsonLines(errors)).toContainEqual(expect.objectContaining({ msg: "unhandled error" }));
  });
});
