/**
 * The Rental and RentalVehicle objects in workerd: creation holds the vehicle (a second
 * rental is refused and leaves nothing), payment results in any order and twice, the
 * payment worker's real steps routed to the rental, a key issued late (the consumer
 * retried while the key service is down), the cancel's order (key invalidated, then
 * refunded once) and the end timer of a rental ridden (one never unlocked: rental-endings).
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PaymentCommandMessage, PaymentResult, RentalKeyMessage } from "../../src/domain/events";
import { outstandingStep, paymentCommand } from "../../src/domain/rental/machine";
import type { Rental, RentalRecord } from "../../src/domain/rental/types";
import type { RentalDurableObject } from "../../src/durable-objects/rental";
import { fleetStub, keyIssuerStub, rentalStub, rentalVehicleStub } from "../../src/durable-objects/stubs";
import { unwrap, type Outcome } from "../../src/lib/problem";
import type { Actor } from "../../src/domain/types";
import { consumeRentalKeys, rentalKeyDeps } from "../../workers/gateway/rental-keys";
import paymentWorker from "../../workers/payment/index";
import { createApp } from "../../workers/gateway/app";
import { repairRentalViews } from "../../workers/gateway/rental-repair";
import { vehiclesNear } from "../../workers/gateway/rental-queries";
import { rideLookup } from "../../workers/gateway/payment-results";
import type { PaymentService } from "../../workers/payment/service";
import { applyWrites } from "../../src/views/projection";
import { issueToken } from "../../workers/gateway/auth";
import { testEnv, uniqueId, until } from "./helpers";
import { created, idOf, input, krw, newVehicle, payThroughWorker, recordOf } from "./rentals";

const ops = { id: "ops-1", role: "ops" as const };

const result = (rentalId: string, action: PaymentResult["action"], outcome: PaymentResult["outcome"] = "succeeded", amount = krw(4000)): PaymentResult => ({
  rideId: rentalId,
  action,
  outcome,
  idempotencyKey: `${rentalId}:${action}`,
  providerRef: "pi_x",
  detail: outcome === "declined" ? "card_declined" : null,
  amount,
});

const timerDue = (stub: DurableObjectStub<RentalDurableObject>, name: string) =>
  runInDurableObject(
    stub,
    (_i: RentalDurableObject, s) => s.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE name = ?", name).toArray()[0]?.due_at ?? null,
  );
const fireTimer = async (stub: DurableObjectStub<RentalDurableObject>, name: string) => {
  await runInDurableObject(stub, (_i: RentalDurableObject, s) => s.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = ?", Date.now() - 1, name));
  await runDurableObjectAlarm(stub);
};
const types = async (stub: DurableObjectStub<RentalDurableObject>, actor: Actor = ops) =>
  unwrap((await stub.timeline(actor)) as Outcome<{ type: string }[]>).map((e) => e.type);
const vehicleStatus = async (id: string) => (await rentalVehicleStub(testEnv, id).get())?.status;

async function confirmed() {
  const made = await created();
  unwrap(await made.stub.applyPaymentResult(result(made.i.rentalId, "authorize")));
  unwrap(await made.stub.applyPaymentResult(result(made.i.rentalId, "capture")));
  return made;
}

describe("Rental DO: creation", () => {
  it("holds the vehicle; a second rental of it is refused vehicle_unavailable and leaves no rental", async () => {
    const { vehicleId, stub, i } = await created();
    expect(await vehicleStatus(vehicleId)).toBe("rented");
    const other = input(vehicleId);
    const refused = await rentalStub(testEnv, other.rentalId).create(other);
    expect(refused).toMatchObject({ ok: false, problem: { code: "vehicle_unavailable" } });
    expect(await rentalStub(testEnv, other.rentalId).get(ops)).toMatchObject({ ok: false, problem: { code: "not_found" } });
    // The same request again is the same rental, and so is another body under the rider's key; another rider's is a conflict.
    expect(unwrap(await stub.create(i)).created).toBe(false);
    expect(unwrap(await stub.create({ ...i, requestHash: "h2", hours: 3 }))).toMatchObject({ created: false, rental: { id: i.rentalId, hours: i.hours } });
    expect(await stub.create({ ...i, riderId: "r_someone_else" })).toMatchObject({ ok: false, problem: { code: "idempotency_conflict" } });
    expect(await outstandingStep(await recordOf(stub))).toBe("authorize");
  });

  it("a creation that throws after its commit (arming the alarm) keeps its vehicle: never one vehicle in two live rentals", async () => {
    const vehicleId = await newVehicle();
    const i = input(vehicleId);
    const stub = rentalStub(testEnv, i.rentalId);
    const thrown = await runInDurableObject(stub, async (instance: RentalDurableObject) => {
      const alarm = (instance as unknown as { oneAlarm: { arm: (at: number | null) => Promise<void> } }).oneAlarm;
      const arm = alarm.arm.bind(alarm);
      alarm.arm = () => Promise.reject(new Error("setAlarm failed"));
      try {
        return await instance.create(i).then(
          () => null,
          (error: unknown) => String(error),
        );
      } finally {
        alarm.arm = arm;
      }
    });
    expect(thrown).toContain("setAlarm failed");
    expect(unwrap(await stub.get(ops))).toMatchObject({ id: i.rentalId, status: "requested" });
    expect(await rentalVehicleStub(testEnv, vehicleId).heldBy()).toBe(i.rentalId);
    const other = input(vehicleId);
    expect(await rentalStub(testEnv, other.rentalId).create(other)).toMatchObject({ ok: false, problem: { code: "vehicle_unavailable" } });
  });
});

describe("Rental DO: payment results", () => {
  it("answer the system without the unlock key, a result the rental never asks (a settle) and a repeat too", async () => {
    const { stub, i } = await confirmed();
    expect(unwrap(await stub.keyIssued("4821", "c")).unlockKey).toBeNull();
    const rider = { id: i.riderId, role: "rider" as const };
    expect(unwrap((await stub.get(rider)) as Outcome<Rental>).unlockKey, "the rider's own view has it").toBe("4821");
    expect(unwrap(await stub.applyPaymentResult(result(i.rentalId, "settle"))).unlockKey).toBeNull();
    expect(unwrap(await stub.applyPaymentResult(result(i.rentalId, "capture"))).unlockKey).toBeNull();
  });

  it("in any order and twice: confirmed once, the version unmoved by repeats", async () => {
    const { stub, i } = await created();
    unwrap(await stub.applyPaymentResult(result(i.rentalId, "capture")));
    const after = unwrap((await stub.get(ops)) as Outcome<Rental>);
    expect(after).toMatchObject({ status: "confirmed", payment: { status: "captured" } });
    for (const late of [result(i.rentalId, "authorize"), result(i.rentalId, "capture"), result(i.rentalId, "capture")])
      unwrap(await stub.applyPaymentResult(late));
    expect(unwrap((await stub.get(ops)) as Outcome<Rental>).version).toBe(after.version);
    expect(await timerDue(stub, "end")).toBe(Date.parse(after.endsAt!));
    expect(await timerDue(stub, "payment")).toBeNull();
  });

  it("a declined card declines the rental and frees the vehicle", async () => {
    const { stub, i, vehicleId } = await created();
    unwrap(await stub.applyPaymentResult(result(i.rentalId, "authorize", "declined")));
    expect(unwrap((await stub.get(ops)) as Outcome<Rental>)).toMatchObject({ status: "declined", payment: { status: "declined" } });
    expect(await vehicleStatus(vehicleId)).toBe("available");
    expect(await timerDue(stub, "payment")).toBeNull();
  });

  it("the payment worker's real steps reach the rental: authorised, captured, no driver settlement", async () => {
    const { stub, i } = await created();
    await payThroughWorker(stub);
    expect(unwrap((await stub.get(ops)) as Outcome<Rental>).status).toBe("confirmed");
    expect(await rideLookup(testEnv)(i.rentalId)).toEqual({ status: "completed", payment: { status: "captured" }, driver: null, fare: null });
    const settled = await testEnv.LEDGER_DB.prepare("SELECT count(*) AS n FROM settlements WHERE ride_id = ?").bind(i.rentalId).first<{ n: number }>();
    expect(settled?.n).toBe(0);
  });
});

describe("Rental DO: the key", () => {
  it("issued late: confirmed without a key, the consumer retried while keys are down, the key taken once", async () => {
    const { stub, i, rider } = await confirmed();
    expect(unwrap((await stub.get(rider)) as Outcome<Rental>).unlockKey).toBeNull();
    expect(await timerDue(stub, "key")).not.toBeNull();
    await fireTimer(stub, "key");
    expect(await timerDue(stub, "key"), "asks again later").toBeGreaterThan(Date.now());
    const batch = () =>
      createMessageBatch<RentalKeyMessage>("rental-keys", [
        { id: uniqueId("k"), timestamp: Date.now(), attempts: 1, body: { kind: "rental.key", rentalId: i.rentalId, correlationId: "c" } },
      ]);
    await keyIssuerStub(testEnv).setFaults({ mode: "down" });
    try {
      const down = batch();
      await consumeRentalKeys(down, rentalKeyDeps(testEnv));
      expect((await getQueueResult(down, createExecutionContext())).retryMessages).toHaveLength(1);
    } finally {
      await keyIssuerStub(testEnv).setFaults({ mode: "ok" });
    }
    const up = batch();
    await consumeRentalKeys(up, rentalKeyDeps(testEnv));
    expect((await getQueueResult(up, createExecutionContext())).retryMessages).toEqual([]);
    const key = unwrap((await stub.get(rider)) as Outcome<Rental>).unlockKey!;
    expect(key).toMatch(/^\d{4}$/);
    expect(unwrap((await stub.get(ops)) as Outcome<Rental>).unlockKey, "ops never see it").toBeNull();
    expect(await timerDue(stub, "key")).toBeNull();
    unwrap(await stub.keyIssued(key === "1111" ? "2222" : "1111", "late duplicate"));
    expect(unwrap((await stub.get(rider)) as Outcome<Rental>).unlockKey).toBe(key);
    expect(JSON.stringify(await runInDurableObject(stub, (_i: RentalDurableObject, s) => s.storage.sql.exec("SELECT * FROM events").toArray()))).not.toContain(
      `"${key}"`,
    );
  });
});

describe("Rental DO: cancel and end", () => {
  it("cancel: key invalidated, then the refund asked once; the result taken once; the vehicle free", async () => {
    const { stub, i, rider, vehicleId } = await confirmed();
    unwrap(await stub.keyIssued("4821", "k"));
    expect(unwrap(await stub.cancel(rider, "req"))).toMatchObject({ status: "cancelled", unlockKey: null });
    expect(await stub.unlock(rider, "4821", "req")).toMatchObject({ ok: false, problem: { code: "forbidden" } });
    expect(await vehicleStatus(vehicleId)).toBe("available");
    expect(outstandingStep(await recordOf(stub))).toBe("refund");
    const refund = { ...result(i.rentalId, "refund"), idempotencyKey: `${i.rentalId}:refund:cancel` };
    unwrap(await stub.applyPaymentResult(refund));
    unwrap(await stub.applyPaymentResult(refund));
    unwrap(await stub.cancel(rider, "again"));
    const timeline = await types(stub, rider);
    expect(timeline.indexOf("UnlockKeyInvalidated")).toBeLessThan(timeline.indexOf("PaymentRefunded"));
    expect(timeline.filter((t) => t === "PaymentRefunded")).toHaveLength(1);
    expect(unwrap((await stub.get(rider)) as Outcome<Rental>).payment).toEqual({ status: "refunded", refundedAmount: krw(4000) });
    expect(await timerDue(stub, "payment")).toBeNull();
  });

  it("a change carries the correlation id of the request that made it (a payment result, the one its step was asked under)", async () => {
    const { stub, i, rider } = await confirmed();
    unwrap(await stub.keyIssued("4821", "req-key"));
    unwrap(await stub.cancel(rider, "req-cancel"));
    unwrap(await stub.applyPaymentResult({ ...result(i.rentalId, "refund"), idempotencyKey: `${i.rentalId}:refund:cancel`, correlationId: "req-cancel" }));
    const events = await runInDurableObject(stub, (_i: RentalDurableObject, s) =>
      s.storage.sql
        .exec<{ type: string; correlation_id: string; causation_id: string | null }>("SELECT type, correlation_id, causation_id FROM events ORDER BY position")
        .toArray(),
    );
    const of = (type: string) => events.filter((e) => e.type === type).map((e) => [e.correlation_id, e.causation_id]);
    expect(of("RentalRequested")).toEqual([[i.correlationId, i.correlationId]]);
    expect(of("RentalKeyIssued")).toEqual([["req-key", "req-key"]]);
    expect(of("RentalCancelled")).toEqual([["req-cancel", "req-cancel"]]);
    expect(of("PaymentRefunded")).toEqual([["req-cancel", `${i.rentalId}:refund:cancel`]]);
  });

  it("a rental unlocked and not returned by its end is completed by its timer, and the vehicle freed", async () => {
    const { stub, rider, vehicleId } = await confirmed();
    // Ridden: a rental never unlocked is cancelled and refunded at its end instead (rental-endings).
    unwrap(await stub.keyIssued("4821", "k"));
    unwrap(await stub.unlock(rider, "4821", "req"));
    await fireTimer(stub, "end");
    expect(unwrap((await stub.get(rider)) as Outcome<Rental>).status, "not before its end").toBe("confirmed");
    await runInDurableObject(stub, (_i: RentalDurableObject, s) => {
      const record = JSON.parse(s.storage.sql.exec<{ record: string }>("SELECT record FROM rental").one().record) as RentalRecord;
      record.rental.endsAt = new Date(Date.now() - 1000).toISOString();
      s.storage.sql.exec("UPDATE rental SET record = ?", JSON.stringify(record));
    });
    await fireTimer(stub, "end");
    expect(unwrap((await stub.get(rider)) as Outcome<Rental>)).toMatchObject({ status: "completed", unlockKey: null });
    expect(await vehicleStatus(vehicleId)).toBe("available");
    expect((await types(stub)).at(-1)).toBe("RentalCompleted");
    expect(outstandingStep(await recordOf(stub)), "the payment is kept").toBeNull();
  });

  it("a rental whose payment never answers is declined at its deadline, and the vehicle freed; a capture answered later is refunded", async () => {
    const { stub, rider, vehicleId, i } = await created();
    expect(await timerDue(stub, "deadline")).not.toBeNull();
    await fireTimer(stub, "deadline");
    expect(unwrap((await stub.get(rider)) as Outcome<Rental>).status, "not before its deadline").toBe("requested");
    await runInDurableObject(stub, (_i: RentalDurableObject, s) => {
      const record = JSON.parse(s.storage.sql.exec<{ record: string }>("SELECT record FROM rental").one().record) as RentalRecord;
      record.rental.createdAt = new Date(Date.now() - 16 * 60_000).toISOString();
      s.storage.sql.exec("UPDATE rental SET record = ?", JSON.stringify(record));
    });
    await fireTimer(stub, "deadline");
    expect(unwrap((await stub.get(rider)) as Outcome<Rental>).status).toBe("declined");
    expect(await vehicleStatus(vehicleId)).toBe("available");
    expect(await timerDue(stub, "deadline")).toBeNull();

    // Its payment answers after all: authorised (a hold to void), then the capture sent in time went through.
    unwrap(await stub.applyPaymentResult(result(i.rentalId, "authorize")));
    expect(await outstandingStep(await recordOf(stub))).toBe("void");
    const sent: { queue: string; body: { action?: string; idempotencyKey?: string } }[] = [];
    await runInDurableObject(stub, (instance: RentalDurableObject) => {
      instance.send = async (queue, bodies) => void sent.push(...bodies.map((body) => ({ queue, body: body as { action?: string; idempotencyKey?: string } })));
    });
    const charged = unwrap(await stub.applyPaymentResult(result(i.rentalId, "capture")));
    // Still declined, the vehicle still free; the money goes back: a refund is the step it waits for, the watchdog on it.
    expect(charged).toMatchObject({ status: "declined", payment: { status: "captured" } });
    expect(await vehicleStatus(vehicleId)).toBe("available");
    expect(await outstandingStep(await recordOf(stub))).toBe("refund");
    expect(await timerDue(stub, "payment")).not.toBeNull();
    await until(async () => (sent.some((m) => m.queue === "payments") ? true : undefined), "the refund sent");
    expect(sent.filter((m) => m.queue === "payments").map((m) => m.body)).toEqual([
      expect.objectContaining({ action: "refund", idempotencyKey: `${i.rentalId}:refund:late-capture`, amount: krw(4000) }),
    ]);
    const refunded = unwrap(await stub.applyPaymentResult({ ...result(i.rentalId, "refund"), idempotencyKey: `${i.rentalId}:refund:late-capture` }));
    expect(refunded).toMatchObject({ status: "declined", payment: { status: "refunded", refundedAmount: krw(4000) } });
    expect(await outstandingStep(await recordOf(stub))).toBeNull();
    expect(await timerDue(stub, "payment")).toBeNull();
    expect((await types(stub)).slice(-2)).toEqual(["PaymentCaptured", "PaymentRefunded"]);
  });
});

describe("POST /v1/rentals", () => {
  const app = createApp();
  const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
  async function post(riderId: string, body: unknown, key: string) {
    const token = await issueToken(testEnv, { id: riderId, role: "rider" });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key };
    const res = await app.request("/v1/rentals", { method: "POST", headers, body: JSON.stringify(body) }, testEnv, ctx);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it("an operator registers a vehicle: 201 with the vehicle, and no Location header to a path no route serves", async () => {
    const token = await issueToken(testEnv, { id: "ops-1", role: "ops" });
    const body = { kind: "bike", location: { lat: 37.5, lng: 127 }, hourlyRate: 2000 };
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const res = await app.request("/v1/ops/rental-vehicles", { method: "POST", headers, body: JSON.stringify(body) }, testEnv, ctx);
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.json()).toMatchObject({ kind: "bike", status: "available" });
  });

  it("a registration sent again under the operator's Idempotency-Key is the same vehicle, listed once; without a key, a new one", async () => {
    const operator = uniqueId("ops");
    const token = await issueToken(testEnv, { id: operator, role: "ops" });
    const register = async (body: unknown, key?: string) => {
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) };
      const res = await app.request("/v1/ops/rental-vehicles", { method: "POST", headers, body: JSON.stringify(body) }, testEnv, ctx);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const body = { kind: "scooter", location: { lat: 37.51, lng: 127.01 }, hourlyRate: 1800 };
    const first = await register(body, "bike-rack-7");
    expect(first).toMatchObject({ status: 201, body: { kind: "scooter", status: "available" } });
    const again = await register({ ...body, hourlyRate: 9999 }, "bike-rack-7");
    expect([again.status, again.body.id, again.body.hourlyRate]).toEqual([201, first.body.id, { amount: 1800, currency: "KRW" }]);
    const listed = await fleetStub(testEnv).page(null, 10_000);
    expect(listed.filter((id) => id === first.body.id)).toHaveLength(1);
    expect((await register(body)).body.id).not.toBe(first.body.id);
    // Another operator's same key is theirs: another vehicle.
    const other = await issueToken(testEnv, { id: uniqueId("ops"), role: "ops" });
    const res = await app.request(
      "/v1/ops/rental-vehicles",
      {
        method: "POST",
        headers: { authorization: `Bearer ${other}`, "content-type": "application/json", "idempotency-key": "bike-rack-7" },
        body: JSON.stringify(body),
      },
      testEnv,
      ctx,
    );
    expect(((await res.json()) as { id: string }).id).not.toBe(first.body.id);
  });

  it("a rider with dues gets 402 payment_required and the vehicle stays free; the price is hours × the hourly rate", async () => {
    const vehicleId = await newVehicle();
    const debtor = uniqueId("r");
    unwrap(await testEnv.RIDER.get(testEnv.RIDER.idFromName(debtor)).incurDues(debtor, "rd_unpaid", krw(9800), "c"));
    const refused = await post(debtor, { vehicleId, hours: 3, paymentMethod: "pm_card_visa" }, "k1");
    expect(refused).toMatchObject({ status: 402, body: { code: "payment_required", dues: krw(9800) } });
    expect(await vehicleStatus(vehicleId)).toBe("available");
    const made = await post(uniqueId("r"), { vehicleId, hours: 3, paymentMethod: "pm_card_visa" }, "k1");
    expect(made).toMatchObject({ status: 202, body: { status: "requested", price: krw(6000), hours: 3 } });
  });

  it("the rider's key sent again with another body gets the rental it made, even naming a vehicle that is not there; a new key does not", async () => {
    const vehicleId = await newVehicle();
    const riderId = uniqueId("r");
    const first = await post(riderId, { vehicleId, hours: 2, paymentMethod: "pm_card_visa" }, "k-once");
    expect(first.status).toBe(202);
    const other = await post(riderId, { vehicleId, hours: 5, paymentMethod: "pm_card_mastercard" }, "k-once");
    expect([other.status, other.body.id, other.body.hours]).toEqual([202, first.body.id, 2]);
    const gone = await post(riderId, { vehicleId: "rv_made0up0000000000000000", hours: 2, paymentMethod: "pm_card_visa" }, "k-once");
    expect([gone.status, gone.body.id]).toEqual([202, first.body.id]);
    expect((await post(riderId, { vehicleId: "rv_made0up0000000000000000", hours: 2, paymentMethod: "pm_card_visa" }, "k-new")).status).toBe(404);
  });
});

describe("the views' repair sweep for rentals", () => {
  it("a rental row left behind (its messages lost) is projected again from its object, without the key", async () => {
    const { stub, i, rider } = await confirmed();
    unwrap(await stub.keyIssued("4821", "k"));
    const now = unwrap((await stub.get(rider)) as Outcome<Rental>);
    const stale = { ...now, status: "requested" as const, version: 1, unlockKey: null, updatedAt: "2026-01-01T00:00:00.000Z" };
    await applyWrites(testEnv.VIEWS_DB, [{ kind: "rental", rental: stale }]);
    const report = await repairRentalViews(testEnv, { afterS: 0, maxRows: 500 });
    expect(report.rentals).toBeGreaterThan(0);
    const row = await testEnv.VIEWS_DB.prepare("SELECT status, version, snapshot, checked_at FROM rentals WHERE id = ?")
      .bind(i.rentalId)
      .first<Record<string, string>>();
    expect(row).toMatchObject({ status: "confirmed", version: now.version });
    expect(row!.checked_at).not.toBeNull();
    expect(row!.snapshot).not.toContain("4821");
  });

  it("a declined rental's row with money still in play (a void's or a late capture's message lost) is read again too", async () => {
    const { stub, i, rider } = await created();
    const now = unwrap((await stub.get(rider)) as Outcome<Rental>);
    const stale = { ...now, status: "declined" as const, payment: { status: "authorized" as const }, version: 0, updatedAt: "2026-01-01T00:00:00.000Z" };
    await applyWrites(testEnv.VIEWS_DB, [{ kind: "rental", rental: stale }]);
    await repairRentalViews(testEnv, { afterS: 0, maxRows: 500 });
    const row = await testEnv.VIEWS_DB.prepare("SELECT status, version FROM rentals WHERE id = ?").bind(i.rentalId).first<Record<string, unknown>>();
    expect(row).toEqual({ status: now.status, version: now.version });
  });
});

describe("the repair sweep frees a vehicle no live rental holds", () => {
  it("a cancel whose vehicle release is lost is made all the same (its key dead, never two live rentals of the vehicle), and the sweep frees the vehicle", async () => {
    const { stub, rider, vehicleId } = await confirmed();
    unwrap(await stub.keyIssued("4821", "k"));
    // The vehicle's object committed nothing, or its answer was lost: either way the release failed.
    await runInDurableObject(stub, (instance: RentalDurableObject) => {
      const self = instance as unknown as { perform: (effect: { type: string }) => Promise<Outcome<unknown>> };
      const perform = self.perform.bind(instance);
      self.perform = async (effect) =>
        effect.type === "releaseVehicle" ? { ok: false, problem: { code: "unavailable", detail: "vehicle down" } } : perform(effect);
    });
    // Before, the release came first: the cancel failed 503 here, or (the answer lost after the vehicle's commit) left the
    // rental confirmed, its key unlocking, with the vehicle free to rent again.
    expect(unwrap(await stub.cancel(rider, "req"))).toMatchObject({ status: "cancelled", unlockKey: null });
    expect(await stub.unlock(rider, "4821", "req")).toMatchObject({ ok: false, problem: { code: "forbidden" } });
    expect(await vehicleStatus(vehicleId)).toBe("rented");
    const other = input(vehicleId);
    expect(await rentalStub(testEnv, other.rentalId).create(other)).toMatchObject({ ok: false, problem: { code: "vehicle_unavailable" } });
    const row = { ...(await rentalVehicleStub(testEnv, vehicleId).get())!, updatedAt: "2026-01-01T00:00:00.000Z" };
    await applyWrites(testEnv.VIEWS_DB, [{ kind: "rentalVehicle", vehicle: row }]);
    await new Promise((r) => setTimeout(r, 5));
    await repairRentalViews(testEnv, { afterS: 0, maxRows: 500 });
    expect(await vehicleStatus(vehicleId)).toBe("available");
  });

  it("a return whose vehicle release is lost: the sweep frees the vehicle where the rider left it, not where it was", async () => {
    const { stub, rider, vehicleId } = await confirmed();
    unwrap(await stub.keyIssued("4821", "k"));
    unwrap(await stub.unlock(rider, "4821", "req"));
    await runInDurableObject(stub, (instance: RentalDurableObject) => {
      const self = instance as unknown as { perform: (effect: { type: string }) => Promise<Outcome<unknown>> };
      const perform = self.perform.bind(instance);
      self.perform = async (effect) =>
        effect.type === "releaseVehicle" ? { ok: false, problem: { code: "unavailable", detail: "vehicle down" } } : perform(effect);
    });
    const leftAt = { lat: 37.55, lng: 127.04 };
    expect(unwrap(await stub.returnVehicle(rider, "req", leftAt))).toMatchObject({ status: "completed" });
    expect(await vehicleStatus(vehicleId)).toBe("rented");
    const row = { ...(await rentalVehicleStub(testEnv, vehicleId).get())!, updatedAt: "2026-01-01T00:00:00.000Z" };
    await applyWrites(testEnv.VIEWS_DB, [{ kind: "rentalVehicle", vehicle: row }]);
    await new Promise((r) => setTimeout(r, 5));
    await repairRentalViews(testEnv, { afterS: 0, maxRows: 500 });
    expect(await rentalVehicleStub(testEnv, vehicleId).get()).toMatchObject({ status: "available", location: leftAt });
  });

  it("an orphan's release waits in its Rental object's queue: a creation sent again under its key and committing then keeps the vehicle", async () => {
    const vehicleId = await newVehicle();
    const i = input(vehicleId);
    // The first creation died after its reserve: the vehicle is held for a rental that was never made.
    unwrap(await rentalVehicleStub(testEnv, vehicleId).reserve(i.rentalId, "lost"));
    const stub = rentalStub(testEnv, i.rentalId);
    // The rider's retry (its reserve a repeat) and the sweep's release, at once: whichever the queue takes first, the
    // rental made holds its vehicle (released first, the retry reserves it anew; second, it finds the rental and keeps it).
    const [made] = await Promise.all([stub.create(i), stub.releaseUnmade(i.rentalId, vehicleId)]);
    expect(unwrap(made)).toMatchObject({ created: true, rental: { status: "requested" } });
    expect(await rentalVehicleStub(testEnv, vehicleId).heldBy()).toBe(i.rentalId);
    expect(unwrap(await stub.releaseUnmade(i.rentalId, vehicleId)), "made: kept").toBe(false);
    expect(await rentalVehicleStub(testEnv, vehicleId).heldBy()).toBe(i.rentalId);
    // Never made at all: released.
    const lost = await newVehicle();
    const never = idOf("rn");
    unwrap(await rentalVehicleStub(testEnv, lost).reserve(never, "lost"));
    expect(unwrap(await rentalStub(testEnv, never).releaseUnmade(never, lost))).toBe(true);
    expect(await vehicleStatus(lost)).toBe("available");
  });

  it("held by a rental that was never made (its creation died after the reserve), or that ended: released; a live one's kept", async () => {
    const orphan = await newVehicle();
    unwrap(await rentalVehicleStub(testEnv, orphan).reserve(idOf("rn"), "lost"));
    const { vehicleId: live } = await created();
    const rows = await Promise.all(
      [orphan, live].map(async (id) => ({ ...(await rentalVehicleStub(testEnv, id).get())!, updatedAt: "2026-01-01T00:00:00.000Z" })),
    );
    await applyWrites(
      testEnv.VIEWS_DB,
      rows.map((vehicle) => ({ kind: "rentalVehicle" as const, vehicle })),
    );
    // Reserved just now (by the object's own time): its rental may be committing, so it is left alone.
    await repairRentalViews(testEnv, { afterS: 3600, maxRows: 500 });
    expect(await vehicleStatus(orphan)).toBe("rented");
    await new Promise((r) => setTimeout(r, 5));
    await repairRentalViews(testEnv, { afterS: 0, maxRows: 500 });
    expect(await vehicleStatus(orphan)).toBe("available");
    expect(await vehicleStatus(live)).toBe("rented");
    const row = await testEnv.VIEWS_DB.prepare("SELECT status FROM rental_vehicles WHERE id = ?").bind(orphan).first<{ status: string }>();
    expect(row?.status).toBe("available");
  });
});

describe("nearby vehicles", () => {
  it("the nearest is found even when the bounding box holds more than the query's limit", async () => {
    const at = { lat: 10.5, lng: 20.5 };
    const vehicle = (id: string, lat: number, lng: number) => ({
      kind: "rentalVehicle" as const,
      vehicle: {
        id,
        kind: "bike" as const,
        location: { lat, lng },
        hourlyRate: krw(2000),
        status: "available" as const,
        version: 1,
        createdAt: "2026-01-01T00:00:00.000Z",
        updatedAt: "2026-01-01T00:00:00.000Z",
      },
    });
    // 600 in the box's corner (south-west, outside the circle), one beside the point.
    const far = Array.from({ length: 600 }, (_, n) => vehicle(idOf("rv"), at.lat - 0.0085 - n * 1e-7, at.lng - 0.0085));
    await applyWrites(testEnv.VIEWS_DB, far);
    const near = vehicle(idOf("rv"), at.lat + 0.0001, at.lng);
    await applyWrites(testEnv.VIEWS_DB, [near]);
    const found = await vehiclesNear(testEnv.VIEWS_DB, at, 1000);
    expect(found.map((v) => v.id)).toEqual([near.vehicle.id]);
  });
});

describe("reconciliation and rentals", () => {
  it("leaves the hold of a rental still being charged alone", async () => {
    const { stub, i } = await created();
    const record = await recordOf(stub);
    const batch = createMessageBatch<PaymentCommandMessage>("ride-payments", [
      { id: uniqueId("m"), timestamp: Date.now(), attempts: 1, body: paymentCommand(record, "authorize", "t") },
    ]);
    // Authorised, and the result lost: the rental still waits (requested), its hold is open.
    await paymentWorker.queue(batch, { ...testEnv, PAYMENT_RESULTS_QUEUE: { send: async () => undefined } as unknown as Queue });
    expect(await rideLookup(testEnv)(i.rentalId)).toMatchObject({ status: "requested" });
    const payments = testEnv.PAYMENTS as unknown as Service<PaymentService>;
    const report = await payments.reconcile(0, rideLookup(testEnv));
    expect(report.holdsVoided).not.toContain(i.rentalId);
    expect(report.orphanHoldsVoided).not.toContain(i.rentalId);
  });
});
