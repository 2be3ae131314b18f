/**
 * A request sent again under its Idempotency-Key after a lost answer gets what it made, even
 * when it would be refused now: its quote expired, the rider owes dues, the pickup's cell was
 * marked empty; and another body under the same key gets it too ("the same rider with the same
 * key gets the same ride back, never a second one").
 */
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cellOf, cellStub, riderStub } from "../../src/durable-objects/stubs";
import { unwrap } from "../../src/lib/problem";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { signQuote } from "../../workers/gateway/quote-token";
import { apart, testEnv, uniqueId } from "./helpers";

async function post(riderId: string, key: string, body: Record<string, unknown>) {
  const token = await issueToken(testEnv, { id: riderId, role: "rider" });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key };
  const res = await createApp().request("/v1/rides", { method: "POST", headers, body: JSON.stringify(body) }, testEnv, createExecutionContext());
  return { status: res.status, location: res.headers.get("location"), body: (await res.json()) as { id?: string; code?: string; product?: string } };
}

function rideBody(extra: Record<string, unknown> = {}) {
  const pickup = apart();
  return { pickup, dropoff: { lat: pickup.lat + 0.01, lng: pickup.lng + 0.01 }, product: "standard", paymentMethod: "pm_card_visa", ...extra };
}

describe("a keyed ride request sent again", () => {
  it("after its quote expired: the ride it made, not 400, whatever the body; a new key: 400", async () => {
    const riderId = uniqueId("r");
    const body = rideBody();
    const expiresAt = new Date(Date.now() + 1_000).toISOString();
    const fare = { amount: 9900, currency: "KRW" as const };
    const quoteId = await signQuote(testEnv.JWT_SECRET, {
      riderId,
      product: "standard",
      pickup: body.pickup,
      dropoff: body.dropoff,
      fare,
      distanceMeters: 1500,
      durationSeconds: 300,
      expiresAt,
    });
    const first = await post(riderId, "k-quote", { ...body, quoteId });
    expect(first.status).toBe(202);
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 50));
    const again = await post(riderId, "k-quote", { ...body, quoteId });
    expect([again.status, again.body.id, again.location]).toEqual([202, first.body.id, `/v1/rides/${first.body.id}`]);
    // Another body under the key: the same ride back, never a second one (the contract's words).
    const other = await post(riderId, "k-quote", { ...body, quoteId, paymentMethod: "pm_card_mastercard" });
    expect([other.status, other.body.id]).toEqual([202, first.body.id]);
    expect((await post(riderId, "k-other", { ...body, quoteId })).body.code).toBe("invalid_request");
  });

  it("once the rider owes dues or the cell was marked empty: the ride the key made, whatever the body", async () => {
    const riderId = uniqueId("r");
    const body = rideBody();
    const first = await post(riderId, "k-1", body);
    expect(first.status).toBe(202);
    await cellStub(testEnv, cellOf(body.pickup)).markNoSupply("standard", Date.now() + 30_000);
    expect((await post(riderId, "k-1", body)).body.id).toBe(first.body.id);
    unwrap(await riderStub(testEnv, riderId).incurDues(riderId, "rd_unpaid_earlier00000000", { amount: 5000, currency: "KRW" }, "c"));
    const owing = await post(riderId, "k-1", body);
    expect([owing.status, owing.body.id, owing.location]).toEqual([202, first.body.id, `/v1/rides/${first.body.id}`]);
    const other = await post(riderId, "k-1", { ...body, product: "deluxe" });
    expect([other.status, other.body.id, other.body.product]).toEqual([202, first.body.id, body.product]);
    // Even a body that no longer prices (a trip too long): the ride the key made; under a new key, 422.
    const far = { ...body, dropoff: { lat: body.pickup.lat + 3, lng: body.pickup.lng } };
    expect((await post(riderId, "k-1", far)).body.id).toBe(first.body.id);
    expect((await post(riderId, "k-3", far)).body.code).toBe("trip_too_long");
    expect((await post(riderId, "k-2", body)).body.code).toBe("payment_required");
  });
});
