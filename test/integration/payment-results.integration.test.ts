/**
 * The gateway's consumer of ride-payment-results inside workerd: a result reaches its
 * Ride DO once however often it is delivered; a result for a ride that does not exist
 * is dropped, not retried for ever; a result the ride cannot take is retried; the
 * results' dead letters are kept in the payment ledger.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PaymentResult } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import { fail, unwrap, type Outcome } from "../../src/lib/problem";
import gateway from "../../workers/gateway/index";
import { consumePaymentResults, paymentResultDeps } from "../../workers/gateway/payment-results";
import { createRide, testEnv, uniqueId } from "./helpers";

const ops = { id: "ops-1", role: "ops" as const };

function authorized(rideId: string): PaymentResult {
  return { rideId, action: "authorize", outcome: "succeeded", idempotencyKey: `${rideId}:authorize`, providerRef: "sim_1", detail: null };
}

async function deliver(queue: string, bodies: PaymentResult[], handler = (b: MessageBatch<PaymentResult>) => gateway.queue(b, testEnv)) {
  const batch = createMessageBatch<PaymentResult>(
    queue,
    bodies.map((body) => ({ id: uniqueId("m"), timestamp: Date.now(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await handler(batch);
  return getQueueResult(batch, ctx);
}

describe("payment results consumer", () => {
  it("applies a result to its ride once, however often it is delivered", async () => {
    const { stub, ride } = await createRide();
    const result = await deliver("ride-payment-results", [authorized(ride.id), authorized(ride.id)]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(result.retryMessages).toHaveLength(0);
    const now = unwrap((await stub.get(ops)) as Outcome<Ride>);
    expect(now.payment.status).toBe("authorized");
    const again = await deliver("ride-payment-results", [authorized(ride.id)]);
    expect(again.explicitAcks).toHaveLength(1);
    expect(unwrap((await stub.get(ops)) as Outcome<Ride>).version).toBe(now.version);
  });

  it("drops a result for a ride that does not exist instead of retrying it for ever", async () => {
    const result = await deliver("ride-payment-results", [authorized("rd_doesnotexist0000000000000"), authorized("not-a-ride-id")]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(result.retryMessages).toHaveLength(0);
  });

  it("retries a result the ride could not take (the object busy or unreachable)", async () => {
    const deps = { ...paymentResultDeps(testEnv), apply: async () => fail("unavailable", "overloaded") };
    const result = await deliver("ride-payment-results", [authorized("rd_whatever000000000000000")], (b) => consumePaymentResults(b, deps));
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(0);
  });

  it("keeps its dead letters in the payment ledger (staging names too)", async () => {
    const rideId = `rd_${uniqueId("dl").replace(/[^a-z0-9]/g, "")}`;
    const result = await deliver("ride-payment-results-dlq-staging", [authorized(rideId)]);
    expect(result.explicitAcks).toHaveLength(1);
    const row = await testEnv.LEDGER_DB.prepare("SELECT queue FROM dead_letters WHERE body LIKE ?").bind(`%${rideId}%`).first();
    expect(row).toMatchObject({ queue: "ride-payment-results-dlq-staging" });
  });
});
