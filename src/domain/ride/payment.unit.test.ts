import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { COMMANDS, FARE, NOW, record } from "./fixtures";
import { isSettled, outstandingPaymentStep, paymentStepAfter } from "./payment";
import { refundToPin } from "../../ride/ride-record";
import type { PaymentAction } from "./types";

/** The action of the step a ride waits for, and of the step a change sends (null: none). */
const outstandingPaymentAction = (r: RideRecord): PaymentAction => outstandingPaymentStep(r)?.action ?? null;
const paymentActionAfter = (before: RideRecord | null, after: RideRecord): PaymentAction => paymentStepAfter(before, after)?.action ?? null;
import type { RideCommand, RideRecord } from "./types";

describe("payment steps the saga derives from state", () => {
  const apply = (r: RideRecord, c: RideCommand) => {
    const d = decide(r, c, NOW);
    if (d.kind !== "applied") throw new Error(`expected applied, got ${d.kind}`);
    return d.record;
  };

  it("a new ride needs a hold", () => {
    expect(paymentActionAfter(null, record("requested", "pending"))).toBe("authorize");
  });

  it("drop-off with a hold needs a capture; without one, the capture waits for the hold", () => {
    const withHold = record("in_progress", "authorized", { driver: true });
    expect(paymentActionAfter(withHold, apply(withHold, COMMANDS.complete))).toBe("capture");
    const noHold = record("in_progress", "pending", { driver: true });
    const ended = apply(noHold, COMMANDS.complete);
    expect(paymentActionAfter(noHold, ended)).toBeNull();
    expect(paymentActionAfter(ended, apply(ended, COMMANDS.paymentAuthorized))).toBe("capture");
  });

  it("cancelling with a hold needs a void; a hold that arrives after the cancel is voided then", () => {
    const held = record("driver_assigned", "authorized", { driver: true });
    expect(paymentActionAfter(held, apply(held, COMMANDS.cancel))).toBe("void");
    const unheld = record("dispatching", "pending");
    const cancelled = apply(unheld, COMMANDS.cancel);
    expect(paymentActionAfter(unheld, cancelled)).toBeNull();
    expect(paymentActionAfter(cancelled, apply(cancelled, COMMANDS.paymentAuthorized))).toBe("void");
  });

  it("an operator's retry after a refused capture asks for a new capture under the next attempt", () => {
    const failed = record("payment_pending", "failed", { driver: true });
    const retried = apply(failed, COMMANDS.retryCapture);
    expect(paymentActionAfter(failed, retried)).toBe("capture");
    expect(retried.captureAttempt).toBe(2);
    expect(retried.ride.payment.status).toBe("authorized");
  });

  it("the same retry sent again while its capture is on its way is the same retry (unchanged), not a 409; one more after that capture is refused is a new one", () => {
    const retried = apply(record("payment_pending", "failed", { driver: true }), COMMANDS.retryCapture);
    expect(decide(retried, COMMANDS.retryCapture, NOW).kind).toBe("unchanged");
    // A hold never retried (the first capture on its way) has nothing to retry.
    expect(decide(record("payment_pending", "authorized", { driver: true }), COMMANDS.retryCapture, NOW)).toMatchObject({
      kind: "refused",
      code: "invalid_transition",
    });
    const refusedAgain = apply(retried, COMMANDS.paymentCaptureFailed);
    expect(refusedAgain.ride.payment.status).toBe("failed");
    const third = apply(refusedAgain, COMMANDS.retryCapture);
    expect(third.captureAttempt).toBe(3);
  });

  it("is settled only when no change can follow (live sockets close then)", () => {
    expect(isSettled(record("completed", "captured", { driver: true }).ride)).toBe(true);
    expect(isSettled(record("cancelled", "voided").ride)).toBe(true);
    expect(isSettled(record("cancelled", "declined").ride)).toBe(true);
    // a hold that may still arrive, or one still to be voided, will change the ride
    expect(isSettled(record("cancelled", "pending").ride)).toBe(false);
    expect(isSettled(record("cancelled", "authorized").ride)).toBe(false);
    expect(isSettled(record("payment_pending", "failed", { driver: true }).ride)).toBe(false);
    expect(isSettled(record("in_progress", "authorized", { driver: true }).ride)).toBe(false);
  });

  it("the step a ride waits for, for the watchdog", () => {
    expect(outstandingPaymentAction(record("dispatching", "pending"))).toBe("authorize");
    expect(outstandingPaymentAction(record("payment_pending", "pending", { driver: true }))).toBe("authorize");
    expect(outstandingPaymentAction(record("payment_pending", "authorized", { driver: true }))).toBe("capture");
    expect(outstandingPaymentAction(record("cancelled", "authorized"))).toBe("void");
    expect(outstandingPaymentAction(record("driver_assigned", "authorized", { driver: true }))).toBeNull();
    expect(outstandingPaymentAction(record("payment_pending", "failed", { driver: true }))).toBeNull();
    expect(outstandingPaymentAction(record("completed", "captured", { driver: true }))).toBeNull();
  });

  it("a ride cancelled before its hold's outcome was known keeps asking for it, under the same key, and voids a hold that turns up", () => {
    const unknown = record("cancelled", "pending");
    expect(outstandingPaymentStep(unknown)).toMatchObject({ action: "authorize", idempotencyKey: "rd_test:authorize" });
    // Cancelling did not make the step new: nothing is sent at the cancel, the watchdog keeps asking.
    const live = record("dispatching", "pending");
    expect(paymentStepAfter(live, apply(live, COMMANDS.cancel))).toBeNull();
    expect(paymentStepAfter(unknown, apply(unknown, COMMANDS.paymentAuthorized))).toMatchObject({ action: "void", idempotencyKey: "rd_test:void" });
    expect(outstandingPaymentStep(apply(unknown, COMMANDS.paymentDeclined))).toBeNull();
    expect(isSettled(apply(unknown, COMMANDS.paymentDeclined).ride)).toBe(true);
  });

  it("a no-show captures the fee from the hold (the provider releases the rest), or voids it when there is no fee", () => {
    const arrived = record("driver_arrived", "authorized", { driver: true });
    const fee = { amount: 3000, currency: "KRW" as const };
    const withFee = apply(arrived, { type: "noShow", by: "driver", driverId: "d1", waitS: 300, fee });
    expect(withFee.ride).toMatchObject({ status: "cancelled", fare: fee, cancellation: { by: "driver", reason: "rider_no_show" } });
    expect(paymentStepAfter(arrived, withFee)).toEqual({ action: "capture", idempotencyKey: "rd_test:capture", amount: fee });
    expect(isSettled(withFee.ride)).toBe(false);
    expect(isSettled(apply(withFee, COMMANDS.paymentCaptured).ride)).toBe(true);
    const free = apply(arrived, COMMANDS.noShow);
    expect(paymentStepAfter(arrived, free)?.action).toBe("void");
    // The provider refused the fee: the fee is dropped and the hold voided.
    const refused = apply(withFee, COMMANDS.paymentCaptureFailed);
    expect(refused.ride.fare).toBeNull();
    expect(outstandingPaymentStep(refused)?.action).toBe("void");
    expect(decide(refused, COMMANDS.paymentCaptureFailed, NOW).kind, "the refusal again changes nothing").toBe("unchanged");
  });

  it("a no-show fee above the hold is capped at the hold (a capture above it would be refused, and the fee lost)", () => {
    const arrived = record("driver_arrived", "authorized", { driver: true });
    const fee = { amount: arrived.holdAmount.amount + 5000, currency: "KRW" as const };
    const withFee = apply(arrived, { type: "noShow", by: "driver", driverId: "d1", waitS: 300, fee });
    expect(withFee.ride.fare).toEqual(arrived.holdAmount);
    expect(paymentStepAfter(arrived, withFee)).toEqual({ action: "capture", idempotencyKey: "rd_test:capture", amount: arrived.holdAmount });
  });

  it("an unpaid fare settles the driver's share once, after the ride ended", () => {
    const unpaid = record("completed", "failed", { driver: true });
    expect(outstandingPaymentStep(unpaid)).toEqual({ action: "settle", idempotencyKey: "rd_test:settle", amount: FARE });
    expect(outstandingPaymentStep(apply(unpaid, COMMANDS.paymentSettled))).toBeNull();
  });

  it("refunds go out one at a time, each under its own key, and a second one after the first", () => {
    const completed = record("completed", "captured", { driver: true });
    const first = apply(completed, { type: "refund", key: "a", amount: { amount: 4000, currency: "KRW" }, reason: "late" });
    expect(paymentStepAfter(completed, first)).toEqual({ action: "refund", idempotencyKey: "rd_test:refund:a", amount: { amount: 4000, currency: "KRW" } });
    const second = apply(first, { type: "refund", key: "b", amount: null, reason: "rest" });
    expect(second.refunds?.[1]?.amount).toEqual({ amount: 5900, currency: "KRW" });
    expect(paymentStepAfter(first, second), "the first is still out").toBeNull();
    const firstDone = apply(second, { type: "paymentRefunded", key: "a", adjustment: null });
    expect(firstDone.ride.payment).toEqual({ status: "refunded", refundedAmount: { amount: 4000, currency: "KRW" } });
    expect(paymentStepAfter(second, firstDone)?.idempotencyKey).toBe("rd_test:refund:b");
    const allDone = apply(firstDone, { type: "paymentRefunded", key: "b", adjustment: null });
    expect(allDone.ride.payment.refundedAmount).toEqual(FARE);
    expect(outstandingPaymentStep(allDone)).toBeNull();
  });

  it("a refund's key again with the same body is the same refund; with another amount or reason it is a conflict, and nothing changes", () => {
    const completed = record("completed", "captured", { driver: true });
    const asked = { type: "refund", key: "k", amount: { amount: 1000, currency: "KRW" }, reason: "late" } as const;
    const first = apply(completed, asked);
    expect(decide(first, asked, NOW).kind).toBe("unchanged");
    for (const other of [
      { ...asked, amount: { amount: 5000, currency: "KRW" as const } },
      { ...asked, amount: null },
      { ...asked, reason: "rude" },
    ]) {
      expect(decide(first, other, NOW)).toMatchObject({ kind: "refused", code: "idempotency_conflict" });
    }
    // All that is left, asked twice: the same refund, though the rest has been worked out once.
    const rest = apply(completed, { ...asked, key: "r", amount: null });
    expect(decide(rest, { ...asked, key: "r", amount: null }, NOW).kind).toBe("unchanged");
    expect(decide(rest, { ...asked, key: "r" }, NOW)).toMatchObject({ kind: "refused", code: "idempotency_conflict" });
    // A refund kept before the amount asked was: the amount it came to, or none, repeats it.
    const { asked: _unkept, ...old } = first.refunds![0]!;
    const before = { ...first, refunds: [old] };
    expect(decide(before, asked, NOW).kind).toBe("unchanged");
    expect(decide(before, { ...asked, amount: null }, NOW).kind).toBe("unchanged");
    expect(decide(before, { ...asked, amount: { amount: 2000, currency: "KRW" } }, NOW).kind).toBe("refused");
  });

  it("refundToPin: only a refund the ride would take (or its repeat) has its ledger rows put back; a refused one leaves the ledger alone", () => {
    const ops = { role: "ops" } as const;
    const captured = record("completed", "captured", { driver: true });
    const refund = { type: "refund", key: "k", amount: null, reason: "late" } as const;
    expect(refundToPin(captured, ops, refund, NOW)).toBe(captured.ride.id);
    expect(refundToPin(apply(captured, refund), ops, refund, NOW), "a repeat").toBe(captured.ride.id);
    expect(refundToPin(record("in_progress", "authorized", { driver: true }), ops, refund, NOW), "nothing captured").toBeNull();
    expect(refundToPin(captured, ops, { ...refund, amount: { amount: FARE.amount + 1, currency: "KRW" } }, NOW), "more than the fare").toBeNull();
    expect(refundToPin(captured, { role: "rider" }, refund, NOW)).toBeNull();
    expect(refundToPin(captured, ops, { type: "retryCapture" }, NOW)).toBeNull();
    expect(refundToPin(null, ops, refund, NOW)).toBeNull();
  });

  it("nothing more once captured or voided", () => {
    const pending = record("payment_pending", "authorized", { driver: true });
    expect(paymentActionAfter(pending, apply(pending, COMMANDS.paymentCaptured))).toBeNull();
    const cancelled = record("cancelled", "authorized");
    expect(paymentActionAfter(cancelled, apply(cancelled, COMMANDS.paymentVoided))).toBeNull();
  });
});
