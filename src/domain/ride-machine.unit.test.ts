import { describe, expect, it } from "vitest";
import { decide, decideAll, isSettled, outstandingPaymentAction, paymentActionAfter, type RideCommand, type RideCommandType, type RideRecord } from "./ride-machine";
import type { PaymentStatus, RideDriver, RideStatus } from "./types";

const NOW = new Date("2026-11-21T10:00:00Z");
const LATER = "2026-11-21T10:00:15Z";
const d1: RideDriver = { id: "d1", name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" }, location: { lat: 37.52, lng: 126.93 } };

function record(status: RideStatus, payment: PaymentStatus, opts: { offer?: boolean; driver?: boolean } = {}): RideRecord {
  return {
    ride: {
      id: "rd_test", status, version: 7, riderId: "r1", product: "standard",
      pickup: { lat: 37.5219, lng: 126.9245 }, dropoff: { lat: 37.4982, lng: 126.9531 },
      quote: { amount: 9800, currency: "KRW" }, driver: opts.driver ? d1 : null, etaSeconds: null, fare: null,
      payment: { status: payment }, cancellation: status === "cancelled" ? { by: "rider", reason: "x" } : null,
      distanceMeters: 4000, durationSeconds: 600, locale: "ko", createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(),
    },
    paymentMethod: "pm_card_visa", holdAmount: { amount: 12800, currency: "KRW" },
    offer: opts.offer ? { driverId: "d1", expiresAt: LATER } : null,
    excludedDriverIds: [], correlationId: "req-1", dispatchDeadlineAt: LATER,
  };
}

/** The states the machine is tested in; dispatching twice, with and without an open offer. */
const FIXTURES: Record<string, () => RideRecord> = {
  requested: () => record("requested", "pending"),
  dispatching: () => record("dispatching", "pending"),
  dispatching_offered: () => record("dispatching", "authorized", { offer: true }),
  driver_assigned: () => record("driver_assigned", "authorized", { driver: true }),
  driver_arrived: () => record("driver_arrived", "authorized", { driver: true }),
  in_progress: () => record("in_progress", "authorized", { driver: true }),
  payment_pending: () => record("payment_pending", "authorized", { driver: true }),
  payment_failed: () => record("payment_pending", "failed", { driver: true }),
  completed: () => record("completed", "captured", { driver: true }),
  cancelled: () => record("cancelled", "authorized"),
};

const COMMANDS: Record<RideCommandType, RideCommand> = {
  startDispatch: { type: "startDispatch" },
  offerDriver: { type: "offerDriver", driverId: "d2", expiresAt: LATER },
  declineOffer: { type: "declineOffer", driverId: "d1" },
  expireOffer: { type: "expireOffer", driverId: "d1" },
  withdrawOffer: { type: "withdrawOffer", driverId: "d1", reason: "driver_rejected" },
  assignDriver: { type: "assignDriver", driver: d1, etaSeconds: 240 },
  backOut: { type: "backOut", driverId: "d1" },
  updateEta: { type: "updateEta", driverId: "d1", location: { lat: 37.51, lng: 126.93 }, etaSeconds: 180 },
  arrive: { type: "arrive", driverId: "d1" },
  start: { type: "start", driverId: "d1" },
  complete: { type: "complete", driverId: "d1", distanceMeters: 4200, durationSeconds: 700, fare: { amount: 9900, currency: "KRW" } },
  cancel: { type: "cancel", by: "rider", reason: "changed my mind" },
  dispatchTimeout: { type: "dispatchTimeout" },
  paymentAuthorized: { type: "paymentAuthorized" },
  paymentDeclined: { type: "paymentDeclined" },
  paymentCaptured: { type: "paymentCaptured" },
  paymentCaptureFailed: { type: "paymentCaptureFailed", reason: "card_declined" },
  paymentVoided: { type: "paymentVoided" },
  retryCapture: { type: "retryCapture" },
};

/**
 * The expected outcome of every command in every state, written out by hand (not
 * derived from the table under test): `status:Event,Event` = applied, leading to that
 * status with those events; `=` = a repeat, answered unchanged; `x` = refused.
 */
const EXPECTED: Record<string, Partial<Record<RideCommandType, string>>> = {
  requested: {
    startDispatch: "dispatching:DispatchStarted", cancel: "cancelled:RideCancelled", dispatchTimeout: "cancelled:RideCancelled",
    paymentAuthorized: "requested:PaymentAuthorized", paymentDeclined: "cancelled:PaymentDeclined,RideCancelled",
  },
  dispatching: {
    offerDriver: "dispatching:DriverOffered", assignDriver: "driver_assigned:DriverAssigned", cancel: "cancelled:RideCancelled",
    dispatchTimeout: "cancelled:RideCancelled", paymentAuthorized: "dispatching:PaymentAuthorized", paymentDeclined: "cancelled:PaymentDeclined,RideCancelled",
  },
  dispatching_offered: {
    declineOffer: "dispatching:OfferDeclined", expireOffer: "dispatching:OfferExpired", withdrawOffer: "dispatching:OfferWithdrawn", assignDriver: "driver_assigned:DriverAssigned",
    cancel: "cancelled:DriverReleased,RideCancelled", dispatchTimeout: "cancelled:DriverReleased,RideCancelled", paymentAuthorized: "=",
    paymentDeclined: "cancelled:PaymentDeclined,DriverReleased,RideCancelled",
  },
  driver_assigned: {
    backOut: "dispatching:DriverUnassigned,DriverReleased", updateEta: "driver_assigned:EtaUpdated", arrive: "driver_arrived:DriverArrived", cancel: "cancelled:DriverReleased,RideCancelled",
    paymentAuthorized: "=", paymentDeclined: "cancelled:PaymentDeclined,DriverReleased,RideCancelled",
  },
  driver_arrived: {
    start: "in_progress:TripStarted", cancel: "cancelled:DriverReleased,RideCancelled", paymentAuthorized: "=",
    paymentDeclined: "cancelled:PaymentDeclined,DriverReleased,RideCancelled",
  },
  in_progress: { complete: "payment_pending:TripEnded,DriverReleased", paymentAuthorized: "=", paymentDeclined: "in_progress:PaymentDeclined" },
  payment_pending: {
    paymentCaptured: "completed:PaymentCaptured,RideCompleted", paymentCaptureFailed: "payment_pending:PaymentFailed",
    paymentAuthorized: "=", paymentDeclined: "payment_pending:PaymentDeclined",
  },
  payment_failed: {
    retryCapture: "payment_pending:PaymentRetryRequested", paymentCaptured: "completed:PaymentCaptured,RideCompleted",
    paymentCaptureFailed: "=", paymentAuthorized: "=", paymentDeclined: "payment_pending:PaymentDeclined",
  },
  completed: { paymentCaptured: "=", paymentAuthorized: "=", paymentDeclined: "=" },
  cancelled: { cancel: "=", dispatchTimeout: "=", paymentAuthorized: "=", paymentDeclined: "=", paymentVoided: "cancelled:PaymentVoided" },
};

describe("ride state machine: every state × every command", () => {
  for (const [state, make] of Object.entries(FIXTURES)) {
    for (const [name, command] of Object.entries(COMMANDS) as [RideCommandType, RideCommand][]) {
      const expected = EXPECTED[state]?.[name] ?? "x";
      it(`${state} × ${name} → ${expected}`, () => {
        const before = make();
        const snapshot = structuredClone(before);
        const decision = decide(before, command, NOW);
        expect(before, "decide never mutates its input").toEqual(snapshot);
        if (expected === "x") {
          expect(decision.kind).toBe("refused");
          return;
        }
        if (expected === "=") {
          expect(decision.kind).toBe("unchanged");
          return;
        }
        const [status, events] = expected.split(":") as [RideStatus, string];
        expect(decision.kind).toBe("applied");
        if (decision.kind !== "applied") return;
        expect(decision.record.ride.status).toBe(status);
        expect(decision.events.map((e) => e.type).join(",")).toBe(events);
        expect(decision.record.ride.version).toBe(before.ride.version + decision.events.length);
        expect(decision.record.ride.updatedAt).toBe(NOW.toISOString());
      });
    }
  }
});

describe("ride state machine: guards and details", () => {
  it("an expired offer cannot be accepted", () => {
    const r = record("dispatching", "pending", { offer: true });
    const late = new Date(Date.parse(LATER) + 1);
    expect(decide(r, COMMANDS.assignDriver, late)).toMatchObject({ kind: "refused", code: "offer_not_available" });
  });

  it("a ride offered to one driver cannot be taken by another", () => {
    const r = record("dispatching", "pending", { offer: true });
    const other = { ...d1, id: "d9" };
    expect(decide(r, { type: "assignDriver", driver: other, etaSeconds: 1 }, NOW)).toMatchObject({ kind: "refused", code: "offer_not_available" });
  });

  it("a driver who declined is not assigned later, and is excluded from the next rounds", () => {
    const declined = decide(record("dispatching", "pending", { offer: true }), COMMANDS.declineOffer, NOW);
    expect(declined.kind).toBe("applied");
    if (declined.kind !== "applied") return;
    expect(declined.record.excludedDriverIds).toEqual(["d1"]);
    expect(declined.record.offer).toBeNull();
    expect(decide(declined.record, COMMANDS.assignDriver, NOW)).toMatchObject({ kind: "refused" });
  });

  it("a withdrawn offer (driver rejected) frees the ride for the next driver and is never made again", () => {
    const withdrawn = decide(record("dispatching", "pending", { offer: true }), COMMANDS.withdrawOffer, NOW);
    expect(withdrawn.kind).toBe("applied");
    if (withdrawn.kind !== "applied") return;
    expect(withdrawn.record.offer).toBeNull();
    expect(withdrawn.record.excludedDriverIds).toEqual(["d1"]);
    expect(withdrawn.events).toEqual([{ type: "OfferWithdrawn", data: { driverId: "d1", reason: "driver_rejected" } }]);
    expect(decide(withdrawn.record, COMMANDS.assignDriver, NOW)).toMatchObject({ kind: "refused", code: "offer_not_available" });
    // Only the driver holding the offer loses it.
    expect(decide(record("dispatching", "pending", { offer: true }), { type: "withdrawOffer", driverId: "d9", reason: "driver_rejected" }, NOW)).toMatchObject({ kind: "refused" });
  });

  it("only the ride's own driver moves the trip on", () => {
    expect(decide(record("driver_assigned", "authorized", { driver: true }), { type: "arrive", driverId: "d2" }, NOW)).toMatchObject({ kind: "refused", code: "forbidden" });
  });

  it("cancelling records who and why and clears the ETA", () => {
    const r = record("driver_assigned", "authorized", { driver: true });
    r.ride.etaSeconds = 120;
    const d = decide(r, COMMANDS.cancel, NOW);
    expect(d.kind === "applied" && d.record.ride).toMatchObject({ status: "cancelled", cancellation: { by: "rider", reason: "changed my mind" }, etaSeconds: null });
  });

  it("a dispatch timeout cancels by the system with no_driver_available", () => {
    const d = decide(record("dispatching", "pending"), COMMANDS.dispatchTimeout, NOW);
    expect(d.kind === "applied" && d.record.ride.cancellation).toEqual({ by: "system", reason: "no_driver_available" });
  });

  it("complete sets fare, distance and duration", () => {
    const d = decide(record("in_progress", "authorized", { driver: true }), COMMANDS.complete, NOW);
    expect(d.kind === "applied" && d.record.ride).toMatchObject({ fare: { amount: 9900 }, distanceMeters: 4200, durationSeconds: 700 });
  });
});

describe("several commands as one change", () => {
  it("applies all in order, with one version per event", () => {
    const r = record("requested", "pending");
    const d = decideAll(r, [{ type: "startDispatch" }, COMMANDS.assignDriver], NOW);
    expect(d.kind).toBe("applied");
    if (d.kind !== "applied") return;
    expect(d.record.ride.status).toBe("driver_assigned");
    expect(d.events.map((e) => e.type)).toEqual(["DispatchStarted", "DriverAssigned"]);
    expect(d.record.ride.version).toBe(r.ride.version + 2);
  });

  it("applies none when one is refused", () => {
    const r = record("requested", "pending");
    expect(decideAll(r, [{ type: "startDispatch" }, COMMANDS.arrive], NOW)).toMatchObject({ kind: "refused" });
  });

  it("skips repeats and is unchanged when everything was a repeat", () => {
    const cancelled = record("cancelled", "authorized");
    expect(decideAll(cancelled, [COMMANDS.cancel, COMMANDS.dispatchTimeout], NOW).kind).toBe("unchanged");
  });
});

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
