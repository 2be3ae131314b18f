/**
 * Every ride ends (inside workerd, with the real Ride, Driver and Rider objects, the
 * payment worker's handler, ledger and simulated provider): an authorisation lost before
 * a cancel still settles and its late hold is voided; a hold declined after boarding
 * ends the ride unpaid with dues that block the next request until paid; a driver backs
 * out at the pickup; a no-show is refused before the wait and cancels after it with the
 * fee captured; refunds in full and in part, repeated and too large.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { outstandingPaymentStep, type RideRecord } from "../../src/domain/ride-machine";
import type { Ride } from "../../src/domain/types";
import { liveRequest, NO_LONGER_YOURS } from "../../src/durable-objects/live";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import type { TimelineItem } from "../../src/durable-objects/ride-ledger";
import { unwrap, type Outcome } from "../../src/lib/problem";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { createRide, onlineDriver, rideInProgress, testEnv, uniqueId, until } from "./helpers";
import { deliver, outstanding, recordOf, rideDone } from "./payment-steps";

const ops = { id: "ops-1", role: "ops" as const };
const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
const simulator = () => testEnv.PAYMENT_SIMULATOR.get(testEnv.PAYMENT_SIMULATOR.idFromName("default"));
const riderStub = (id: string) => testEnv.RIDER.get(testEnv.RIDER.idFromName(id));

const rideNow = async (stub: DurableObjectStub<RideDurableObject>) => unwrap((await stub.get(ops)) as Outcome<Ride>);
const timerDue = (stub: DurableObjectStub<RideDurableObject>, name: string) =>
  runInDurableObject(
    stub,
    (_i: RideDurableObject, state) => state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE name = ?", name).toArray()[0]?.due_at ?? null,
  );
const ledgerOf = async (rideId: string) =>
  (
    await testEnv.LEDGER_DB.prepare("SELECT kind, outcome, amount FROM payment_operations WHERE ride_id = ? ORDER BY created_at").bind(rideId).all()
  ).results.map((r) => `${String(r.kind)}:${String(r.outcome)}:${String(r.amount)}`);

async function call(
  method: string,
  path: string,
  actor: { id: string; role: "rider" | "driver" | "ops" },
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const token = await issueToken(testEnv, actor);
  const res = await app.request(
    path,
    {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    testEnv,
    ctx,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeEach(async () => {
  await simulator().setFaults({ mode: "ok" });
});

describe("an authorisation lost before a cancel", () => {
  it("keeps asking under the same key, so the ride reaches a final payment status and the hold that turns up is voided", async () => {
    const { stub, ride, input } = await createRide({ riderId: uniqueId("r") });
    // The provider placed the hold, then the process died before the ledger heard of it.
    await simulator().call(
      "authorize",
      { amount: { amount: 12_800, currency: "KRW" }, paymentMethod: "pm_card_visa", reference: ride.id },
      `${ride.id}:authorize`,
    );
    expect(await ledgerOf(ride.id)).toEqual([]);

    const cancelled = unwrap(await stub.cancel({ id: input.riderId, role: "rider" }, "changed plans", "req-cancel"));
    expect(cancelled.payment.status).toBe("pending");
    expect(await timerDue(stub, "payment"), "the payment watchdog stays armed after the cancel").not.toBeNull();

    // The watchdog fires: the authorisation is asked again under the same key, and the provider answers with the hold.
    const ask = await outstanding(stub);
    expect(ask).toMatchObject({ action: "authorize", idempotencyKey: `${ride.id}:authorize` });
    await deliver([ask]);
    expect((await rideNow(stub)).payment.status).toBe("authorized");
    const voidIt = await outstanding(stub);
    expect(voidIt.action).toBe("void");
    await deliver([voidIt, voidIt]);

    const settled = await rideNow(stub);
    expect(settled).toMatchObject({ status: "cancelled", payment: { status: "voided" } });
    expect(await ledgerOf(ride.id)).toEqual(["authorize:succeeded:12800", "void:succeeded:12800"]);
    expect(await timerDue(stub, "payment"), "nothing left to ask").toBeNull();
  });

  it("a watchdog that fires on a ride whose late hold was declined settles it as declined", async () => {
    const { stub, input } = await createRide({ riderId: uniqueId("r"), paymentMethod: "pm_card_chargeDeclined" });
    unwrap(await stub.cancel({ id: input.riderId, role: "rider" }, undefined, "req-cancel"));
    await deliver([await outstanding(stub)]);
    expect(await rideNow(stub)).toMatchObject({ status: "cancelled", payment: { status: "declined" } });
    await runInDurableObject(stub, (_i: RideDurableObject, state) =>
      state.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = 'payment'", Date.now() - 1),
    );
    await runDurableObjectAlarm(stub);
    expect(await timerDue(stub, "payment")).toBeNull();
  });
});

describe("a hold declined after boarding", () => {
  it("ends the ride completed with payment failed, the driver still paid; the fare is the rider's dues: 402 until paid, then rides again", async () => {
    const riderId = uniqueId("r");
    const rider = { id: riderId, role: "rider" as const };
    const { stub, driver, ride } = await rideInProgress({ riderId, paymentMethod: "pm_card_chargeDeclined" });
    await deliver([await outstanding(stub)]);
    expect(await rideNow(stub)).toMatchObject({ status: "in_progress", payment: { status: "declined" } });

    const ended = unwrap(await stub.advance(driver.id, "complete", {}, "req-complete"));
    expect(ended).toMatchObject({ status: "completed", payment: { status: "failed" } });
    const fare = ended.fare!;
    expect((await riderStub(riderId).account(riderId)).dues).toEqual(fare);

    // The driver is paid for the trip regardless: the platform records their share.
    const settle = await outstanding(stub);
    expect(settle).toMatchObject({ action: "settle", idempotencyKey: `${ride.id}:settle`, driverId: driver.id, amount: fare });
    await deliver([settle, settle]);
    const settlement = await testEnv.LEDGER_DB.prepare("SELECT driver_id, earning FROM settlements WHERE ride_id = ?").bind(ride.id).first();
    expect(settlement).toEqual({ driver_id: driver.id, earning: fare.amount - Math.round(fare.amount * 0.2) });
    expect(unwrap((await stub.timeline(ops)) as Outcome<{ type: string }[]>).map((e) => e.type)).toContain("DriverSettled");

    const request = { pickup: { lat: 37.52, lng: 126.92 }, dropoff: { lat: 37.5, lng: 126.95 }, product: "standard", paymentMethod: "pm_card_visa" };
    const refused = await call("POST", "/v1/rides", rider, request);
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ code: "payment_required", dues: fare });
    expect((await call("GET", "/v1/me/dues", rider)).body).toMatchObject({ dues: fare, items: [{ rideId: ride.id, amount: fare }] });

    const declined = await call("POST", "/v1/me/dues/pay", rider, { paymentMethod: "pm_card_chargeDeclined" });
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ code: "payment_required", dues: fare });
    const paid = await call("POST", "/v1/me/dues/pay", rider, { paymentMethod: "pm_card_visa" });
    expect(paid).toEqual({ status: 200, body: { dues: { amount: 0, currency: "KRW" } } });
    expect((await call("POST", "/v1/me/dues/pay", rider, { paymentMethod: "pm_card_visa" })).body, "paying nothing twice").toEqual({
      dues: { amount: 0, currency: "KRW" },
    });
    expect((await call("POST", "/v1/rides", rider, request)).status).toBe(202);
  });

  it("a hold declined after drop-off (the answer came late) ends the ride the same way", async () => {
    const riderId = uniqueId("r");
    const { stub, driver } = await rideInProgress({ riderId, paymentMethod: "pm_card_chargeDeclined" });
    const authorize = await outstanding(stub);
    expect(unwrap(await stub.advance(driver.id, "complete", {}, "req"))).toMatchObject({ status: "payment_pending", payment: { status: "pending" } });
    await deliver([authorize]);
    const ride = await rideNow(stub);
    expect(ride).toMatchObject({ status: "completed", payment: { status: "failed" } });
    expect((await riderStub(riderId).account(riderId)).dues).toEqual(ride.fare);
  });
});

describe("before pickup", () => {
  it("a driver at the pickup may back out: the ride is dispatched again without them", async () => {
    const pickup = { lat: 35.1 + Math.random() * 0.3, lng: 129.0 + Math.random() * 0.05 };
    const first = await onlineDriver(pickup);
    const { stub, ride } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.01, lng: pickup.lng }, riderId: uniqueId("r") });
    await until(async () => ((await first.stub.offers()).some((o) => o.rideId === ride.id) ? true : undefined), "the offer");
    unwrap(await stub.accept(first.id, "req"));
    unwrap(await stub.advance(first.id, "arrive", {}, "req"));
    // The first driver's app watches the ride on its own socket.
    const socket = (await stub.fetch(liveRequest(`http://gateway/v1/rides/${ride.id}/live`, { id: first.id, role: "driver" }, Date.now() + 3_600_000)))
      .webSocket!;
    const frames: string[] = [];
    let closed: number | null = null;
    socket.accept();
    socket.addEventListener("message", (e) => frames.push(String(e.data)));
    socket.addEventListener("close", (e) => (closed = e.code));
    const backedOut = unwrap(await stub.decline(first.id, "req-back-out"));
    expect(backedOut).toMatchObject({ status: "dispatching", driver: null });
    // Their socket ends with the change that let them go, and hears nothing after it.
    await until(async () => (closed === null ? undefined : true), "the first driver's socket closed");
    expect(closed).toBe(NO_LONGER_YOURS.code);
    expect((await first.stub.get())?.status).toBe("available");
    const second = await onlineDriver(pickup);
    await until(async () => ((await second.stub.offers()).some((o) => o.rideId === ride.id) ? true : undefined), "the offer to another driver");
    expect((await first.stub.offers()).some((o) => o.rideId === ride.id)).toBe(false);
    // The driver now offered it reads nothing of the one who gave it up: not their id, name, plate or position.
    const timeline = unwrap((await stub.timeline({ id: second.id, role: "driver" })) as Outcome<TimelineItem[]>);
    expect(timeline.map((e) => e.type)).toContain("DriverOffered");
    expect(JSON.stringify(timeline)).not.toContain(first.id);
    expect(timeline.some((e) => e.type === "DriverAssigned" || e.type === "DriverArrived")).toBe(false);
    const all = unwrap((await stub.timeline({ id: "ops", role: "ops" })) as Outcome<TimelineItem[]>);
    expect(JSON.stringify(all)).toContain(first.id);
    // The second driver takes it: nothing the first one's socket carried named them.
    expect(unwrap(await stub.accept(second.id, "req-second"))).toMatchObject({ driver: { id: second.id } });
    expect(frames.join("\n")).not.toContain(second.id);
  });

  it("a no-show is refused before NO_SHOW_WAIT_S; after it the ride is cancelled by the driver, the driver freed, the fee captured and the rest voided", async () => {
    const pickup = { lat: 35.5 + Math.random() * 0.3, lng: 128.5 + Math.random() * 0.05 };
    const driver = await onlineDriver(pickup);
    const { stub, ride } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.01, lng: pickup.lng }, riderId: uniqueId("r") });
    await until(async () => ((await driver.stub.offers()).some((o) => o.rideId === ride.id) ? true : undefined), "the offer");
    await deliver([await outstanding(stub)]);
    unwrap(await stub.accept(driver.id, "req"));
    unwrap(await stub.advance(driver.id, "arrive", {}, "req"));

    const early = await stub.advance(driver.id, "noShow", {}, "req-early");
    expect(early).toMatchObject({ ok: false, problem: { code: "invalid_transition" } });
    expect((await rideNow(stub)).status).toBe("driver_arrived");

    // The wait is over (the arrival moved back in time) and the fee is 3000.
    await runInDurableObject(stub, (instance: RideDurableObject, state) => {
      const record = JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one().record) as RideRecord;
      record.arrivedAt = new Date(Date.now() - 301_000).toISOString();
      state.storage.sql.exec("UPDATE ride SET record = ?", JSON.stringify(record));
      (instance as unknown as { config: { noShowFee: number } }).config.noShowFee = 3000;
    });
    const noShow = unwrap(await stub.advance(driver.id, "noShow", {}, "req-no-show"));
    expect(noShow).toMatchObject({ status: "cancelled", cancellation: { by: "driver", reason: "rider_no_show" }, fare: { amount: 3000 } });
    expect((await driver.stub.get())?.status).toBe("available");
    const capture = await outstanding(stub);
    expect(capture).toMatchObject({ action: "capture", amount: { amount: 3000 } });
    await deliver([capture]);
    expect(await rideNow(stub)).toMatchObject({ status: "cancelled", payment: { status: "captured" } });
    expect(await ledgerOf(ride.id)).toEqual(["authorize:succeeded:12800", "capture:succeeded:3000"]);
    // The provider keeps only the fee: the rest of the hold is released with the capture.
    expect(outstandingPaymentStep(await recordOf(stub))).toBeNull();
  });
});

describe("refunds", () => {
  async function capturedRide() {
    const { stub, driver } = await rideDone({ riderId: uniqueId("r") });
    const ride = await rideNow(stub);
    expect(ride).toMatchObject({ status: "completed", payment: { status: "captured" } });
    return { stub, ride, driver };
  }

  it("a partial refund, the same request again refunding nothing twice, then the rest; more than captured is 409", async () => {
    const { stub, ride } = await capturedRide();
    const fare = ride.fare!.amount;
    const path = `/v1/ops/rides/${ride.id}/refund`;
    const part = await call("POST", path, ops, { amount: 1000, reason: "detour" });
    expect(part.status).toBe(202);
    const again = await call("POST", path, ops, { amount: 1000, reason: "detour" });
    expect(again.status).toBe(202);
    const refund = await outstanding(stub);
    expect(refund).toMatchObject({ action: "refund", amount: { amount: 1000 } });
    await deliver([refund, refund]);
    expect(await rideNow(stub)).toMatchObject({ payment: { status: "refunded", refundedAmount: { amount: 1000, currency: "KRW" } } });

    const over = await call("POST", path, ops, { amount: fare, reason: "everything" });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe("invalid_transition");

    expect((await call("POST", path, ops, { reason: "the rest" })).status).toBe(202);
    await deliver([await outstanding(stub)]);
    const refunded = await rideNow(stub);
    expect(refunded.payment).toEqual({ status: "refunded", refundedAmount: { amount: fare, currency: "KRW" } });
    const hold = (await recordOf(stub)).holdAmount.amount;
    expect(await ledgerOf(ride.id)).toEqual([
      `authorize:succeeded:${hold}`,
      `capture:succeeded:${fare}`,
      "refund:succeeded:1000",
      `refund:succeeded:${fare - 1000}`,
    ]);
    const timeline = unwrap((await stub.timeline(ops)) as Outcome<{ type: string; data: Record<string, unknown> }[]>);
    const refundedEvents = timeline.filter((e) => e.type === "PaymentRefunded");
    expect(refundedEvents).toHaveLength(2);
    expect((refundedEvents[0]!.data.adjustment as { earning: { amount: number } }).earning.amount).toBeLessThan(0);
  });

  it("a full refund by default; refunding a ride with nothing captured is 409; riders and drivers may not refund", async () => {
    const { stub, ride, driver } = await capturedRide();
    expect((await call("POST", `/v1/ops/rides/${ride.id}/refund`, { id: ride.riderId, role: "rider" }, { reason: "mine" })).status).toBe(403);
    expect((await call("POST", `/v1/ops/rides/${ride.id}/refund`, { id: driver.id, role: "driver" }, { reason: "mine" })).status).toBe(403);
    expect((await call("POST", `/v1/ops/rides/${ride.id}/refund`, ops, { reason: "sorry" })).status).toBe(202);
    await deliver([await outstanding(stub)]);
    expect((await rideNow(stub)).payment).toEqual({ status: "refunded", refundedAmount: ride.fare });

    const { ride: open } = await createRide({ riderId: uniqueId("r") });
    const nothing = await call("POST", `/v1/ops/rides/${open.id}/refund`, ops, { reason: "x" });
    expect(nothing.status).toBe(409);
    const bad = await call("POST", `/v1/ops/rides/${ride.id}/refund`, ops, { amount: -5, reason: "x" });
    expect(bad.status).toBe(400);
  });
});
