/**
 * The security holes of issue 11, over HTTP against the running local system with the
 * rate limiters on: a rejected driver cannot take a ride and loses its offer; the
 * `access_token` query parameter only on WebSocket upgrades; 401/403 before 400; a body
 * size limit; the same answer to a stranger whether a ride exists or not; 429 with
 * Retry-After past a rate limit, with nothing changed; secure headers and a CORS
 * allowlist.
 *
 * The limiters count per key across tests (and tokens are minted from one IP, itself
 * limited to 120 a minute): every test uses fresh riders and drivers and mints few tokens;
 * the IP-limit test sends its requests from an address of its own.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rideIdFor } from "../../src/lib/ids";
import { Api, eventually, uid } from "../support/client";
import { offersOf, onlineDriver, type TestDriver } from "../support/drivers";
import { openLive } from "../support/live";
import { startSystem, type RunningSystem } from "../support/system";

type Ride = { id: string; status: string; driver: { id: string } | null; cancellation: { by: string; reason: string } | null };
type Problem = { type: string; title: string; status: number; code: string; detail: string };
type Driver = { id: string; approval: string; status: string; location: { lat: number; lng: number } | null; currentRideId: string | null };

const ALLOWED_ORIGIN = "https://console.example.test";
/** Long enough that a re-offer within the test can only come from a withdrawn offer, not an expired one. */
const OFFER_TIMEOUT_S = 60;

/**
 * POSTs `chunks` chunks of `size` bytes with chunked transfer encoding (no content-length)
 * and resolves with the answer. The whole body is handed to the socket at once, before the
 * server can answer: a server that answers 413 and closes mid-body must not turn into a
 * client-side EPIPE that hides its answer (fetch with a pulled stream raced exactly so).
 * An error after the answer has arrived is the server closing, and is ignored.
 */
function postChunked(url: string, chunks: number, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (part: string) => (body += part));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = "x".repeat(size);
    for (let i = 0; i < chunks; i++) req.write(chunk);
    req.end();
  });
}

let system: RunningSystem;
let api: Api;
let ops: string;

beforeAll(async () => {
  system = await startSystem({ RATE_LIMITS: "on", ALLOWED_ORIGINS: ALLOWED_ORIGIN, OFFER_TIMEOUT_S: String(OFFER_TIMEOUT_S), DISPATCH_RETRY_S: "0.3" });
  api = new Api(system.baseUrl);
  ops = await api.token(uid("ops"), "ops");
});

afterAll(async () => {
  await system?.stop();
});

/** A patch of map per scenario, far from the others, so scenarios never see each other's drivers. */
let areas = 0;
function area() {
  areas += 1;
  const lat = 34.0 + areas * 0.3;
  const at = (metersNorth: number) => ({ lat: lat + metersNorth / 111_320, lng: 128.2 });
  return { pickup: { lat, lng: 128.2 }, dropoff: { lat: lat + 0.03, lng: 128.23 }, at };
}

async function requestRide(rider: string, where: ReturnType<typeof area>, headers: Record<string, string> = {}) {
  return api.request<Ride>("POST", "/v1/rides", {
    token: rider,
    headers,
    body: { pickup: where.pickup, dropoff: where.dropoff, product: "standard", paymentMethod: "pm_card_visa" },
  });
}

const offerFor = (d: TestDriver, rideId: string) =>
  eventually(async () => (await offersOf(api, d)).find((o) => o.rideId === rideId), `offer of ${rideId} to ${d.id}`, 10_000, 100);
const driverOf = async (d: TestDriver) => (await api.request<Driver>("GET", "/v1/drivers/me", { token: d.token })).body;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectProblem(res: { status: number; headers: Headers; body: unknown }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect((res.body as Problem).code).toBe(code);
}

describe("a driver rejected by ops", () => {
  it("loses its offer to the next driver, is taken offline, and gets 403 driver_not_approved on accept and online", async () => {
    const where = area();
    const a = await onlineDriver(api, where.at(200));
    const b = await onlineDriver(api, where.at(900));
    const rider = await api.token(uid("r"), "rider");
    const created = await requestRide(rider, where);
    expect(created.status).toBe(202);
    const rideId = created.body.id;
    await offerFor(a, rideId);

    const rejected = await api.request<Driver>("POST", `/v1/ops/drivers/${a.id}/reject`, { token: ops });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ id: a.id, approval: "rejected", status: "offline", currentRideId: null });

    const accept = await api.request<Problem>("POST", `/v1/rides/${rideId}/accept`, { token: a.token });
    expectProblem(accept, 403, "driver_not_approved");
    expect(await offersOf(api, a)).toEqual([]);
    expect(await driverOf(a)).toMatchObject({ approval: "rejected", status: "offline", currentRideId: null });

    // The ride moves on at once, as after a decline (the offer had a minute left to run).
    await offerFor(b, rideId);
    const taken = await api.request<Ride>("POST", `/v1/rides/${rideId}/accept`, { token: b.token });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ status: "driver_assigned", driver: { id: b.id } });

    // Every later accept, of this ride or any other, is refused the same way; so is going online.
    expectProblem(await api.request("POST", `/v1/rides/${rideId}/accept`, { token: a.token }), 403, "driver_not_approved");
    expectProblem(await api.request("POST", "/v1/rides/rd_0000000000aaaaaaaaaaaaaa/accept", { token: a.token }), 403, "driver_not_approved");
    expectProblem(await api.request("POST", "/v1/drivers/me/online", { token: a.token, body: { location: where.at(200) } }), 403, "driver_not_approved");
    const events = await api.request<{ items: { type: string; data: Record<string, unknown> }[] }>("GET", `/v1/rides/${rideId}/events`, { token: rider });
    expect(events.body.items.map((e) => e.type)).toContain("OfferWithdrawn");
  });

  it("an available driver is taken offline and out of dispatch", async () => {
    const where = area();
    const a = await onlineDriver(api, where.at(100));
    const rejected = await api.request<Driver>("POST", `/v1/ops/drivers/${a.id}/reject`, { token: ops });
    expect(rejected.body).toMatchObject({ approval: "rejected", status: "offline" });
    const rider = await api.token(uid("r"), "rider");
    const created = await requestRide(rider, where);
    expect(created.status).toBe(202);
    await sleep(1500);
    expect(await offersOf(api, a)).toEqual([]);
    expect((await api.request<Ride>("GET", `/v1/rides/${created.body.id}`, { token: rider })).body.status).toBe("dispatching");
  });
});

describe("the access_token query parameter", () => {
  it("is refused (401) on every endpoint but the WebSocket upgrades, and changes nothing", async () => {
    const riderId = uid("r");
    const rider = await api.token(riderId, "rider");
    expect((await api.request("GET", "/v1/ops/stats", { token: ops })).status).toBe(200);
    expectProblem(await api.request("GET", `/v1/ops/stats?access_token=${ops}`), 401, "unauthorized");

    const created = await requestRide(rider, area());
    expect(created.status).toBe(202);
    const id = created.body.id;
    expectProblem(await api.request("POST", `/v1/rides/${id}/cancel?access_token=${rider}`), 401, "unauthorized");
    expectProblem(await api.request("GET", `/v1/rides/${id}?access_token=${rider}`), 401, "unauthorized");
    expect((await api.request<Ride>("GET", `/v1/rides/${id}`, { token: rider })).body.status).not.toBe("cancelled");

    // The WebSocket upgrade still takes it (browsers cannot set headers there).
    const live = await openLive(`${system.baseUrl.replace("http", "ws")}/v1/rides/${id}/live?access_token=${rider}`);
    expect((await live.waitFor<Ride>(() => true, "snapshot")).message.id).toBe(id);
    await live.close();
  });
});

describe("authentication and authorisation come before validation", () => {
  it("a bad body with no token is 401, with the wrong role 403, never 400", async () => {
    const noToken = await api.request("POST", "/v1/rides", { raw: "{" });
    expectProblem(noToken, 401, "unauthorized");
    expectProblem(await api.request("POST", "/v1/quotes", { body: { pickup: "nowhere" } }), 401, "unauthorized");
    expectProblem(await api.request("GET", "/v1/ops/rides?limit=abc"), 401, "unauthorized");

    const driver = await api.token(uid("d"), "driver");
    expectProblem(await api.request("POST", "/v1/rides", { token: driver, raw: "{" }), 403, "forbidden");
    expectProblem(await api.request("POST", "/v1/rides", { token: driver, body: { pickup: { lat: 91 } } }), 403, "forbidden");
    expectProblem(await api.request("GET", "/v1/ops/rides?limit=abc", { token: driver }), 403, "forbidden");
    expectProblem(await api.request("POST", "/v1/ops/drivers/not!an!id/reject", { token: driver }), 403, "forbidden");
    const rider = await api.token(uid("r"), "rider");
    expectProblem(await api.request("PUT", "/v1/drivers/me/location", { token: rider, body: { lat: "x" } }), 403, "forbidden");
    // With the right role, the body is validated as before.
    expectProblem(await api.request("POST", "/v1/rides", { token: rider, raw: "{" }), 400, "invalid_request");
  });
});

describe("the body size limit", () => {
  it("answers 413 payload_too_large before anything else, with or without a token, with or without a length", async () => {
    const huge = `{"pad":"${"x".repeat(10 * 1024 * 1024)}"}`;
    expectProblem(await api.request("POST", "/v1/rides", { raw: huge }), 413, "payload_too_large");
    const rider = await api.token(uid("r"), "rider");
    const over = `{"pad":"${"x".repeat(17 * 1024)}"}`;
    expectProblem(await api.request("POST", "/v1/rides", { token: rider, raw: over }), 413, "payload_too_large");
    expectProblem(await api.request("POST", "/v1/dev/tokens", { raw: over }), 413, "payload_too_large");

    // Streamed, with no content-length (chunked): counted as it arrives.
    const streamed = await postChunked(`${system.baseUrl}/v1/quotes`, 3, 8 * 1024);
    expect(streamed.status).toBe(413);
    expect((JSON.parse(streamed.body) as Problem).code).toBe("payload_too_large");

    // Under the limit, nothing changes.
    const fine = await api.request("POST", "/v1/quotes", {
      token: rider,
      body: { pickup: { lat: 37.52, lng: 126.92 }, dropoff: { lat: 37.5, lng: 126.95 }, product: "standard" },
    });
    expect(fine.status).toBe(200);
  });
});

describe("accept and decline do not tell a stranger whether a ride exists", () => {
  it("a driver never offered a ride gets the same status, code and detail for an existing ride and for none", async () => {
    const where = area();
    const a = await onlineDriver(api, where.at(200));
    const rider = await api.token(uid("r"), "rider");
    const created = await requestRide(rider, where);
    await offerFor(a, created.body.id);
    const stranger = await api.token(uid("d"), "driver");
    const shape = (r: { status: number; body: unknown }) => ({ status: r.status, code: (r.body as Problem).code, detail: (r.body as Problem).detail });

    for (const step of ["accept", "decline"] as const) {
      const existing = shape(await api.request("POST", `/v1/rides/${created.body.id}/${step}`, { token: stranger }));
      const missing = shape(await api.request("POST", `/v1/rides/rd_0000000000bbbbbbbbbbbbbb/${step}`, { token: stranger }));
      const malformed = shape(await api.request("POST", `/v1/rides/rd_nope/${step}`, { token: stranger }));
      expect(existing.status).toBe(409);
      expect(existing.code).toBe("offer_not_available");
      expect(missing, step).toEqual(existing);
      expect(malformed, step).toEqual(existing);
    }
    // And once the ride is taken, still the same answer.
    expect((await api.request("POST", `/v1/rides/${created.body.id}/accept`, { token: a.token })).status).toBe(200);
    const taken = shape(await api.request("POST", `/v1/rides/${created.body.id}/accept`, { token: stranger }));
    const none = shape(await api.request("POST", "/v1/rides/rd_0000000000cccccccccccccc/accept", { token: stranger }));
    expect(taken).toEqual(none);
  });
});

describe("rate limits", () => {
  it("location reports past 10 in 10 s: 429 rate_limited with Retry-After, and the location is not taken", async () => {
    const where = area();
    const d = await onlineDriver(api, where.at(0));
    let refused: { status: number; headers: Headers; body: unknown } | undefined;
    let lastTaken = where.at(0);
    for (let i = 1; i <= 25 && !refused; i++) {
      const point = where.at(i * 10);
      const res = await api.request("PUT", "/v1/drivers/me/location", { token: d.token, body: point });
      if (res.status === 204) lastTaken = point;
      else refused = res;
    }
    expect(refused, "no 429 within 25 reports").toBeDefined();
    expectProblem(refused!, 429, "rate_limited");
    expect(refused!.headers.get("retry-after")).toBe("10");
    const refusedPoint = where.at(5000);
    expectProblem(await api.request("PUT", "/v1/drivers/me/location", { token: d.token, body: refusedPoint }), 429, "rate_limited");
    expect((await driverOf(d)).location).toEqual(lastTaken);
    // Another driver is not affected.
    const other = await onlineDriver(api, where.at(0));
    expect((await api.request("PUT", "/v1/drivers/me/location", { token: other.token, body: where.at(1) })).status).toBe(204);
  });

  it("quotes and rides past 30 a minute per rider: 429 with Retry-After, and no ride is made", async () => {
    const riderId = uid("r");
    const rider = await api.token(riderId, "rider");
    const where = area();
    const trip = { pickup: where.pickup, dropoff: where.dropoff, product: "standard" };
    let refused: { status: number; headers: Headers; body: unknown } | undefined;
    // Windows are aligned to the clock: a window may close mid-way, so allow two of them.
    for (let i = 0; i < 65 && !refused; i++) {
      const res = await api.request("POST", "/v1/quotes", { token: rider, body: trip });
      if (res.status !== 200) refused = res;
    }
    expect(refused, "no 429 within 65 quotes").toBeDefined();
    expectProblem(refused!, 429, "rate_limited");
    expect(refused!.headers.get("retry-after")).toBe("60");

    const key = uid("k");
    const ride = await requestRide(rider, where, { "idempotency-key": key });
    expectProblem(ride, 429, "rate_limited");
    expect(ride.headers.get("retry-after")).toBe("60");
    const wouldBe = await rideIdFor(riderId, key);
    expectProblem(await api.request("GET", `/v1/rides/${wouldBe}`, { token: rider }), 404, "not_found");
    // Another rider is not affected.
    const other = await api.token(uid("r"), "rider");
    expect((await api.request("POST", "/v1/quotes", { token: other, body: trip })).status).toBe(200);
  });

  it("unauthenticated endpoints and rejected tokens past 120 a minute per IP: 429; health checks are never limited", async () => {
    const ip = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    const from = { "cf-connecting-ip": ip };
    let refused: { status: number; headers: Headers; body: unknown } | undefined;
    let unauthorized = 0;
    for (let i = 0; i < 250 && !refused; i++) {
      const res = i % 2 === 0 ? await api.request("GET", "/v1/ops/stats", { headers: from }) : await api.request("GET", "/openapi.json", { headers: from });
      if (res.status === 429) refused = res;
      else if (res.status === 401) unauthorized += 1;
      else expect(res.status).toBe(200);
    }
    expect(refused, "no 429 within 250 requests").toBeDefined();
    expect(unauthorized).toBeGreaterThan(0);
    expectProblem(refused!, 429, "rate_limited");
    expect(refused!.headers.get("retry-after")).toBe("60");
    expectProblem(await api.request("POST", "/v1/dev/tokens", { headers: from, body: { sub: "x", role: "rider" } }), 429, "rate_limited");
    expectProblem(await api.request("GET", "/docs", { headers: from }), 429, "rate_limited");
    expectProblem(await api.request("GET", "/v1/ops/stats", { headers: from }), 429, "rate_limited");
    expect((await api.request("GET", "/healthz", { headers: from })).status).toBe(200);
    expect((await api.request("GET", "/readyz", { headers: from })).status).toBe(200);
    // An authenticated caller from that address is not held back by it.
    expect((await api.request("GET", "/v1/ops/stats", { token: ops, headers: from })).status).toBe(200);
  });
});

describe("response headers", () => {
  it("secure headers on every answer; CORS only for the configured origins", async () => {
    const res = await fetch(`${system.baseUrl}/healthz`, { headers: { origin: ALLOWED_ORIGIN } });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBeTruthy();
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    const stranger = await fetch(`${system.baseUrl}/healthz`, { headers: { origin: "https://evil.example" } });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${system.baseUrl}/v1/rides`, {
      method: "OPTIONS",
      headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const evilPreflight = await fetch(`${system.baseUrl}/v1/rides`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(evilPreflight.headers.get("access-control-allow-origin")).toBeNull();

    // /docs (a static page) runs only its own files: no inline script, no nonce.
    const docs = await fetch(`${system.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    const csp = docs.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/(script|style)-src[^;]*(unsafe|nonce)/);
    expect(await docs.text()).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  });
});
