/**
 * An operator's refund body, with `app.request()` and a Ride object that records what it is asked:
 * the amount as Money (as everywhere in the contract) or as a whole number of KRW is one refund,
 * under one key; anything else is 400 before any object is asked.
 */
import { describe, expect, it } from "vitest";
import { call, testEnv, token } from "./app-fixtures";

const RIDE_ID = "rd_abcdefghij0123456789";

function recordingRides() {
  const asked: unknown[] = [];
  const RIDE = {
    idFromName: (name: string) => name,
    get: () => ({
      operate: async (_actor: unknown, command: unknown) => {
        asked.push(command);
        return { ok: true, value: { id: RIDE_ID } };
      },
    }),
  };
  return { env: testEnv({ RIDE }), asked };
}

describe("POST /v1/ops/rides/{id}/refund", () => {
  it("takes the amount as Money or as a whole number of KRW: the same refund, under the same key", async () => {
    const { env, asked } = recordingRides();
    const ops = await token("o1", "ops");
    for (const amount of [3000, { amount: 3000, currency: "KRW" }]) {
      const res = await call(`/v1/ops/rides/${RIDE_ID}/refund`, { method: "POST", body: JSON.stringify({ amount, reason: "late" }), token: ops }, env);
      expect(res.status, JSON.stringify(amount)).toBe(202);
    }
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatchObject({ type: "refund", amount: { amount: 3000, currency: "KRW" }, reason: "late" });
    expect(asked[1]).toEqual(asked[0]);
  });

  it("refuses another currency, a negative or fractional amount, a string, or Money with more in it: 400, no object asked", async () => {
    const { env, asked } = recordingRides();
    const ops = await token("o1", "ops");
    for (const amount of [{ amount: 3000, currency: "USD" }, { amount: -1, currency: "KRW" }, 12.5, "3000", { amount: 3000, currency: "KRW", extra: 1 }]) {
      const res = await call(`/v1/ops/rides/${RIDE_ID}/refund`, { method: "POST", body: JSON.stringify({ amount, reason: "late" }), token: ops }, env);
      expect([res.status, res.body.code], JSON.stringify(amount)).toEqual([400, "invalid_request"]);
    }
    expect(asked).toEqual([]);
  });
});
