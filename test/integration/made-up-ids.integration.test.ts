/**
 * A well-formed id that was never made names a Durable Object all the same: reading it (a GET of
 * a ride, a rental, a command on them, a rental of a vehicle) answers 404 and leaves that object
 * with nothing stored, not even its tables (src/kernel/lazy-schema.ts). Before, every such
 * request stored an empty object for good.
 */
import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { rentalStub, rentalVehicleStub, rideStub as namedRide } from "../../src/durable-objects/stubs";
import { createRide, rideStub, testEnv, uniqueId } from "./helpers";

async function call(method: string, path: string, body?: unknown) {
  const token = await issueToken(testEnv, { id: uniqueId("r"), role: "rider" });
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await createApp().request(
    path,
    { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
    testEnv,
    createExecutionContext(),
  );
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
}

/** The object's own tables (the runtime's `_cf_` ones left out), read from its storage directly. */
async function tablesOf(stub: DurableObjectStub): Promise<string[]> {
  return runInDurableObject(stub, (_instance: unknown, state: DurableObjectState) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name")
      .toArray()
      .map((t) => t.name),
  );
}

describe("an id that was never made", () => {
  it("a ride's: GET, its timeline and a cancel answer 404, and its object stores nothing", async () => {
    const rideId = newId("rd");
    expect(await call("GET", `/v1/rides/${rideId}`)).toEqual({ status: 404, code: "not_found" });
    expect((await call("GET", `/v1/rides/${rideId}/timeline`)).status).toBe(404);
    expect((await call("POST", `/v1/rides/${rideId}/cancel`)).status).toBe(404);
    expect(await tablesOf(namedRide(testEnv, rideId))).toEqual([]);
  });

  it("a rental's and a vehicle's: GET, unlock and a rental of the vehicle answer 404, and neither object stores anything", async () => {
    const rentalId = newId("rn");
    const vehicleId = newId("rv");
    expect(await call("GET", `/v1/rentals/${rentalId}`)).toEqual({ status: 404, code: "not_found" });
    expect((await call("POST", `/v1/rentals/${rentalId}/unlock`, { key: "1234" })).status).toBe(404);
    expect(await call("POST", "/v1/rentals", { vehicleId, hours: 1, paymentMethod: "pm_card_visa" })).toMatchObject({ status: 404 });
    expect(await tablesOf(rentalStub(testEnv, rentalId))).toEqual([]);
    expect(await tablesOf(rentalVehicleStub(testEnv, vehicleId))).toEqual([]);
  });

  it("a ride that was made has its tables, and reads them as before", async () => {
    const { stub } = await createRide();
    expect(await tablesOf(stub)).toEqual(expect.arrayContaining(["events", "outbox", "ride", "timers"]));
    expect(await tablesOf(rideStub(newId("rd")))).toEqual([]);
  });
});
