/**
 * Users signed in through an identity provider whose subjects are not bare letters and digits
 * (Auth0's `auth0|…`, Sign in with Apple's dotted ids) use the API as anyone else: a driver
 * registers and goes online, an operator names them in a path (`%7C`) to approve them and to list
 * their payouts, and the driver reads themselves back.
 */
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { testEnv, uniqueId } from "./helpers";

const app = createApp();

async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, testEnv, createExecutionContext());
  return { status: res.status, body: (await res.json()) as T };
}

describe("identity providers' subjects", () => {
  for (const sub of [`auth0|${uniqueId("u").replace(/_/g, "")}`, `001234.${crypto.randomUUID().replace(/-/g, "")}.0123`]) {
    it(`a driver ${sub.slice(0, 12)}… registers, is approved by an operator naming them in a path, and goes online`, async () => {
      const driver = await issueToken(testEnv, { id: sub, role: "driver" });
      const ops = await issueToken(testEnv, { id: "ops-1", role: "ops" });
      const registered = await call<{ id: string; approval: string }>("PUT", "/v1/drivers/me", driver, {
        name: "Kim",
        vehicle: { plate: "30우8281", model: "Sonata", product: "standard" },
      });
      expect([registered.status, registered.body.id]).toEqual([200, sub]);
      const approved = await call<{ id: string; approval: string }>("POST", `/v1/ops/drivers/${encodeURIComponent(sub)}/approve`, ops, { reason: "checked" });
      expect([approved.status, approved.body.id, approved.body.approval]).toEqual([200, sub, "approved"]);
      const online = await call<{ status: string }>("POST", "/v1/drivers/me/online", driver, { location: { lat: 33.4, lng: 126.5 } });
      expect([online.status, online.body.status]).toEqual([200, "available"]);
      const payouts = await call<{ items: unknown[] }>("GET", `/v1/ops/payouts?driverId=${encodeURIComponent(sub)}`, ops);
      expect([payouts.status, payouts.body.items]).toEqual([200, []]);
      const me = await call<{ id: string; approval: string }>("GET", "/v1/drivers/me", driver);
      expect(me.body).toMatchObject({ id: sub, approval: "approved" });
    });
  }

  it("an operator finds the notices of a user whose id is longer than 64 characters; a malformed recipient is 400", async () => {
    const sub = `google-oauth2|${"1".repeat(100)}`;
    const ops = await issueToken(testEnv, { id: "ops-1", role: "ops" });
    const found = await call<{ items: unknown[] }>("GET", `/v1/ops/notifications?recipient=${encodeURIComponent(sub)}`, ops);
    expect([found.status, found.body.items]).toEqual([200, []]);
    const bad = await call<{ code: string }>("GET", `/v1/ops/notifications?recipient=${encodeURIComponent("a b")}`, ops);
    expect([bad.status, bad.body.code]).toEqual([400, "invalid_request"]);
  });
});
