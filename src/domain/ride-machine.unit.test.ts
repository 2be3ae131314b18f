import { describe, expect, it } from "vitest";
import { can, decide, type RideCommand, type RideCommandType } from "./ride-machine";
import { COMMANDS, FARE, FIXTURES, LATER, NOW, d1, record } from "./ride/fixtures";
import { releaseAfterCommit } from "./ride/plan";
import type { RideStatus } from "./types";

/**
 * The expected outcome of every command in every state, written out by hand (not
 * derived from the table under test): `status:Event,Event` = applied, leading to that
 * status with those events; `=` = a repeat, answered unchanged; `x` = refused.
 */
const EXPECTED: Record<string, Partial<Record<RideCommandType, string>>> = {
  requested: {
    startDispatch: "dispatching:DispatchStarted",
    cancel: "cancelled:RideCancelled",
    dispatchTimeout: "cancelled:RideCancelled",
    paymentAuthorized: "requested:PaymentAuthorized",
    paymentDeclined: "cancelled:PaymentDeclined,RideCancelled",
  },
  dispatching: {
    offerDriver: "dispatching:DriverOffered",
    assignDriver: "driver_assigned:DriverAssigned",
    cancel: "cancelled:RideCancelled",
    dispatchTimeout: "cancelled:RideCancelled",
    paymentAuthorized: "dispatching:PaymentAuthorized",
    paymentDeclined: "cancelled:PaymentDeclined,RideCancelled",
  },
  // From here on the hold is authorised: a decline can only be a stray repeat.
  dispatching_offered: {
    declineOffer: "dispatching:OfferDeclined",
    expireOffer: "dispatching:OfferExpired",
    withdrawOffer: "dispatching:OfferWithdrawn",
    assignDriver: "driver_assigned:DriverAssigned",
    cancel: "cancelled:DriverReleased,RideCancelled",
    dispatchTimeout: "cancelled:DriverReleased,RideCancelled",
    paymentAuthorized: "=",
    paymentDeclined: "=",
  },
  driver_assigned: {
    backOut: "dispatching:DriverUnassigned,DriverReleased",
    updateEta: "driver_assigned:EtaUpdated",
    arrive: "driver_arrived:DriverArrived",
    cancel: "cancelled:DriverReleased,RideCancelled",
    paymentAuthorized: "=",
    paymentDeclined: "=",
  },
  driver_arrived: {
    start: "in_progress:TripStarted",
    // A driver's step sent again once it took effect is a repeat (the answer was lost).
    arrive: "=",
    backOut: "dispatching:DriverUnassigned,DriverReleased",
    noShow: "cancelled:DriverReleased,RideCancelled",
    cancel: "cancelled:DriverReleased,RideCancelled",
    paymentAuthorized: "=",
    paymentDeclined: "=",
  },
  in_progress: { complete: "payment_pending:TripEnded,DriverReleased", start: "=", paymentAuthorized: "=", paymentDeclined: "=" },
  // Without the sender's handover code a parcel is not delivered (see "parcel handover" below for the code's cells).
  in_progress_parcel: { start: "=", paymentAuthorized: "=", paymentDeclined: "=" },
  in_progress_declined: {
    start: "=",
    complete: "completed:TripEnded,DriverReleased,PaymentFailed,DuesIncurred,RideCompleted",
    paymentAuthorized: "=",
    paymentDeclined: "=",
  },
  payment_pending: {
    complete: "=",
    paymentCaptured: "completed:PaymentCaptured,RideCompleted",
    paymentCaptureFailed: "payment_pending:PaymentFailed",
    paymentAuthorized: "=",
    paymentDeclined: "=",
  },
  payment_failed: {
    complete: "=",
    retryCapture: "payment_pending:PaymentRetryRequested",
    paymentCaptured: "completed:PaymentCaptured,RideCompleted",
    paymentCaptureFailed: "=",
    abandonCapture: "completed:DuesIncurred,RideCompleted",
    paymentAuthorized: "=",
    paymentDeclined: "=",
  },
  completed: { complete: "=", paymentCaptured: "=", paymentAuthorized: "=", paymentDeclined: "=", refund: "completed:RefundRequested" },
  completed_unpaid: { complete: "=", paymentSettled: "completed:DriverSettled", paymentCaptureFailed: "=", paymentAuthorized: "=", paymentDeclined: "=" },
  refund_pending: {
    complete: "=",
    paymentRefunded: "completed:PaymentRefunded",
    paymentRefundDeclined: "completed:RefundDeclined",
    paymentCaptured: "=",
    paymentAuthorized: "=",
    paymentDeclined: "=",
  },
  cancelled: {
    cancel: "=",
    dispatchTimeout: "=",
    paymentAuthorized: "=",
    paymentDeclined: "=",
    paymentVoided: "cancelled:PaymentVoided",
    paymentCaptured: "cancelled:PaymentCaptured",
    // No fee was asked for: a refused capture can only be a stray repeat.
    paymentCaptureFailed: "=",
  },
  // Cancelled before the hold's outcome was known: the late answer still settles the payment.
  cancelled_unknown: {
    cancel: "=",
    dispatchTimeout: "=",
    paymentAuthorized: "cancelled:PaymentAuthorized",
    paymentDeclined: "cancelled:PaymentDeclined",
    paymentCaptureFailed: "=",
  },
};

const release = { type: "releaseDriver", driverId: "d1" };
const dues = { type: "addDues", riderId: "r1", rideId: "rd_test", amount: FARE };

/**
 * The effects before the commit: releasing the driver offered the ride (d1), adding the fare
 * to the rider's dues; no other command has any.
 */
const EFFECTS: Record<string, object[]> = {
  "dispatching_offered×declineOffer": [release],
  "dispatching_offered×expireOffer": [release],
  "dispatching_offered×withdrawOffer": [release],
  "dispatching_offered×cancel": [release],
  "dispatching_offered×dispatchTimeout": [release],
  "in_progress_declined×complete": [dues],
  "payment_failed×abandonCapture": [dues],
};

/**
 * The assigned driver (d1) each change lets go of, released after its commit (plan's `later`):
 * the ride claimed them before and does not after. No other change releases anyone after it.
 */
const RELEASED_AFTER = new Set([
  "driver_assigned×backOut",
  "driver_assigned×cancel",
  "driver_arrived×backOut",
  "driver_arrived×noShow",
  "driver_arrived×cancel",
  "in_progress×complete",
  "in_progress_declined×complete",
]);

describe("ride state machine: every state × every command", () => {
  for (const [state, make] of Object.entries(FIXTURES)) {
    for (const [name, command] of Object.entries(COMMANDS) as [RideCommandType, RideCommand][]) {
      const expected = EXPECTED[state]?.[name] ?? "x";
      it(`${state} × ${name} → ${expected}`, () => {
        const before = make();
        const snapshot = structuredClone(before);
        const decision = decide(before, command, NOW);
        expect(before, "decide never mutates its input").toEqual(snapshot);
        expect(can(before, command, NOW) === null, "can agrees with decide").toBe(expected !== "x");
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
        // One version per change, however many events it makes (api-contract.md).
        expect(decision.record.ride.version).toBe(before.ride.version + 1);
        expect(decision.record.ride.updatedAt).toBe(NOW.toISOString());
        expect(decision.effects, "effects before the commit").toEqual(EFFECTS[`${state}×${name}`] ?? []);
        expect(releaseAfterCommit(before, decision.record), "released after the commit").toEqual(RELEASED_AFTER.has(`${state}×${name}`) ? [release] : []);
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
    expect(decide(record("dispatching", "pending", { offer: true }), { type: "withdrawOffer", driverId: "d9", reason: "driver_rejected" }, NOW)).toMatchObject({
      kind: "refused",
    });
  });

  it("can() checks an assignment by the driver's id alone, before the driver's details exist", () => {
    const offered = record("dispatching", "pending", { offer: true });
    expect(can(offered, { type: "assignDriver", driverId: "d1" }, NOW)).toBeNull();
    expect(can(offered, { type: "assignDriver", driverId: "d9" }, NOW)).toMatchObject({ code: "offer_not_available" });
    expect(can(record("cancelled", "pending"), { type: "assignDriver", driverId: "d1" }, NOW)).toMatchObject({ code: "offer_not_available" });
  });

  it("backing out restarts dispatch with the deadline the command carries", () => {
    const d = decide(record("driver_assigned", "authorized", { driver: true }), COMMANDS.backOut, NOW);
    expect(d.kind === "applied" && d.record).toMatchObject({ dispatchDeadlineAt: "2026-11-21T10:01:00Z", excludedDriverIds: ["d1"], ride: { driver: null } });
  });

  it("a driver's step sent again is answered with the ride; another driver's is refused; a no-show's repeat only after a no-show", () => {
    const arrived = record("driver_arrived", "authorized", { driver: true });
    // Past the step, another driver's is refused by the state, as it was before repeats.
    const refused = { kind: "refused", code: "invalid_transition" };
    expect(decide(arrived, { type: "arrive", driverId: "d2" }, NOW)).toMatchObject(refused);
    const started = record("in_progress", "authorized", { driver: true });
    expect(decide(started, { type: "start", driverId: "d2" }, NOW)).toMatchObject(refused);
    const ended = record("payment_pending", "authorized", { driver: true });
    expect(decide(ended, { ...COMMANDS.complete, driverId: "d2" } as RideCommand, NOW)).toMatchObject(refused);
    const noShow = decide(arrived, { ...COMMANDS.noShow, waitS: 0 } as RideCommand, NOW);
    expect(noShow.kind).toBe("applied");
    if (noShow.kind !== "applied") return;
    expect(decide(noShow.record, COMMANDS.noShow, NOW).kind, "the no-show again").toBe("unchanged");
    expect(decide(noShow.record, { ...COMMANDS.noShow, driverId: "d2" } as RideCommand, NOW).kind).toBe("refused");
    const cancelledByRider = decide(arrived, COMMANDS.cancel, NOW);
    expect(cancelledByRider.kind === "applied" && decide(cancelledByRider.record, COMMANDS.noShow, NOW).kind, "a rider's cancel is no no-show").toBe("refused");
    // A rider (or an operator) may write "rider_no_show" as a reason: it is still no no-show report.
    const sameWords = decide(arrived, { type: "cancel", by: "rider", reason: "rider_no_show" }, NOW);
    expect(sameWords.kind === "applied" && decide(sameWords.record, COMMANDS.noShow, NOW).kind).toBe("refused");
  });

  it("a trip the stale timer ended on the estimate is no repeat for the driver's own complete: refused, not a 200 that took nothing", () => {
    const onTrip = record("in_progress", "authorized", { driver: true });
    const bySystem = decide(onTrip, { ...COMMANDS.complete, bySystem: true } as RideCommand, NOW);
    if (bySystem.kind !== "applied") throw new Error(bySystem.kind);
    expect(decide(bySystem.record, COMMANDS.complete, NOW)).toMatchObject({ kind: "refused", code: "invalid_transition" });
    const byDriver = decide(onTrip, COMMANDS.complete, NOW);
    if (byDriver.kind !== "applied") throw new Error(byDriver.kind);
    expect(decide(byDriver.record, COMMANDS.complete, NOW).kind).toBe("unchanged");
  });

  it("only the ride's own driver moves the trip on", () => {
    expect(decide(record("driver_assigned", "authorized", { driver: true }), { type: "arrive", driverId: "d2" }, NOW)).toMatchObject({
      kind: "refused",
      code: "forbidden",
    });
  });

  it("cancelling records who and why and clears the ETA", () => {
    const r = record("driver_assigned", "authorized", { driver: true });
    r.ride.etaSeconds = 120;
    const d = decide(r, COMMANDS.cancel, NOW);
    expect(d.kind === "applied" && d.record.ride).toMatchObject({
      status: "cancelled",
      cancellation: { by: "rider", reason: "changed my mind" },
      etaSeconds: null,
    });
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
