import { describe, expect, it } from "vitest";
import { ARRIVED_AT, NOW, record } from "../domain/ride/fixtures";
import { commandForResult, declineCommand, timerCommand, withdrawalCommand } from "./commands";
import { messagesFor } from "../domain/ride/plan";
import type { PaymentResult } from "../domain/events";
import { decide } from "../domain/ride/decide";
import type { RideCommand } from "../domain/ride/types";
import { outstandingPaymentStep } from "../domain/ride/payment";

const config = { redispatchTimeoutS: 60, noShowWaitS: 300, noShowFee: 2000 };
const later = (s: number) => new Date(NOW.getTime() + s * 1000);

describe("what timers do, so that no state waits for ever", () => {
  it("deadline: a ride still looking for a driver is cancelled; one a round assigned in the same alarm is left alone, not refused and retried", () => {
    const past = later(3600);
    expect(timerCommand("deadline", record("dispatching", "authorized"), past, config)).toEqual({ type: "dispatchTimeout" });
    expect(timerCommand("deadline", record("dispatching", "authorized"), NOW, config), "not due yet").toBeNull();
    for (const assigned of [record("driver_assigned", "authorized", { driver: true }), record("in_progress", "authorized", { driver: true })]) {
      const command = timerCommand("deadline", assigned, past, config);
      expect(command, assigned.ride.status).toBeNull();
    }
    // A ride already cancelled takes it as a repeat: nothing changes, nothing is refused.
    const cancelled = record("cancelled", "voided");
    const repeat = timerCommand("deadline", cancelled, past, config);
    expect(repeat && decide(cancelled, repeat, past).kind).toBe("unchanged");
  });

  it("stale: a driver who never arrives is taken off the ride, a rider who never came is a no-show, a trip never ended is completed on the estimate", () => {
    expect(timerCommand("stale", record("driver_assigned", "authorized", { driver: true }), NOW, config)).toEqual({
      type: "backOut",
      driverId: "d1",
      deadlineAt: later(60).toISOString(),
      why: "stale",
    });
    expect(timerCommand("stale", record("driver_arrived", "authorized", { driver: true }), NOW, config)).toEqual({
      type: "noShow",
      by: "system",
      driverId: "d1",
      waitS: 300,
      fee: { amount: 2000, currency: "KRW" },
    });
    expect(timerCommand("stale", record("in_progress", "authorized", { driver: true }), NOW, config)).toMatchObject({ type: "complete", driverId: "d1" });
    expect(timerCommand("stale", record("completed", "captured", { driver: true }), NOW, config)).toBeNull();
    // A parcel never handed over is still ended by the system, without the code it cannot have.
    const parcel = { ...record("in_progress", "authorized", { driver: true }), handoverCode: "4821" };
    expect(timerCommand("stale", parcel, NOW, config)).toMatchObject({ type: "complete", bySystem: true });
  });

  it("capture: a refused capture nobody retried ends the ride unpaid; anything else is left alone", () => {
    expect(timerCommand("capture", record("payment_pending", "failed", { driver: true }), NOW, config)).toEqual({ type: "abandonCapture" });
    expect(timerCommand("capture", record("payment_pending", "authorized", { driver: true }), NOW, config)).toBeNull();
  });
});

describe("the Driver DO letting go of the ride", () => {
  const arrived = () => ({ ...record("driver_arrived", "authorized", { driver: true }), arrivedAt: ARRIVED_AT });
  const nothing = { ok: true, value: null };

  it("withdraws an open offer to the driver, whatever the reason", () => {
    for (const reason of ["driver_rejected", "driver_offline", "vehicle_changed"]) {
      expect(withdrawalCommand(record("dispatching", "authorized", { offer: true }), "d1", reason, NOW, 60)).toEqual({
        type: "withdrawOffer",
        driverId: "d1",
        reason,
      });
    }
    expect(withdrawalCommand(record("dispatching", "authorized", { offer: true }), "d2", "driver_rejected", NOW, 60)).toEqual(nothing);
  });

  it("takes a rejected driver off before the pickup (the rider is told and another driver sought); a trip under way is theirs to finish", () => {
    const assigned = record("driver_assigned", "authorized", { driver: true });
    for (const held of [assigned, arrived()]) {
      const command = withdrawalCommand(held, "d1", "driver_rejected", NOW, 60);
      expect(command, held.ride.status).toEqual({ type: "backOut", driverId: "d1", deadlineAt: later(60).toISOString(), why: "rejected" });
      const taken = decide(held, command as RideCommand, NOW);
      if (taken.kind !== "applied") throw new Error(taken.kind);
      expect(taken.record.ride).toMatchObject({ status: "dispatching", driver: null });
      expect(taken.record.excludedDriverIds).toContain("d1");
      const events = taken.events.map((e, i) => ({
        ...e,
        id: `ev_${i}`,
        version: i,
        occurredAt: NOW.toISOString(),
        correlationId: "c",
        causationId: null,
        rideId: "rd_1",
      }));
      const notices = messagesFor(held, taken.record, events).filter((m) => m.queue === "notifications");
      expect(notices.map((m) => (m.body as { event: { type: string; data: unknown } }).event)).toMatchObject([
        { type: "DriverUnassigned", data: { driverId: "d1", why: "rejected" } },
      ]);
    }
    for (const status of ["in_progress", "payment_pending", "completed", "cancelled"] as const) {
      expect(withdrawalCommand(record(status, "authorized", { driver: true }), "d1", "driver_rejected", NOW, 60), status).toEqual(nothing);
    }
    // Only a rejection takes an assigned driver off; another driver, or no ride, is nothing to do.
    expect(withdrawalCommand(assigned, "d1", "driver_offline", NOW, 60)).toEqual(nothing);
    expect(withdrawalCommand(assigned, "d2", "driver_rejected", NOW, 60)).toEqual(nothing);
    expect(withdrawalCommand(null, "d1", "driver_rejected", NOW, 60)).toEqual(nothing);
  });
});

describe("a driver's decline", () => {
  it("backs out before pickup, at the pickup too; not once the trip started", () => {
    const arrived = { ...record("driver_arrived", "authorized", { driver: true }), arrivedAt: ARRIVED_AT };
    expect(declineCommand(arrived, "d1", NOW, 60)).toMatchObject({ type: "backOut", driverId: "d1" });
    expect(declineCommand(record("in_progress", "authorized", { driver: true }), "d1", NOW, 60)).toMatchObject({
      ok: false,
      problem: { code: "offer_not_available" },
    });
  });

  it("for a driver gone silent (their Driver DO asks) backs out the same, saying why; refused past the pickup and to anyone else", () => {
    const assigned = record("driver_assigned", "authorized", { driver: true });
    expect(declineCommand(assigned, "d1", NOW, 60, "silent")).toEqual({ type: "backOut", driverId: "d1", deadlineAt: later(60).toISOString(), why: "silent" });
    expect(declineCommand(assigned, "d2", NOW, 60, "silent")).toMatchObject({ ok: false, problem: { code: "offer_not_available" } });
    const started = record("in_progress", "authorized", { driver: true });
    expect(declineCommand(started, "d1", NOW, 60, "silent")).toMatchObject({ ok: false, problem: { code: "offer_not_available" } });
    // Silent past the pickup limit only: taken off on the way (the event says `silent`), left on at the pickup.
    expect(declineCommand(assigned, "d1", NOW, 60, "silent_on_the_way")).toEqual({
      type: "backOut",
      driverId: "d1",
      deadlineAt: later(60).toISOString(),
      why: "silent",
    });
    const arrived = { ...record("driver_arrived", "authorized", { driver: true }), arrivedAt: ARRIVED_AT };
    expect(declineCommand(arrived, "d1", NOW, 60, "silent_on_the_way")).toMatchObject({ ok: false, problem: { code: "offer_not_available" } });
    expect(declineCommand(arrived, "d1", NOW, 60, "silent")).toMatchObject({ type: "backOut", driverId: "d1", why: "silent" });
    const backedOut = decide(assigned, declineCommand(assigned, "d1", NOW, 60, "silent") as RideCommand, NOW);
    if (backedOut.kind !== "applied") throw new Error(backedOut.kind);
    expect(backedOut.record.ride).toMatchObject({ status: "dispatching", driver: null });
    expect(backedOut.record.excludedDriverIds).toContain("d1");
    expect(backedOut.events.map((e) => [e.type, e.data])).toEqual([
      ["DriverUnassigned", { driverId: "d1", why: "silent" }],
      ["DriverReleased", { driverId: "d1" }],
    ]);
  });
});

describe("payment results as commands", () => {
  const base: PaymentResult = {
    rideId: "rd_test",
    action: "refund",
    outcome: "succeeded",
    idempotencyKey: "rd_test:refund:k1",
    providerRef: "re_1",
    detail: null,
  };
  it("a refund's result names its refund by the key it went out under", () => {
    expect(commandForResult(base)).toEqual({ type: "paymentRefunded", key: "k1", adjustment: null });
    expect(commandForResult({ ...base, outcome: "declined", detail: "too late" })).toEqual({ type: "paymentRefundDeclined", key: "k1", detail: "too late" });
    expect(commandForResult({ ...base, idempotencyKey: "rd_other:refund:k1" })).toBeNull();
  });
  it("a void the provider refuses ends the payment all the same (no hold was left to release), saying so", () => {
    const voidResult: PaymentResult = { ...base, action: "void", idempotencyKey: "rd_test:void" };
    expect(commandForResult(voidResult)).toEqual({ type: "paymentVoided" });
    const refused = commandForResult({ ...voidResult, outcome: "declined", detail: "payment_intent_unexpected_state" });
    expect(refused).toEqual({ type: "paymentVoided", refused: "payment_intent_unexpected_state" });
    const cancelledWithHold = record("cancelled", "authorized");
    const decision = decide(cancelledWithHold, refused!, NOW);
    expect(decision.kind).toBe("applied");
    if (decision.kind !== "applied") return;
    expect(decision.record.ride.payment.status).toBe("voided");
    expect(decision.events[0]).toMatchObject({ type: "PaymentVoided", data: { refused: "payment_intent_unexpected_state" } });
    expect(outstandingPaymentStep(decision.record), "nothing is sent again").toBeNull();
  });
  it("a void refused while a no-show fee is owed changes nothing: the hold is being charged, and the capture's result settles the ride", () => {
    const owingFee = { ...record("cancelled", "authorized"), noShowFee: { amount: 3000, currency: "KRW" as const } };
    const refused = commandForResult({ ...base, action: "void", idempotencyKey: "rd_test:void", outcome: "declined", detail: "intent already captured" });
    expect(decide(owingFee, refused!, NOW).kind).toBe("unchanged");
    expect(outstandingPaymentStep(owingFee)?.action).toBe("capture");
    const captured = decide(owingFee, { type: "paymentCaptured", settlement: null }, NOW);
    expect(captured.kind === "applied" && captured.record.ride.payment.status).toBe("captured");
  });
  it("a refused capture counts only as the answer to the capture the ride waits for: a late copy of attempt 1's is no news while attempt 2 is out", () => {
    const refused: PaymentResult = { ...base, action: "capture", idempotencyKey: "rd_test:capture", outcome: "declined", detail: "card_declined" };
    const waiting = record("payment_pending", "authorized");
    expect(outstandingPaymentStep(waiting)?.idempotencyKey).toBe("rd_test:capture");
    expect(commandForResult(refused, waiting)).toEqual({ type: "paymentCaptureFailed", reason: "card_declined" });
    const retried = { ...waiting, captureAttempt: 2 };
    expect(commandForResult(refused, retried)).toBeNull();
    expect(commandForResult({ ...refused, idempotencyKey: "rd_test:capture:2" }, retried)).toEqual({ type: "paymentCaptureFailed", reason: "card_declined" });
    // A capture made counts whichever attempt it was.
    expect(commandForResult({ ...refused, outcome: "succeeded" }, retried)).toEqual({ type: "paymentCaptured", settlement: null });
  });

  it("a settle's result carries the driver's share", () => {
    const settlement = {
      driverId: "d1",
      fare: { amount: 100, currency: "KRW" as const },
      commission: { amount: 20, currency: "KRW" as const },
      earning: { amount: 80, currency: "KRW" as const },
    };
    expect(commandForResult({ ...base, action: "settle", idempotencyKey: "rd_test:settle", settlement })).toEqual({ type: "paymentSettled", settlement });
  });
});
