/**
 * A worker started without its secrets says so on /readyz (503, naming the secret, never
 * its value) instead of failing every call with a 500; with them it is ready.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/gateway/app";
import paymentWorker from "../../workers/payment/index";
import notificationWorker from "../../workers/notification/index";
import { testEnv } from "./helpers";

const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;

describe("/readyz", () => {
  it("the gateway is ready with its secrets and its database", async () => {
    const res = await app.request("/readyz", {}, testEnv, ctx);
    expect(res.status).toBe(200);
  });

  it("the gateway without JWT_SECRET answers 503 naming it", async () => {
    const res = await app.request("/readyz", {}, { ...testEnv, JWT_SECRET: "" }, ctx);
    expect([res.status, res.headers.get("content-type"), res.headers.get("retry-after")]).toEqual([503, "application/problem+json", "30"]);
    const body = (await res.json()) as { detail: string; code: string; status: number };
    expect([body.code, body.status]).toEqual(["unavailable", 503]);
    expect(body.detail).toContain("JWT_SECRET: not set");
    expect(body.detail).not.toContain(testEnv.CONTACT_KEY);
  });

  it("the payment worker on Stripe without its key answers 503; on the simulator it is ready", async () => {
    const stripe = paymentWorker.fetch(new Request("http://payment/readyz"), { ...testEnv, PAYMENT_PROVIDER: "stripe" });
    expect([stripe.status, stripe.headers.get("content-type")]).toEqual([503, "application/problem+json"]);
    expect(((await stripe.json()) as { detail: string }).detail).toContain("STRIPE_SECRET_KEY");
    expect(paymentWorker.fetch(new Request("http://payment/readyz"), testEnv).status).toBe(200);
    expect(paymentWorker.fetch(new Request("http://payment/anything"), testEnv).status).toBe(404);
  });

  it("the notification worker without CONTACT_KEY answers 503", async () => {
    const res = notificationWorker.fetch(new Request("http://notification/readyz"), { ...testEnv, CONTACT_KEY: "" });
    expect(res.status).toBe(503);
    expect(notificationWorker.fetch(new Request("http://notification/readyz"), testEnv).status).toBe(200);
  });
});
