/**
 * The payment dead letters an operator lists, inside workerd: a step the payment worker gave
 * up on and a result the gateway gave up on are kept in the ledger and listed newest first,
 * page by page, by what they were about, never by their body (a step carries the rider's
 * payment method, which neither the list nor the error line shows). Operators only.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PaymentCommandMessage, PaymentResult } from "../../src/domain/events";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import gateway from "../../workers/gateway/index";
import paymentWorker from "../../workers/payment/index";
import { testEnv, uniqueId } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const METHOD = "pm_card_visa_do_not_show";

async function dead<T>(queue: string, body: T, handler: (batch: MessageBatch<T>) => Promise<void>) {
  const batch = createMessageBatch<T>(queue, [{ id: uniqueId("m"), timestamp: Date.now(), attempts: 20, body }]);
  await handler(batch);
  expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(1);
  return batch.messages[0]!.id;
}

async function list(role: "ops" | "rider" | null, query = "") {
  const headers: Record<string, string> = role ? { authorization: `Bearer ${await issueToken(testEnv, { id: `${role}-letters`, role })}` } : {};
  const res = await createApp().request(`/v1/ops/payments/dead-letters${query}`, { headers }, testEnv, createExecutionContext());
  return { status: res.status, text: await res.text() };
}

describe("the payment dead letters", () => {
  it("lists a step and a result given up on, newest first, page by page, without the payment method anywhere", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const rideId = `rd_${uniqueId("l").replace(/[^a-z0-9]/g, "")}`;
    const step: PaymentCommandMessage = {
      kind: "payment.command",
      action: "capture",
      rideId,
      amount: { amount: 9800, currency: "KRW" },
      paymentMethod: METHOD,
      driverId: "d1",
      idempotencyKey: `${rideId}:capture`,
      correlationId: "c",
      causationId: "e",
    };
    const result: PaymentResult = {
      rideId,
      action: "authorize",
      outcome: "succeeded",
      idempotencyKey: `${rideId}:authorize`,
      providerRef: "pi_1",
      detail: null,
    };
    const stepId = await dead("ride-payments-dlq", step, (b) => paymentWorker.queue(b, testEnv));
    await new Promise((r) => setTimeout(r, 5)); // a later receipt time: the result is the newest
    const resultId = await dead("ride-payment-results-dlq", result, (b) => gateway.queue(b, testEnv));
    expect(JSON.stringify(errors.mock.calls)).not.toContain(METHOD);
    expect(errors.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>)).toContainEqual({
      msg: "payment message dead-lettered",
      id: stepId,
      action: "capture",
      rideId,
      idempotencyKey: `${rideId}:capture`,
      outcome: null,
    });

    const first = await list("ops", "?limit=1");
    expect(first.status).toBe(200);
    const page1 = JSON.parse(first.text) as { items: Record<string, unknown>[]; nextCursor: string | null };
    expect(page1.items).toEqual([
      {
        id: resultId,
        queue: "ride-payment-results-dlq",
        action: "authorize",
        rideId,
        idempotencyKey: `${rideId}:authorize`,
        outcome: "succeeded",
        attempts: 20,
        receivedAt: expect.any(String),
      },
    ]);
    const second = await list("ops", `?limit=1&cursor=${page1.nextCursor}`);
    const page2 = JSON.parse(second.text) as { items: Record<string, unknown>[] };
    expect(page2.items).toMatchObject([{ id: stepId, queue: "ride-payments-dlq", action: "capture", rideId, outcome: null }]);
    const all = await list("ops", "?limit=100");
    expect(all.text).not.toContain(METHOD);
    expect(all.text).not.toContain("paymentMethod");
  });

  it("is for operators: no token 401, a rider 403, a cursor not ours 400", async () => {
    expect((await list(null)).status).toBe(401);
    expect((await list("rider")).status).toBe(403);
    const bad = await list("ops", "?cursor=not-ours");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ code: "invalid_request" });
  });
});
