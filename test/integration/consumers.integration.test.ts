/**
 * Each queue consumer inside workerd with its real bindings: the same message
 * delivered twice (or three times) has its effect once; events projected in any
 * order converge.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { DomainEvent, NotificationMessage, PaymentCommandMessage, RideEventMessage } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import type { TimelineItem } from "../../src/durable-objects/aggregate";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import { unwrap, type Outcome } from "../../src/lib/problem";
import notificationWorker from "../../workers/notification/index";
import paymentWorker from "../../workers/payment/index";
import viewsWorker from "../../workers/views/index";
import { createRide, firstRound, resultsApplied, rideInput, rideStub, testEnv, uniqueId, until } from "./helpers";

const rider = { id: "r1", role: "rider" as const };

async function deliver<Body>(worker: { queue?: unknown }, queue: string, bodies: Body[]) {
  const batch = createMessageBatch<Body>(
    queue,
    bodies.map((body, i) => ({ id: uniqueId(`m${i}`), timestamp: Date.now(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await (worker.queue as (b: MessageBatch<Body>, e: unknown, c: ExecutionContext) => Promise<void>)(batch, resultsApplied, ctx);
  return getQueueResult(batch, ctx);
}

function authorize(rideId: string, paymentMethod = "pm_card_visa"): PaymentCommandMessage {
  return {
    kind: "payment.command",
    action: "authorize",
    rideId,
    amount: { amount: 12800, currency: "KRW" },
    paymentMethod,
    product: "standard",
    driverId: null,
    idempotencyKey: `${rideId}:authorize`,
    correlationId: "corr-1",
    causationId: "ev_1",
  };
}

async function simulatorCalls() {
  return testEnv.PAYMENT_SIMULATOR.get(testEnv.PAYMENT_SIMULATOR.idFromName("default")).callCount();
}

describe("payment consumer", () => {
  it("the same authorize delivered twice in a batch and again later: one provider call, one ledger row, one PaymentAuthorized", async () => {
    const { stub, ride } = await createRide();
    const callsBefore = await simulatorCalls();
    const first = await deliver(paymentWorker, "ride-payments", [authorize(ride.id), authorize(ride.id)]);
    expect(first.explicitAcks).toHaveLength(2);
    expect(first.retryMessages).toHaveLength(0);
    const again = await deliver(paymentWorker, "ride-payments", [authorize(ride.id)]);
    expect(again.explicitAcks).toHaveLength(1);

    expect(await simulatorCalls()).toBe(callsBefore + 1);
    const rows = await testEnv.LEDGER_DB.prepare("SELECT kind, outcome FROM payment_operations WHERE ride_id = ?").bind(ride.id).all();
    expect(rows.results).toEqual([{ kind: "authorize", outcome: "succeeded" }]);
    const timeline = unwrap((await stub.timeline(rider)) as Outcome<TimelineItem[]>);
    expect(timeline.filter((e) => e.type === "PaymentAuthorized")).toHaveLength(1);
    const now = await stub.get(rider);
    expect(now.ok && now.value.payment.status).toBe("authorized");
  });

  it("a declined card is recorded once and cancels the ride payment_declined", async () => {
    const { stub, ride } = await createRide({ paymentMethod: "pm_card_chargeDeclined" });
    await deliver(paymentWorker, "ride-payments", [authorize(ride.id, "pm_card_chargeDeclined"), authorize(ride.id, "pm_card_chargeDeclined")]);
    const now = await stub.get(rider);
    expect(now.ok && now.value).toMatchObject({
      status: "cancelled",
      cancellation: { by: "system", reason: "payment_declined" },
      payment: { status: "declined" },
    });
    const rows = await testEnv.LEDGER_DB.prepare("SELECT outcome FROM payment_operations WHERE ride_id = ?").bind(ride.id).all();
    expect(rows.results).toEqual([{ outcome: "declined" }]);
  });

  it("a message with no command (a null body) is retried alone: the step after it in the batch is taken", async () => {
    const { stub, ride } = await createRide();
    const result = await deliver(paymentWorker, "ride-payments", [null as unknown as PaymentCommandMessage, authorize(ride.id)]);
    expect([result.retryMessages.length, result.explicitAcks.length]).toEqual([1, 1]);
    const now = await stub.get(rider);
    expect(now.ok && now.value.payment.status).toBe("authorized");
  });

  it("a capture before any recorded hold is retried later, not lost", async () => {
    const { ride } = await createRide();
    const capture: PaymentCommandMessage = { ...authorize(ride.id), action: "capture", idempotencyKey: `${ride.id}:capture` };
    const result = await deliver(paymentWorker, "ride-payments", [capture]);
    expect(result.explicitAcks).toHaveLength(0);
    // (the delay itself is not reported by getQueueResult; retryDelaySeconds has a unit test)
    expect(result.retryMessages).toHaveLength(1);
  });
});

describe("notification consumer", () => {
  beforeEach(async () => {
    await testEnv.WEBHOOK_SINK.fetch("http://sink/reset");
    await testEnv.WEBHOOK_SINK.fetch("http://sink/mode", { method: "POST", body: JSON.stringify({ fail: false }) });
  });

  function assigned(): NotificationMessage {
    const id = uniqueId("rd");
    const ride: Ride = {
      id,
      status: "driver_assigned",
      version: 4,
      riderId: "r1",
      product: "standard",
      pickup: { lat: 37.52, lng: 126.92 },
      dropoff: { lat: 37.49, lng: 126.95, address: "Sangdo-dong" },
      quote: { amount: 9800, currency: "KRW" },
      driver: { id: "d1", name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" }, location: null },
      etaSeconds: 240,
      fare: null,
      payment: { status: "authorized" },
      cancellation: null,
      distanceMeters: 4000,
      durationSeconds: 600,
      locale: "en",
      createdAt: "2026-11-21T10:00:00Z",
      updatedAt: "2026-11-21T10:00:00Z",
    };
    const event: DomainEvent = {
      id: uniqueId("ev"),
      type: "DriverAssigned",
      rideId: id,
      version: 4,
      // Now: a notice of a moment is sent only while it is news (workers/notification/moments.ts).
      occurredAt: new Date().toISOString(),
      correlationId: "corr-9",
      causationId: null,
      data: {},
    };
    return { kind: "ride.notification", event, ride, locale: "en" };
  }

  it("an event delivered three times makes one signed webhook and one log entry", async () => {
    const message = assigned();
    const first = await deliver(notificationWorker, "ride-notifications", [message, message]);
    expect(first.explicitAcks).toHaveLength(2);
    await deliver(notificationWorker, "ride-notifications", [message]);
    const received = (await (await testEnv.WEBHOOK_SINK.fetch("http://sink/received")).json()) as { url: string; signature: string; body: string }[];
    const mine = received.filter((r) => (JSON.parse(r.body) as { rideId: string }).rideId === message.ride.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.url).toBe("http://webhooks.test/hook");
    expect(mine[0]!.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const body = JSON.parse(mine[0]!.body) as { event: string; text: string; locale: string; recipient: string };
    expect(body).toMatchObject({ event: "DriverAssigned", locale: "en", recipient: "r1" });
    expect(body.text).toContain("30우8281");
    const log = await testEnv.NOTIFICATIONS_DB.prepare("SELECT status, attempts, channel FROM notification_deliveries WHERE ride_id = ?")
      .bind(message.ride.id)
      .all();
    expect(log.results).toEqual([{ status: "sent", attempts: 1, channel: "webhook" }]);
  });

  it("a failing webhook is retried and logged as retrying", async () => {
    await testEnv.WEBHOOK_SINK.fetch("http://sink/mode", { method: "POST", body: JSON.stringify({ fail: true }) });
    const message = assigned();
    const result = await deliver(notificationWorker, "ride-notifications", [message]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(0);
    const log = await testEnv.NOTIFICATIONS_DB.prepare("SELECT status, attempts FROM notification_deliveries WHERE ride_id = ?").bind(message.ride.id).all();
    expect(log.results).toEqual([{ status: "retrying", attempts: 1 }]);
  });
});

describe("views consumer", () => {
  function eventsOf(rideId: string): RideEventMessage[] {
    const statuses = ["requested", "dispatching", "driver_assigned", "driver_arrived"] as const;
    const types = ["RideRequested", "DispatchStarted", "DriverAssigned", "DriverArrived"];
    return statuses.map((status, i) => {
      const version = i + 1;
      const ride = {
        id: rideId,
        status,
        version,
        riderId: "r-views",
        product: "standard",
        pickup: { lat: 37.5, lng: 127 },
        dropoff: { lat: 37.6, lng: 127 },
        quote: { amount: 9800, currency: "KRW" },
        driver:
          status === "requested" || status === "dispatching"
            ? null
            : { id: "d7", name: "Lee", vehicle: { plate: "1", model: "m", product: "standard" }, location: null },
        etaSeconds: null,
        fare: null,
        payment: { status: "pending" },
        cancellation: null,
        distanceMeters: 1,
        durationSeconds: 1,
        locale: "ko",
        createdAt: "2026-11-21T10:00:00.000Z",
        updatedAt: `2026-11-21T10:00:0${version}.000Z`,
      } as Ride;
      return {
        kind: "ride.event",
        ride,
        event: { id: `${rideId}_ev${version}`, type: types[i]!, rideId, version, occurredAt: ride.updatedAt, correlationId: "c", causationId: null, data: {} },
      };
    });
  }

  async function view(rideId: string) {
    const row = await testEnv.VIEWS_DB.prepare("SELECT status, version, driver_id FROM rides WHERE id = ?").bind(rideId).first();
    const rows = await testEnv.VIEWS_DB.prepare("SELECT count(*) AS n FROM rides WHERE id = ?").bind(rideId).first<{ n: number }>();
    return { row, rows: rows?.n };
  }

  it("duplicates are applied once", async () => {
    const rideId = uniqueId("rd");
    const [e1, e2] = eventsOf(rideId);
    const result = await deliver(viewsWorker, "ride-events", [e1!, e1!, e2!, e2!]);
    expect(result.ackAll).toBe(true);
    await deliver(viewsWorker, "ride-events", [e2!]);
    expect(await view(rideId)).toEqual({ row: { status: "dispatching", version: 2, driver_id: null }, rows: 1 });
  });

  it("every delivery order converges to the newest version", async () => {
    const orders = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [2, 0, 3, 1],
      [1, 3, 0, 2],
      [3, 0, 1, 2],
    ];
    for (const order of orders) {
      const rideId = uniqueId("rd");
      const events = eventsOf(rideId);
      // one message per batch, so each is its own delivery, in this order
      for (const i of order) await deliver(viewsWorker, "ride-events", [events[i]!]);
      expect(await view(rideId), `order ${order.join(",")}`).toEqual({
        row: { status: "driver_arrived", version: 4, driver_id: "d7" },
        rows: 1,
      });
    }
  });

  it("the rider's list in the view is what the real Ride DO published", async () => {
    const input = rideInput({ riderId: "r-real" });
    const stub = rideStub(input.rideId);
    const published: unknown[] = [];
    await runInDurableObject(stub, (instance: RideDurableObject) => {
      instance.send = async (queue, bodies) => {
        if (queue === "ride-events") published.push(...bodies);
      };
    });
    const { ride } = unwrap(await stub.create(input));
    await firstRound(stub);
    // One message per commit: the creation's (requested and dispatching); a first round that finds nobody commits nothing.
    await until(async () => (published.length >= 1 ? true : undefined), "the ride's message");
    expect(published).toHaveLength(1);
    await deliver(viewsWorker, "ride-events", published as RideEventMessage[]);
    const row = await testEnv.VIEWS_DB.prepare("SELECT rider_id, status, version FROM rides WHERE id = ?").bind(ride.id).first();
    expect(row).toMatchObject({ rider_id: "r-real", status: "dispatching", version: 1 });
  });
});
