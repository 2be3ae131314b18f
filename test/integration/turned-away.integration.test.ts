/**
 * Turning a rider away from an area with no free driver is the product working (R4: a 503
 * `no_drivers_nearby` with Retry-After, by contract), not a server fault: it writes no error
 * line, so an alert on the gateway's error lines does not fire at every busy evening (which
 * codes are faults: `isFault`, src/lib/problem.ts, unit-tested there).
 */
import { createExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cellOf, cellStub } from "../../src/durable-objects/stubs";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { apart, testEnv, uniqueId } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

async function requestRide(pickup: { lat: number; lng: number }) {
  const token = await issueToken(testEnv, { id: uniqueId("r"), role: "rider" });
  const body = { pickup, dropoff: { lat: pickup.lat + 0.01, lng: pickup.lng + 0.01 }, product: "standard", paymentMethod: "pm_card_visa" };
  const init = { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) };
  return createApp().request("/v1/rides", init, testEnv, createExecutionContext());
}

const errorLines = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((call) => JSON.parse(String(call[0])) as { msg: string; code?: string });

describe("a rider turned away from an area with no supply", () => {
  it("gets 503 no_drivers_nearby with Retry-After, and the gateway writes no error line for it", async () => {
    const pickup = apart();
    await cellStub(testEnv, cellOf(pickup)).markNoSupply("standard", Date.now() + 30_000);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await requestRide(pickup);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await res.json()).toMatchObject({ code: "no_drivers_nearby", status: 503 });
    expect(errorLines(errors)).toEqual([]);
  });
});
