/**
 * The local system started with the committed (production) environment, as the
 * configs have it, and no development override: the development-only endpoints do not
 * exist, and a new driver waits for an operator. Tokens are minted here with the
 * system's JWT secret, as an identity provider would.
 */
import { sign } from "hono/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, uid } from "../support/client";
import { startSystem, type RunningSystem } from "../support/system";

const JWT_SECRET = "production-mode-e2e-secret-0123456789";
let system: RunningSystem;
let api: Api;

beforeAll(async () => {
  system = await startSystem({ ENVIRONMENT: "production", AUTO_APPROVE_DRIVERS: "false", JWT_SECRET });
  api = new Api(system.baseUrl);
});

afterAll(async () => {
  await system?.stop();
});

async function token(sub: string, role: "rider" | "driver" | "ops") {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub, role, iat: now, exp: now + 600 }, JWT_SECRET, "HS256");
}

describe("a system in production mode", () => {
  it("answers 404 on the development endpoints, and mints no token", async () => {
    const tokens = await api.request("POST", "/v1/dev/tokens", { body: { sub: "intruder", role: "ops" } });
    expect(tokens.status).toBe(404);
    expect(JSON.stringify(tokens.body)).not.toContain('token":"');
    const faults = await api.request("PUT", "/v1/dev/faults", { body: { payment: { mode: "down" } } });
    expect(faults.status).toBe(404);
    // even with an ops token, fault injection does not exist here
    const asOps = await api.request("PUT", "/v1/dev/faults", { token: await token("ops-1", "ops"), body: { payment: { mode: "down" } } });
    expect(asOps.status).toBe(404);
    expect((await api.request("GET", "/readyz")).status).toBe(200);
  });

  it("keeps a new driver pending, refuses it online until an operator approves it", async () => {
    const id = uid("d");
    const driver = await token(id, "driver");
    const reg = await api.request<{ approval: string }>("PUT", "/v1/drivers/me", {
      token: driver,
      body: { name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" } },
    });
    expect(reg.status).toBe(200);
    expect(reg.body.approval).toBe("pending");
    const online = await api.request<{ code: string }>("POST", "/v1/drivers/me/online", { token: driver, body: { location: { lat: 37.5, lng: 127 } } });
    expect(online.status).toBe(403);
    expect(online.body.code).toBe("driver_not_approved");
    const ops = await token("ops-1", "ops");
    // The operator reviewed another plate than the driver's now (changed meanwhile): refused, still pending.
    const reviewed = { plate: "11가1111", model: "Sonata", product: "standard" };
    const stale = await api.request<{ code: string }>("POST", `/v1/ops/drivers/${id}/approve`, { token: ops, body: { vehicle: reviewed } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe("invalid_transition");
    const approved = await api.request<{ approval: string }>("POST", `/v1/ops/drivers/${id}/approve`, {
      token: ops,
      body: { vehicle: { ...reviewed, plate: "30우8281" } },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.approval).toBe("approved");
    const again = await api.request<{ status: string }>("POST", "/v1/drivers/me/online", { token: driver, body: { location: { lat: 37.5, lng: 127 } } });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("available");
  });
});
