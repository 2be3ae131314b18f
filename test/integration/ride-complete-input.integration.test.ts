/**
 * POST /v1/rides/{id}/complete through the app (inside workerd): whatever the content
 * type, a body that is not JSON or has a wrong type is 400 invalid_request and the ride
 * stays in progress; the handover code of a parcel locks after five wrong codes.
 */
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { unwrap } from "../../src/lib/problem";
import { createRide, rideInProgress, testEnv } from "./helpers";

const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
const parcel = { view: { weightKg: 2, recipient: { name: "Lee" }, note: null }, handoverCode: "4821", recipientPhoneSealed: "sealed" };

async function complete(rideId: string, driverId: string, body: string, contentType: string) {
  const token = await issueToken(testEnv, { id: driverId, role: "driver" });
  const res = await app.request(
    `/v1/rides/${rideId}/complete`,
    { method: "POST", headers: { authorization: `Bearer ${token}`, ...(contentType ? { "content-type": contentType } : {}) }, body },
    testEnv,
    ctx,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("a complete with a body that is not valid input", () => {
  for (const contentType of ["text/plain", "application/json", "Application/JSON", "application/json; charset=UTF-8", "application/octet-stream", ""]) {
    it(`is 400 invalid_request as ${contentType || "no content type"}, and the ride is still in progress`, async () => {
      const { stub, ride, driver } = await rideInProgress({ parcel });
      for (const body of ['{"handoverCode":{"length":4}}', '{"distanceMeters":"x"}', "{not json", '["4821"]']) {
        const res = await complete(ride.id, driver.id, body, contentType);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: "invalid_request" });
      }
      expect(await stub.get({ id: driver.id, role: "driver" })).toMatchObject({ ok: true, value: { status: "in_progress" } });
    });
  }

  it("completes with the validated body (the right code, as JSON in any case of the media type)", async () => {
    const { ride, driver } = await rideInProgress({ parcel });
    const res = await complete(ride.id, driver.id, '{"handoverCode":"4821","distanceMeters":5000}', "Application/JSON");
    expect({ status: res.status, rideStatus: res.body.status }).toEqual({ status: 200, rideStatus: "payment_pending" });
  });
});

describe("guessing a parcel's handover code", () => {
  it("locks after five wrong codes: the right one is then refused too (409, locked), the lock logged once, and the ride's version did not move", async () => {
    const { stub, ride, driver } = await rideInProgress({ parcel });
    const before = unwrap(await stub.get({ id: driver.id, role: "driver" }));
    const warnings = vi.spyOn(console, "warn");
    onTestFinished(() => warnings.mockRestore());
    for (const [i, code] of ["0000", "1111", "2222", "3333", "4444"].entries()) {
      const res = await complete(ride.id, driver.id, JSON.stringify({ handoverCode: code }), "application/json");
      expect({ status: res.status, code: res.body.code, detail: res.body.detail }).toEqual({
        status: 409,
        code: "handover_code_mismatch",
        detail: `wrong handoverCode (${4 - i} tries left)`,
      });
    }
    const res = await complete(ride.id, driver.id, JSON.stringify({ handoverCode: "4821" }), "application/json");
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: "handover_code_mismatch" });
    expect(String(res.body.detail)).toMatch(/locked after 5 wrong handover codes.*operator/);
    const locks = warnings.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('"parcel handover locked"'));
    expect(locks.map((line) => JSON.parse(line) as unknown)).toMatchObject([{ rideId: ride.id, driverId: driver.id }]);
    const after = unwrap(await stub.get({ id: driver.id, role: "driver" }));
    expect({ status: after.status, version: after.version }).toEqual({ status: "in_progress", version: before.version });
  });
});

describe("a parcel cancelled", () => {
  it("answers its sender with the handover code, as every Ride JSON the sender reads; an operator's answer has none", async () => {
    const { stub, ride } = await createRide({ parcel });
    const sender = { id: ride.riderId, role: "rider" as const };
    expect(unwrap(await stub.cancel(sender, undefined, "req-cancel"))).toMatchObject({ status: "cancelled", handoverCode: "4821" });
    // A repeat answers alike.
    expect(unwrap(await stub.cancel(sender, undefined, "req-cancel-again"))).toMatchObject({ status: "cancelled", handoverCode: "4821" });
    const other = await createRide({ parcel });
    const byOps = unwrap(await other.stub.cancel({ id: "ops-1", role: "ops" }, "test", "req-ops-cancel"));
    expect(byOps.status).toBe("cancelled");
    expect(byOps).not.toHaveProperty("handoverCode");
  });
});
