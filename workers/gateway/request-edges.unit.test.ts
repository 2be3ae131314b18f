/**
 * The edges of a request the contract leaves to the gateway, with `app.request()` and fakes for
 * the one binding each reaches: an optional body sent empty, a list's empty limit, and the
 * Idempotency-Key wherever one is taken.
 */
import { describe, expect, it } from "vitest";
import { call, testEnv, token } from "./app-fixtures";

describe("an optional body", () => {
  it("sent empty with a JSON content type (as generated clients do) is no body: the ride is cancelled, not refused as malformed", async () => {
    const cancelled: unknown[][] = [];
    const RIDE = {
      idFromName: (name: string) => name,
      get: () => ({
        cancel: async (...args: unknown[]) => (cancelled.push(args), { ok: true, value: { id: "rd_abcdefghij0123456789", status: "cancelled" } }),
      }),
    };
    const res = await call(
      "/v1/rides/rd_abcdefghij0123456789/cancel",
      { method: "POST", headers: { "content-type": "application/json" }, token: await token("r1", "rider") },
      testEnv({ RIDE }),
    );
    expect([res.status, res.body.code]).toEqual([200, undefined]);
    expect(cancelled[0]?.[1]).toBeUndefined();
    // A body that is there is still read, and a malformed one still refused.
    const reasoned = await call(
      "/v1/rides/rd_abcdefghij0123456789/cancel",
      { method: "POST", body: JSON.stringify({ reason: "plans changed" }), token: await token("r1", "rider") },
      testEnv({ RIDE }),
    );
    expect(reasoned.status).toBe(200);
    expect(cancelled[1]?.[1]).toBe("plans changed");
    const malformed = await call(
      "/v1/rides/rd_abcdefghij0123456789/cancel",
      { method: "POST", body: "{", token: await token("r1", "rider") },
      testEnv({ RIDE }),
    );
    expect([malformed.status, malformed.body.code]).toEqual([400, "invalid_request"]);
    // A required body sent empty is still missing.
    const empty = await call("/v1/rides", { method: "POST", headers: { "content-type": "application/json" }, token: await token("r1", "rider") });
    expect([empty.status, empty.body.code]).toEqual([400, "invalid_request"]);
  });
});

describe("a list's limit", () => {
  it("left empty (?limit=) is the default, not 0 refused; out of range is still 400", async () => {
    const limits: unknown[] = [];
    const statement = {
      bind: (...params: unknown[]) => (limits.push(params.at(-1)), statement),
      all: async () => ({ results: [] }),
      raw: async () => [],
      run: async () => ({ results: [] }),
      first: async () => null,
    };
    const VIEWS_DB = { prepare: () => statement, batch: async () => [] };
    const ops = await token("o1", "ops");
    const res = await call("/v1/ops/rides?limit=", { token: ops }, testEnv({ VIEWS_DB }));
    expect([res.status, res.body]).toEqual([200, { items: [], nextCursor: null }]);
    expect(limits).toContain(21);
    for (const limit of ["0", "101", "x"]) expect((await call(`/v1/ops/rides?limit=${limit}`, { token: ops }, testEnv({ VIEWS_DB }))).status, limit).toBe(400);
  });
});

describe("a list's filters", () => {
  it("sent empty, as the contract writes its URLs (?status=&approval=&limit=&cursor=), are left out; a filter of no such value is still 400", async () => {
    const bound: unknown[][] = [];
    const statement = {
      bind: (...params: unknown[]) => (bound.push(params), statement),
      all: async () => ({ results: [] }),
      raw: async () => [],
      run: async () => ({ results: [] }),
      first: async () => null,
    };
    const VIEWS_DB = { prepare: () => statement, batch: async (statements: unknown[]) => statements.map(() => ({ results: [] })) };
    // The payouts are the payment worker's: what it was asked for is recorded as bound.
    const PAYMENTS = { payouts: async (...args: unknown[]) => (bound.push(args), { ok: true, value: { items: [], next: null } }) };
    const env = () => testEnv({ VIEWS_DB, NOTIFICATIONS_DB: VIEWS_DB, PAYMENTS });
    const ops = await token("o1", "ops");
    const lists = [
      "/v1/ops/rides?status=&limit=&cursor=",
      "/v1/ops/drivers?status=&approval=&limit=&cursor=",
      "/v1/ops/rentals?status=&payment=&limit=&cursor=",
      "/v1/ops/payouts?driverId=&limit=&cursor=",
      "/v1/ops/notifications?rideId=&status=&limit=&cursor=",
      "/v1/ops/rental-vehicles?status=&limit=",
      "/v1/ops/views/dead-letters?open=&limit=&cursor=",
      "/v1/ops/notifications/dead-letters?open=&limit=&cursor=",
    ];
    const badOf = (path: string) =>
      path.includes("status=&")
        ? path.replace("status=&", "status=nope&")
        : path.includes("open=&")
          ? path.replace("open=&", "open=yes&")
          : path.replace("driverId=&", "driverId=nope!&");
    for (const path of lists) {
      bound.length = 0;
      const res = await call(path, { token: ops }, env());
      expect([res.status, res.body.code], path).toEqual([200, undefined]);
      // Unfiltered: no empty status or id compared.
      expect(
        bound.flat().filter((v) => v === ""),
        path,
      ).toEqual([]);
      const bad = badOf(path);
      expect((await call(bad, { token: ops }, env())).status, bad).toBe(400);
    }
    const rider = await call("/v1/rides?status=&limit=", { token: await token("r1", "rider") }, testEnv({ VIEWS_DB }));
    expect(rider.status).toBe(200);
  });
});

describe("the Idempotency-Key", () => {
  it("is 1 to 255 visible ASCII characters wherever it is taken, a refund's too: empty or blank is 400, nothing reached", async () => {
    const rider = await token("r1", "rider");
    const ops = await token("o1", "ops");
    for (const key of ["", " ", "a b", "x".repeat(256)]) {
      const headers = { "idempotency-key": key };
      const pickup = { lat: 37.5, lng: 127 };
      const ride = await call("/v1/rides", {
        method: "POST",
        headers,
        body: JSON.stringify({ pickup, dropoff: pickup, product: "standard", paymentMethod: "pm_card_visa" }),
        token: rider,
      });
      const rental = await call("/v1/rentals", {
        method: "POST",
        headers,
        body: JSON.stringify({ vehicleId: "rv_abcdefghijklmnopqrst", hours: 1, paymentMethod: "pm_card_visa" }),
        token: rider,
      });
      const refund = await call("/v1/ops/rides/rd_abcdefghijklmnopqrst/refund", {
        method: "POST",
        headers,
        body: JSON.stringify({ reason: "late" }),
        token: ops,
      });
      for (const res of [ride, rental, refund]) {
        expect([res.status, res.body.code], JSON.stringify(key)).toEqual([400, "invalid_request"]);
        expect(res.body.detail).toMatch(/^idempotency-key: /i);
      }
    }
  });
});

describe("an operator's ride payments", () => {
  it("are a ride's only: a rental's or a dues account's id is 404, the ledger not asked", async () => {
    const asked: string[] = [];
    const PAYMENTS = { ledgerFor: async (id: string) => (asked.push(id), []) };
    const RIDE = { idFromName: (name: string) => name, get: () => ({ keptLedger: async () => null }) };
    const env = testEnv({ PAYMENTS, RIDE });
    const ops = await token("o1", "ops");
    for (const id of ["rn_abcdefghij0123456789", "r1", "rd_short"]) {
      const res = await call(`/v1/ops/rides/${id}/payments`, { token: ops }, env);
      expect([res.status, res.body.code], id).toEqual([404, "not_found"]);
    }
    expect(asked).toEqual([]);
    const ride = await call("/v1/ops/rides/rd_abcdefghij0123456789/payments", { token: ops }, env);
    expect([ride.status, asked]).toEqual([200, ["rd_abcdefghij0123456789"]]);
  });
});
