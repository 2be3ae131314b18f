/**
 * The payment saga inside workerd: circuit breaker, settlement, a refused capture and
 * the operator's retry, dead letters, reconciliation and the payment watchdog, with
 * the real Ride DOs, the real ledger D1 and the simulated provider.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { PaymentCommandMessage } from "../../src/domain/events";
import { outstandingPaymentStep, type RideRecord } from "../../src/domain/ride-machine";
import type { TimelineItem } from "../../src/durable-objects/aggregate";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import { unwrap, type Outcome } from "../../src/lib/problem";
import { paymentCommand } from "../../src/ride/ride-record";
import { paymentDeps } from "../../workers/payment/deps";
import { handlePaymentCommand } from "../../workers/payment/handler";
import paymentWorker from "../../workers/payment/index";
import { project } from "../../workers/views/projection";
import { rideLookup } from "../../workers/gateway/payment-results";
import { createRide, resultsApplied, rideInProgress, rideInput, rideStub, sqlOf, testEnv, uniqueId, until } from "./helpers";

const ops = { id: "ops-1", role: "ops" as const };
const payments = testEnv.PAYMENTS as unknown as Service<import("../../workers/payment/service").PaymentService>;
const simulator = () => testEnv.PAYMENT_SIMULATOR.get(testEnv.PAYMENT_SIMULATOR.idFromName("default"));
const breaker = () => testEnv.PAYMENT_BREAKER.get(testEnv.PAYMENT_BREAKER.idFromName("simulated"));

async function deliver(bodies: PaymentCommandMessage[], queue = "ride-payments") {
  const batch = createMessageBatch<PaymentCommandMessage>(
    queue,
    bodies.map((body) => ({ id: uniqueId("m"), timestamp: Date.now(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await paymentWorker.queue(batch, resultsApplied);
  return getQueueResult(batch, ctx);
}

async function recordOf(stub: DurableObjectStub<RideDurableObject>): Promise<RideRecord> {
  return runInDurableObject(
    stub,
    (_i: RideDurableObject, state) => JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one().record) as RideRecord,
  );
}

async function commandFor(stub: DurableObjectStub<RideDurableObject>, action: "authorize" | "capture" | "void") {
  const record = await recordOf(stub);
  // The ride's own outstanding step when it is this action (its key says which attempt), else the plain step.
  const outstanding = outstandingPaymentStep(record);
  if (outstanding?.action === action) return paymentCommand(record, outstanding, "test");
  const amount = action === "capture" ? (record.ride.fare ?? record.ride.quote) : record.holdAmount;
  return paymentCommand(record, { action, idempotencyKey: `${record.ride.id}:${action}`, amount }, "test");
}

async function rideNow(stub: DurableObjectStub<RideDurableObject>) {
  return unwrap((await stub.get(ops)) as Outcome<import("../../src/domain/types").Ride>);
}

beforeEach(async () => {
  await simulator().setFaults({ mode: "ok" });
  await runInDurableObject(breaker(), (instance) => sqlOf(instance).exec("DELETE FROM breaker"));
  // the breaker keeps its state in memory too: a fresh instance reads the cleared row
  await runInDurableObject(breaker(), (instance) => {
    (instance as unknown as { state: unknown }).state = { mode: "closed", failures: 0, openedAt: null, probeStartedAt: null };
  });
});

describe("circuit breaker", () => {
  it("opens after repeated failures, sheds calls while open, half-opens and closes when the provider is back", async () => {
    await simulator().setFaults({ mode: "down" });
    const rides = await Promise.all(Array.from({ length: 6 }, () => createRide()));
    const before = await simulator().requestCount();
    for (const r of rides.slice(0, 5)) {
      const result = await deliver([await commandFor(r.stub, "authorize")]);
      expect(result.retryMessages).toHaveLength(1);
    }
    expect(await simulator().requestCount()).toBe(before + 5);
    expect((await breaker().status()).mode).toBe("open");

    // open: the next message is retried without reaching the provider
    const shed = await deliver([await commandFor(rides[5]!.stub, "authorize")]);
    expect(shed.retryMessages).toHaveLength(1);
    expect(await simulator().requestCount()).toBe(before + 5);
    // the ride is untouched by all this: still dispatching, payment pending
    expect((await rideNow(rides[5]!.stub)).payment.status).toBe("pending");

    // the provider recovers; after the cooldown one probe goes through and closes the breaker
    await simulator().setFaults({ mode: "ok" });
    await runInDurableObject(breaker(), (instance) => {
      const s = (instance as unknown as { state: { openedAt: number } }).state;
      s.openedAt = Date.now() - 60_000;
    });
    const probe = await deliver([await commandFor(rides[5]!.stub, "authorize")]);
    expect(probe.explicitAcks).toHaveLength(1);
    expect((await breaker().status()).mode).toBe("closed");
    expect((await rideNow(rides[5]!.stub)).payment.status).toBe("authorized");
  });

  it("a call slower than PAYMENT_TIMEOUT_MS counts as a failure", async () => {
    await simulator().setFaults({ mode: "slow", latencyMs: 7000 });
    const { stub } = await createRide();
    const started = Date.now();
    const result = await deliver([await commandFor(stub, "authorize")]);
    expect(result.retryMessages).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(6900);
    expect((await breaker().status()).failures).toBe(1);
  }, 15_000);
});

describe("capture and settlement", () => {
  it("captures at drop-off, splits the fare 80/20 once, and the driver's earnings show it", async () => {
    const { stub, driver } = await rideInProgress();
    await deliver([await commandFor(stub, "authorize")]);
    unwrap(await stub.advance(driver.id, "complete", { distanceMeters: 4000, durationSeconds: 600 }, "req"));
    const capture = await commandFor(stub, "capture");
    expect(capture).toMatchObject({ action: "capture", driverId: driver.id });
    await deliver([capture, capture]);
    const ride = await rideNow(stub);
    expect(ride).toMatchObject({ status: "completed", payment: { status: "captured" } });
    const fare = ride.fare!.amount;
    const row = await testEnv.LEDGER_DB.prepare("SELECT fare, commission, earning, driver_id FROM settlements WHERE ride_id = ?").bind(ride.id).first();
    expect(row).toEqual({ fare, commission: Math.round(fare * 0.2), earning: fare - Math.round(fare * 0.2), driver_id: driver.id });
    const timeline = unwrap((await stub.timeline(ops)) as Outcome<TimelineItem[]>);
    const captured = timeline.filter((e) => e.type === "PaymentCaptured");
    expect(captured).toHaveLength(1);
    expect(captured[0]!.data.settlement).toMatchObject({ driverId: driver.id, earning: { amount: fare - Math.round(fare * 0.2) } });
  });

  it("a capture refused for good leaves the ride payment_pending with payment failed; an operator's retry completes it", async () => {
    const { stub, driver } = await rideInProgress();
    await deliver([await commandFor(stub, "authorize")]);
    unwrap(await stub.advance(driver.id, "complete", {}, "req"));
    await simulator().setFaults({ mode: "ok", declineCaptures: true });
    await deliver([await commandFor(stub, "capture")]);
    expect(await rideNow(stub)).toMatchObject({ status: "payment_pending", payment: { status: "failed" } });

    await simulator().setFaults({ mode: "ok" });
    const retried = unwrap(await stub.operate(ops, { type: "retryCapture" }, "req-retry"));
    expect(retried.payment.status).toBe("authorized");
    const second = await commandFor(stub, "capture");
    expect(second.idempotencyKey).toMatch(/:capture:2$/);
    await deliver([second]);
    expect(await rideNow(stub)).toMatchObject({ status: "completed", payment: { status: "captured" } });
    const rows = await testEnv.LEDGER_DB.prepare("SELECT kind, outcome FROM payment_operations WHERE ride_id = ? ORDER BY created_at").bind(retried.id).all();
    expect(rows.results.map((r) => `${r.kind}:${r.outcome}`)).toEqual(["authorize:succeeded", "capture:declined", "capture:succeeded"]);
    // only a failed capture can be retried
    const again = await stub.operate(ops, { type: "retryCapture" }, "req-2");
    expect(again.ok).toBe(false);
  });

  it("on cancellation the driver is released first, then the hold is voided", async () => {
    const { stub: s2, ride } = await createRide();
    await deliver([await commandFor(s2, "authorize")]);
    unwrap(await s2.cancel({ id: ride.riderId, role: "rider" }, "x", "req"));
    await deliver([await commandFor(s2, "void")]);
    const types = unwrap((await s2.timeline(ops)) as Outcome<TimelineItem[]>).map((e) => e.type);
    expect(types.indexOf("RideCancelled")).toBeLessThan(types.indexOf("PaymentVoided"));
    expect((await rideNow(s2)).payment.status).toBe("voided");
  });
});

describe("safety nets", () => {
  it("poison messages land in the dead-letter table, never dropped", async () => {
    const body = { kind: "payment.command", action: "authorize", rideId: "rd_poison" } as unknown as PaymentCommandMessage;
    const result = await deliver([body], "ride-payments-dlq");
    expect(result.explicitAcks).toHaveLength(1);
    const row = await testEnv.LEDGER_DB.prepare("SELECT queue, body FROM dead_letters WHERE body LIKE '%rd_poison%'").first();
    expect(row).toMatchObject({ queue: "ride-payments-dlq" });
  });

  it("reconciliation voids a hold left open on a cancelled ride and re-reports a capture the ride never heard of", async () => {
    // a hold whose void message was lost
    const cancelled = await createRide();
    await deliver([await commandFor(cancelled.stub, "authorize")]);
    unwrap(await cancelled.stub.cancel({ id: cancelled.ride.riderId, role: "rider" }, "x", "req"));
    // a capture that went through but whose result never reached the ride
    const { stub, driver } = await rideInProgress();
    await deliver([await commandFor(stub, "authorize")]);
    unwrap(await stub.advance(driver.id, "complete", {}, "req"));
    // the capture goes through and is recorded, but its result is lost on the way to the ride
    const lost = { ...paymentDeps(resultsApplied), report: async () => Promise.reject(new Error("connection lost")) };
    await expect(handlePaymentCommand(await commandFor(stub, "capture"), lost)).rejects.toThrow("connection lost");
    expect((await rideNow(stub)).status).toBe("payment_pending");

    // as the gateway's cron does: the ride lookup is an RPC callback into the caller, and
    // the results travel back over the real ride-payment-results queue to the gateway
    const report = await payments.reconcile(0, rideLookup(testEnv));
    expect(report.holdsVoided).toContain(cancelled.ride.id);
    expect(report.capturesReported).toContain((await rideNow(stub)).id);
    await until(async () => ((await rideNow(cancelled.stub)).payment.status === "voided" ? true : undefined), "the void applied");
    await until(async () => ((await rideNow(stub)).status === "completed" ? true : undefined), "the capture applied");
    expect(await rideNow(stub)).toMatchObject({ status: "completed", payment: { status: "captured" } });
    const again = await payments.reconcile(0, rideLookup(testEnv));
    expect(again.holdsVoided).not.toContain(cancelled.ride.id);
  });

  it("the payment watchdog sends an unanswered step again, under the same idempotency key", async () => {
    const input = rideInput();
    const stub = rideStub(input.rideId);
    const sent: PaymentCommandMessage[] = [];
    await runInDurableObject(stub, (instance: RideDurableObject) => {
      instance.send = async (queue, bodies) => {
        if (queue === "payments") sent.push(...(bodies as PaymentCommandMessage[]));
      };
    });
    const { ride } = unwrap(await stub.create(input));
    await until(async () => (sent.length > 0 ? true : undefined), "the authorize command relayed");
    await runInDurableObject(stub, (_i: RideDurableObject, state) => {
      state.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = 'payment'", Date.now() - 1);
    });
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    const again = async () => (sent.filter((c) => c.idempotencyKey === `${ride.id}:authorize`).length >= 2 ? true : undefined);
    expect(await until(again, "the authorize command sent again under the same key")).toBe(true);
    const due = await runInDurableObject(
      stub,
      (_i: RideDurableObject, state) => state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE name = 'payment'").one().due_at,
    );
    expect(due).toBeGreaterThan(Date.now() + 60_000);
  });

  it("the views turn a settlement into the driver's earnings", async () => {
    const { stub, driver } = await rideInProgress();
    await deliver([await commandFor(stub, "authorize")]);
    unwrap(await stub.advance(driver.id, "complete", {}, "req"));
    const published: unknown[] = [];
    await runInDurableObject(stub, (instance: RideDurableObject) => {
      instance.send = async (queue, bodies) => {
        if (queue === "ride-events") published.push(...bodies);
      };
    });
    await deliver([await commandFor(stub, "capture")]);
    await runDurableObjectAlarm(stub);
    await project(testEnv.VIEWS_DB, published as never);
    const row = await testEnv.VIEWS_DB.prepare("SELECT driver_id, fare, commission, earning FROM earnings WHERE ride_id = ?")
      .bind((await rideNow(stub)).id)
      .first<{ fare: number; commission: number; earning: number; driver_id: string }>();
    expect(row?.driver_id).toBe(driver.id);
    expect(row!.commission + row!.earning).toBe(row!.fare);
  });
});
