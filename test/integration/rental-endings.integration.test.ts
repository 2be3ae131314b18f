/**
 * How a rental never unlocked ends, inside workerd with the real Rental and RentalVehicle
 * objects, the real payment worker, ledger and views: returning it is refused 409 (cancel is
 * the way out), and one whose time runs out while the key service is down the whole time is
 * cancelled by the system at its end and refunded in full, every store ending terminal.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PaymentCommandMessage, ViewsMessage } from "../../src/domain/events";
import { outstandingStep } from "../../src/domain/rental/machine";
import type { Rental, RentalRecord } from "../../src/domain/rental/types";
import { RentalDurableObject as RentalObject, type RentalDurableObject } from "../../src/durable-objects/rental";
import { keyIssuerStub, rentalVehicleStub } from "../../src/durable-objects/stubs";
import { unwrap, type Outcome } from "../../src/lib/problem";
import { project } from "../../src/views/projection";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import paymentWorker from "../../workers/payment/index";
import type { PaymentService } from "../../workers/payment/service";
import { resultsApplied, testEnv, uniqueId, until } from "./helpers";
import { created, krw, payThroughWorker, recordOf } from "./rentals";

const ops = { id: "ops-rental-endings", role: "ops" as const };
const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;

type Stub = DurableObjectStub<RentalDurableObject>;
const rentalOf = async (stub: Stub) => unwrap((await stub.get(ops)) as Outcome<Rental>);
const vehicleStatus = async (id: string) => (await rentalVehicleStub(testEnv, id).get())?.status;
const timerDue = (stub: Stub, name: string) =>
  runInDurableObject(
    stub,
    (_i: RentalDurableObject, s) => s.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE name = ?", name).toArray()[0]?.due_at ?? null,
  );
const fireTimer = async (stub: Stub, name: string) => {
  await runInDurableObject(stub, (_i: RentalDurableObject, s) => s.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = ?", Date.now() - 1, name));
  await runDurableObjectAlarm(stub);
};
/** Moves the rental's end into the past, as if its hours had gone by. */
const endNow = (stub: Stub) =>
  runInDurableObject(stub, (_i: RentalDurableObject, s) => {
    const record = JSON.parse(s.storage.sql.exec<{ record: string }>("SELECT record FROM rental").one().record) as RentalRecord;
    record.rental.endsAt = new Date(Date.now() - 1000).toISOString();
    s.storage.sql.exec("UPDATE rental SET record = ?", JSON.stringify(record));
  });

async function post(riderId: string, path: string) {
  const token = await issueToken(testEnv, { id: riderId, role: "rider" });
  const res = await app.request(path, { method: "POST", headers: { authorization: `Bearer ${token}` } }, testEnv, ctx);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("a rental never unlocked", () => {
  it("is not returned: 409 invalid_transition, nothing changed and the vehicle still held; cancel is the way out, refunded", async () => {
    const { stub, i, rider, vehicleId } = await created();
    await payThroughWorker(stub);
    unwrap(await stub.keyIssued("4821", "k"));
    const before = await rentalOf(stub);
    const refused = await post(rider.id, `/v1/rentals/${i.rentalId}/return`);
    expect(refused).toMatchObject({ status: 409, body: { code: "invalid_transition", detail: "the vehicle was not unlocked: cancel the rental instead" } });
    expect(await rentalOf(stub)).toMatchObject({ status: "confirmed", version: before.version, payment: { status: "captured" } });
    expect(await vehicleStatus(vehicleId)).toBe("rented");
    const cancelled = await post(rider.id, `/v1/rentals/${i.rentalId}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: "cancelled", cancellation: { by: "rider" } } });
    expect(outstandingStep(await recordOf(stub))).toBe("refund");
  });

  it("whose key never came (the key service down the whole time) is cancelled at its end, refunded in full; rental, vehicle, ledger and views end terminal", async () => {
    await keyIssuerStub(testEnv).setFaults({ mode: "down" });
    try {
      const { stub, i, rider, vehicleId } = await created();
      await payThroughWorker(stub);
      expect(unwrap((await stub.get(rider)) as Outcome<Rental>)).toMatchObject({ status: "confirmed", unlockKey: null });
      // What the rental sends from here on (views, notifications, payments) is kept to be looked at.
      const sent: { queue: string; body: unknown }[] = [];
      await runInDurableObject(stub, (instance: RentalDurableObject) => {
        instance.send = async (queue, bodies) => void sent.push(...bodies.map((body) => ({ queue, body })));
      });
      await fireTimer(stub, "end");
      expect((await rentalOf(stub)).status, "not before its end").toBe("confirmed");
      await endNow(stub);
      await fireTimer(stub, "end");

      // The rental: cancelled by the system, its key dead, the refund the step it waits for.
      expect(unwrap((await stub.get(rider)) as Outcome<Rental>)).toMatchObject({
        status: "cancelled",
        cancellation: { by: "system", reason: "never_unlocked" },
        unlockKey: null,
        payment: { status: "captured" },
      });
      const timeline = unwrap((await stub.timeline(ops)) as Outcome<{ type: string; data: Record<string, unknown> }[]>);
      expect(timeline.slice(-3).map((e) => e.type)).toEqual(["UnlockKeyInvalidated", "VehicleReleased", "RentalCancelled"]);
      expect(timeline.at(-1)?.data).toEqual({ by: "system", reason: "never_unlocked" });
      expect(timeline.map((e) => e.type)).not.toContain("RentalCompleted");
      expect(await vehicleStatus(vehicleId)).toBe("available");
      expect(outstandingStep(await recordOf(stub))).toBe("refund");
      expect([await timerDue(stub, "end"), await timerDue(stub, "key")]).toEqual([null, null]);

      // The refund a cancel sends, under its key, through the real payment worker.
      const refund = await until(async () => sent.find((m) => m.queue === "payments")?.body as PaymentCommandMessage | undefined, "the refund sent");
      expect(refund).toMatchObject({ action: "refund", idempotencyKey: `${i.rentalId}:refund:cancel`, amount: krw(4000) });
      const batch = createMessageBatch<PaymentCommandMessage>("ride-payments", [{ id: uniqueId("m"), timestamp: Date.now(), attempts: 1, body: refund }]);
      await paymentWorker.queue(batch, resultsApplied);
      expect((await getQueueResult(batch, createExecutionContext())).retryMessages).toEqual([]);
      expect(await rentalOf(stub)).toMatchObject({ status: "cancelled", payment: { status: "refunded", refundedAmount: krw(4000) } });
      expect(outstandingStep(await recordOf(stub))).toBeNull();
      expect(await timerDue(stub, "payment")).toBeNull();

      // The ledger: charged once, refunded once, in full.
      const ledger = await (testEnv.PAYMENTS as unknown as Service<PaymentService>).ledgerFor(i.rentalId);
      expect(ledger.map((e) => `${e.kind}:${e.outcome}:${e.amount}`).sort()).toEqual([
        "authorize:succeeded:4000",
        "capture:succeeded:4000",
        "refund:succeeded:4000",
      ]);

      // The views, from what the rental sent: cancelled and refunded.
      const views = await until(async () => {
        const bodies = sent.filter((m) => m.queue === "ride-events").map((m) => m.body as ViewsMessage);
        return bodies.some((b) => b.kind === "rental.event" && b.rental.payment.status === "refunded") ? bodies : undefined;
      }, "the refund sent to the views");
      await project(testEnv.VIEWS_DB, views);
      const row = await testEnv.VIEWS_DB.prepare("SELECT status, snapshot FROM rentals WHERE id = ?")
        .bind(i.rentalId)
        .first<{ status: string; snapshot: string }>();
      expect(row?.status).toBe("cancelled");
      expect(JSON.parse(row!.snapshot)).toMatchObject({ cancellation: { by: "system", reason: "never_unlocked" }, payment: { status: "refunded" } });
      // The rider was told of the cancellation.
      const told = sent.filter((m) => m.queue === "notifications").map((m) => (m.body as { event: { type: string } }).event.type);
      expect(told).toContain("RentalCancelled");

      // A key that lands after all is dropped: it never unlocks.
      unwrap(await stub.keyIssued("4821", "late"));
      expect(unwrap((await stub.get(rider)) as Outcome<Rental>).unlockKey).toBeNull();
      expect(await stub.unlock(rider, "4821", "req")).toMatchObject({ ok: false, problem: { code: "forbidden" } });
    } finally {
      await keyIssuerStub(testEnv).setFaults({ mode: "ok" });
    }
  });
});

describe("a rental an older code left with its payment step and no watchdog", () => {
  it("gets the watchdog when its object starts, and the watchdog sends the step again", async () => {
    const { stub } = await created();
    // Declined at its deadline with its authorisation never answered, as the code before 2026-12-05 left it: no timer at all.
    await runInDurableObject(stub, async (_i: RentalDurableObject, state) => {
      const record = JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM rental").one().record) as RentalRecord;
      record.rental.status = "declined";
      state.storage.sql.exec("UPDATE rental SET record = ?", JSON.stringify(record));
      state.storage.sql.exec("DELETE FROM timers");
      await state.storage.deleteAlarm();
      expect(outstandingStep(record)).toBe("authorize");
      // The next start of the object, over the same storage.
      new RentalObject(state, testEnv);
      await until(async () => (await state.storage.getAlarm()) ?? undefined, "the alarm", 3000);
    });
    await runDurableObjectAlarm(stub); // runs the watchdog now, unless it ran already
    // Sent again, and watched again: the watchdog is set a while ahead.
    const watchdog = await until(async () => {
      const due = await timerDue(stub, "payment");
      return due !== null && due > Date.now() + 60_000 ? due : undefined;
    }, "the watchdog set again");
    expect(watchdog).toBeGreaterThan(Date.now());
    expect((await recordOf(stub)).rental).toMatchObject({ status: "declined", payment: { status: "pending" } });
  });
});

describe("a rental's ending whose vehicle release failed", () => {
  it("sends the release again at its `release` timer, set in the ending's commit, until the vehicle answers: freed where the rider left it", async () => {
    const { stub, rider, vehicleId } = await created();
    await payThroughWorker(stub);
    unwrap(await stub.keyIssued("4821", "k"));
    unwrap(await stub.unlock(rider, "4821", "unlock"));
    // The vehicle's object down: every release fails until `down` is turned off.
    let down = true;
    await runInDurableObject(stub, (instance: RentalDurableObject) => {
      const self = instance as unknown as { perform: (effect: { type: string }) => Promise<Outcome<unknown>> };
      const perform = self.perform.bind(instance);
      self.perform = async (effect) =>
        down && effect.type === "releaseVehicle" ? { ok: false, problem: { code: "unavailable", detail: "vehicle down" } } : perform(effect);
    });
    const leftAt = { lat: 37.55, lng: 127.04 };
    expect(unwrap(await stub.returnVehicle(rider, "return", leftAt))).toMatchObject({ status: "completed" });
    expect(await vehicleStatus(vehicleId)).toBe("rented");
    expect(await timerDue(stub, "release")).toBeGreaterThan(Date.now());
    // Still down at the timer: it stays, later (the base's back-off), and nothing else changes.
    await fireTimer(stub, "release");
    expect(await vehicleStatus(vehicleId)).toBe("rented");
    expect(await timerDue(stub, "release")).toBeGreaterThan(Date.now());
    down = false;
    await fireTimer(stub, "release");
    expect(await rentalVehicleStub(testEnv, vehicleId).get()).toMatchObject({ status: "available", location: leftAt });
    expect(await timerDue(stub, "release")).toBeNull();
    expect((await rentalOf(stub)).status).toBe("completed");
  });

  it("a release answered at once leaves no timer behind", async () => {
    const { stub, vehicleId } = await created();
    unwrap(await stub.cancel(ops, "cancel-release"));
    expect(await vehicleStatus(vehicleId)).toBe("available");
    expect(await timerDue(stub, "release")).toBeNull();
  });
});
