/**
 * Live tickets through the gateway, with `app.request()` and no Durable Object behind it: a socket
 * upgrade that passed authentication answers 400 (no Upgrade header) or reaches the object; one
 * that did not answers 401 or 403. A ticket opens only its own socket, briefly, and is never a token.
 */
import { sign, verify } from "hono/jwt";
import { hmacSha256Hex } from "../../src/lib/ids";
import { describe, expect, it } from "vitest";
import { call, SECRET, testEnv, token } from "./app-fixtures";
import { LIVE_TICKET_TTL_S, redeemLiveTicket } from "./live-ticket";

const RIDE = "rd_0000000000aaaaaaaaaaaaaa";
const now = () => Math.floor(Date.now() / 1000);

/** A ticket issued over the API for `path`, to `bearer`. */
async function ticketFor(bearer: string, path: string) {
  const res = await call("/v1/live/tickets", { method: "POST", body: JSON.stringify({ path }), token: bearer });
  return res as typeof res & { body: { ticket?: string; path?: string; expiresAt?: string } };
}

describe("POST /v1/live/tickets", () => {
  it("is 401 without a token and 400 for a path that is not a live socket, after authentication", async () => {
    expect((await call("/v1/live/tickets", { method: "POST", body: "{" })).status).toBe(401);
    const ops = await token("o1", "ops");
    for (const path of ["/v1/ops/rides", "/v1/rides/../ops/live", "/v1/ops/live?x=1", "", "/v1/rides//live"]) {
      const res = await ticketFor(ops, path);
      expect([res.status, res.body.code], path).toEqual([400, "invalid_request"]);
    }
    expect((await call("/v1/live/tickets", { method: "POST", body: JSON.stringify({ path: "/v1/ops/live", extra: 1 }), token: ops })).status).toBe(400);
  });

  it(`issues a ticket for the path, valid ${LIVE_TICKET_TTL_S} s and never past the token's own expiry`, async () => {
    const res = await ticketFor(await token("o1", "ops"), "/v1/ops/live");
    expect([res.status, res.body.path]).toEqual([201, "/v1/ops/live"]);
    const expiresAt = Date.parse(res.body.expiresAt ?? "");
    expect(expiresAt).toBeGreaterThan(Date.now());
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + LIVE_TICKET_TTL_S * 1000);
    const shortLived = await sign({ sub: "o2", role: "ops", exp: now() + 5 }, SECRET, "HS256");
    const short = await ticketFor(shortLived, "/v1/ops/live");
    expect(Date.parse(short.body.expiresAt ?? "")).toBeLessThanOrEqual((now() + 5) * 1000);
  });
});

describe("a ticket", () => {
  it("opens its own socket: past authentication, the upgrade asks for its Upgrade header", async () => {
    const ops = (await ticketFor(await token("o1", "ops"), "/v1/ops/live")).body.ticket;
    const res = await call(`/v1/ops/live?ticket=${ops}`);
    expect([res.status, res.body.detail]).toEqual([400, "this endpoint is a WebSocket: send Upgrade: websocket"]);
    const rider = (await ticketFor(await token("r1", "rider"), `/v1/rides/${RIDE}/live`)).body.ticket;
    expect((await call(`/v1/rides/${RIDE}/live?ticket=${rider}`)).status).toBe(400);
  });

  it("an empty ticket parameter is none: the socket's Authorization header is taken", async () => {
    const res = await call("/v1/ops/live?ticket=", { token: await token("o1", "ops") });
    expect([res.status, res.body.detail]).toEqual([400, "this endpoint is a WebSocket: send Upgrade: websocket"]);
    expect((await call("/v1/ops/live?ticket=")).status, "and with no header, no token").toBe(401);
  });

  it("hands the socket the expiry of the token it was issued under, not its own", async () => {
    const tokenExp = now() + 3600;
    const bearer = await sign({ sub: "o1", role: "ops", exp: tokenExp }, SECRET, "HS256");
    const ticket = (await ticketFor(bearer, "/v1/ops/live")).body.ticket ?? "";
    expect((await redeemLiveTicket(SECRET, ticket, "/v1/ops/live")).tokenExpiresAt).toBe(tokenExp * 1000);
  });

  it("names itself (jti) for the object to spend it; a ticket without one is refused", async () => {
    const ops = await token("o1", "ops");
    const [a, b] = [(await ticketFor(ops, "/v1/ops/live")).body.ticket ?? "", (await ticketFor(ops, "/v1/ops/live")).body.ticket ?? ""];
    const [idA, idB] = [(await redeemLiveTicket(SECRET, a, "/v1/ops/live")).ticketId, (await redeemLiveTicket(SECRET, b, "/v1/ops/live")).ticketId];
    expect(idA).toMatch(/^[0-9a-f-]{36}$/);
    expect(idA).not.toBe(idB);
    const key = await hmacSha256Hex(SECRET, "live-ticket/v1");
    const unnamed = await sign({ sub: "o1", role: "ops", live_path: "/v1/ops/live", tokenExp: now() + 3600, exp: now() + 30 }, key, "HS256");
    await expect(redeemLiveTicket(SECRET, unnamed, "/v1/ops/live")).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("does not open another socket: another ride's, another kind, or one its role may not open (403)", async () => {
    const rider = await token("r1", "rider");
    const ticket = (await ticketFor(rider, `/v1/rides/${RIDE}/live`)).body.ticket;
    const other = await call(`/v1/rides/rd_0000000000bbbbbbbbbbbbbb/live?ticket=${ticket}`);
    expect([other.status, other.body.detail]).toEqual([401, "this ticket is for another socket"]);
    expect((await call(`/v1/ops/live?ticket=${ticket}`)).status).toBe(401);
    const opsPathTicket = (await ticketFor(rider, "/v1/ops/live")).body.ticket;
    expect((await call(`/v1/ops/live?ticket=${opsPathTicket}`)).status).toBe(403);
  });

  it("is not a token: any REST endpoint refuses it as a bearer, and ignores it in the query", async () => {
    const ticket = (await ticketFor(await token("o1", "ops"), "/v1/ops/live")).body.ticket ?? "";
    const asBearer = await call("/v1/ops/rides", { token: ticket });
    expect([asBearer.status, asBearer.body.code]).toEqual([401, "unauthorized"]);
    // Nor one signed with the tokens' own key (a ticket of the code before its key was its own): its claim is refused.
    const underTheTokensKey = await sign({ sub: "o1", role: "ops", live_path: "/v1/ops/live", exp: now() + 30 }, SECRET, "HS256");
    const claimRefused = await call("/v1/ops/rides", { token: underTheTokensKey });
    expect([claimRefused.status, claimRefused.body.detail]).toEqual([401, "a live ticket opens only the socket it was issued for: send the token itself"]);
    expect((await call(`/v1/ops/rides?ticket=${ticket}`)).status).toBe(401);
    // Nor a token for issuing further tickets, which would keep one alive for ever.
    expect((await ticketFor(ticket, "/v1/ops/live")).status).toBe(401);
  });

  it("is signed with a key of its own: no check of tokens under JWT_SECRET takes it, and a ticket signed with JWT_SECRET is no ticket", async () => {
    const ticket = (await ticketFor(await token("o1", "ops"), "/v1/ops/live")).body.ticket ?? "";
    await expect(verify(ticket, SECRET, "HS256")).rejects.toThrow();
    const underTheTokensKey = await sign({ sub: "o1", role: "ops", live_path: "/v1/ops/live", tokenExp: now() + 600, exp: now() + 30 }, SECRET, "HS256");
    expect((await call(`/v1/ops/live?ticket=${underTheTokensKey}`)).status).toBe(401);
  });

  it("expired, or signed with another key, is 401", async () => {
    const claims = { sub: "o1", role: "ops", live_path: "/v1/ops/live", tokenExp: now() + 600, jti: "t-1" };
    const key = await hmacSha256Hex(SECRET, "live-ticket/v1");
    const expired = await sign({ ...claims, exp: now() - 1 }, key, "HS256");
    const forged = await sign({ ...claims, exp: now() + 30 }, "another-secret-0123456789abcdef", "HS256");
    expect((await call(`/v1/ops/live?ticket=${await sign({ ...claims, exp: now() + 30 }, key, "HS256")}`)).status, "the same claims, fresh").toBe(400);
    for (const t of [expired, forged, "not.a.ticket"]) {
      const res = await call(`/v1/ops/live?ticket=${t}`, {}, testEnv());
      expect([res.status, res.body.code], t).toEqual([401, "unauthorized"]);
    }
  });
});
