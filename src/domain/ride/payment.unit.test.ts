import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { COMMANDS, NOW, record } from "./fixtures";
import { isSettled, outstandingPaymentAction, paymentActionAfter } from "./payment";
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
    expect(outstandingPaymentAction(record("cancelled", "pending"))).toBeNull();
    expect(outstandingPaymentAction(record("completed", "captured", { driver: true }))).toBeNull();
  });

  it("nothing more once captured or voided", () => {
    const pending = record("payment_pending", "authorized", { driver: true });
    expect(paymentActionAfter(pending, apply(pending, COMMANDS.paymentCaptured))).toBeNull();
    const cancelled = record("cancelled", "authorized");
    expect(paymentActionAfter(cancelled, apply(cancelled, COMMANDS.paymentVoided))).toBeNull();
  });
});
