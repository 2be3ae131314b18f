/**
 * A worker started without its secrets says so on /readyz (503) instead of failing every call
 * with a 500; with them it is ready. The answer is public: it says which part is not ready, and
 * the `not ready` error line says exactly what (the secret's name, never its value; the
 * database's error).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../workers/gateway/app";
import paymentWorker from "../../workers/payment/index";
import notificationWorker from "../../workers/notification/index";
import { STORAGE_PROBE_TTL_MS, storageProbe } from "../../workers/gateway/readiness";
import { testEnv } from "./helpers";

const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;

/** The JSON lines written to console.error, parsed. */
const linesOf = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);

/** A views database that fails every statement with `error`, counting the statements prepared. */
function failingDb(error: string): { db: D1Database; prepared: () => number } {
  let prepared = 0;
  const db = {
    prepare: () => {
      prepared++;
      return { first: () => Promise.reject(new Error(error)) };
    },
  } as unknown as D1Database;
  return { db, prepared: () => prepared };
}

describe("/readyz", () => {
  afterEach(() => vi.restoreAllMocks());

  it("the gateway is ready with its secrets and its database", async () => {
    const res = await app.request("/readyz", {}, testEnv, ctx);
    expect(res.status).toBe(200);
  });

  it("the gateway without JWT_SECRET answers 503 saying a secret is missing; its error line names it", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await app.request("/readyz", {}, { ...testEnv, JWT_SECRET: "" }, ctx);
    expect([res.status, res.headers.get("content-type"), res.headers.get("retry-after")]).toEqual([503, "application/problem+json", "30"]);
    const body = (await res.json()) as { detail: string; code: string; status: number };
    expect([body.code, body.status]).toEqual(["unavailable", 503]);
    expect(body.detail).toBe("not ready: a required secret is not set");
    const [line] = linesOf(errors);
    expect(line?.msg).toBe("not ready");
    expect(String(line?.detail)).toContain("JWT_SECRET: not set");
    expect(JSON.stringify(linesOf(errors))).not.toContain(testEnv.CONTACT_KEY);
  });

  it("the gateway whose views database fails answers 503 without the database's error, which only its error line carries", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { db } = failingDb("D1_ERROR: no such table: internal_secret_table");
    const res = await app.request("/readyz", {}, { ...testEnv, VIEWS_DB: db }, ctx);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain("the views database does not answer");
    expect(text).not.toContain("internal_secret_table");
    expect(String(linesOf(errors)[0]?.detail)).toContain("no such table: internal_secret_table");
  });

  it("asks the views database at most once per isolate every few seconds, however many probes come", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { db, prepared } = failingDb("down");
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.request("/readyz", {}, { ...testEnv, VIEWS_DB: db }, ctx)));
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 503));
    expect(prepared()).toBe(1);
    // Past the time an answer stands, the next probe asks again.
    const later = Date.now() + STORAGE_PROBE_TTL_MS;
    expect(await storageProbe(db, later)).toContain("down");
    expect(prepared()).toBe(2);
  });

  it("the payment worker on Stripe without its key answers 503 (its error line names the key); on the simulator it is ready", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const stripe = paymentWorker.fetch(new Request("http://payment/readyz"), { ...testEnv, PAYMENT_PROVIDER: "stripe" });
    expect([stripe.status, stripe.headers.get("content-type")]).toEqual([503, "application/problem+json"]);
    expect(((await stripe.json()) as { detail: string }).detail).toBe("not ready: a required secret is not set");
    expect(linesOf(errors)).toEqual([expect.objectContaining({ msg: "not ready", worker: "payment", detail: expect.stringContaining("STRIPE_SECRET_KEY") })]);
    expect(paymentWorker.fetch(new Request("http://payment/readyz"), testEnv).status).toBe(200);
    expect(paymentWorker.fetch(new Request("http://payment/anything"), testEnv).status).toBe(404);
  });

  it("the notification worker without CONTACT_KEY answers 503", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = notificationWorker.fetch(new Request("http://notification/readyz"), { ...testEnv, CONTACT_KEY: "" });
    expect(res.status).toBe(503);
    expect(notificationWorker.fetch(new Request("http://notification/readyz"), testEnv).status).toBe(200);
  });
});
