/** Test fixtures for the ride machine's unit tests: a ride in any state, and one command of each kind. */
import { decide } from "./decide";
import { plan, type PlanContext } from "./plan";
import type { RideCommand, RideCommandType, RideRecord } from "./types";
import type { PaymentStatus, RideDriver, RideStatus } from "../types";

export const NOW = new Date("2026-11-21T10:00:00Z");
export const LATER = "2026-11-21T10:00:15Z";
export const d1: RideDriver = {
  id: "d1",
  name: "Kim",
  vehicle: { plate: "30우8281", model: "Sonata", product: "standard" },
  location: { lat: 37.52, lng: 126.93 },
};

export const FARE = { amount: 9900, currency: "KRW" } as const;

/** The plan's settings as the tests take them: a 2-minute watchdog, a 30 s no-supply window, an hour's capture retries, 2 h stale. */
export const PLAN_CONTEXT: PlanContext = {
  now: NOW,
  causationId: "req-1",
  newId: () => "ev_1",
  paymentWatchdogS: 120,
  noSupplyWindowS: 30,
  captureRetryWindowS: 3600,
  staleRideS: 7200,
};
/** Ten minutes before NOW: a driver who arrived then may report a no-show (wait 300 s). */
export const ARRIVED_AT = "2026-11-21T09:50:00Z";

export function record(status: RideStatus, payment: PaymentStatus, opts: { offer?: boolean; driver?: boolean } = {}): RideRecord {
  const ended = status === "completed" || status === "payment_pending";
  return {
    ride: {
      id: "rd_test",
      status,
      version: 7,
      riderId: "r1",
      product: "standard",
      pickup: { lat: 37.5219, lng: 126.9245 },
      dropoff: { lat: 37.4982, lng: 126.9531 },
      quote: { amount: 9800, currency: "KRW" },
      driver: opts.driver ? d1 : null,
      etaSeconds: null,
      fare: ended ? { ...FARE } : null,
      payment: { status: payment },
      cancellation: status === "cancelled" ? { by: "rider", reason: "x" } : null,
      distanceMeters: 4000,
      durationSeconds: 600,
      locale: "ko",
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    },
    paymentMethod: "pm_card_visa",
    holdAmount: { amount: 12800, currency: "KRW" },
    offer: opts.offer ? { driverId: "d1", expiresAt: LATER } : null,
    excludedDriverIds: [],
    correlationId: "req-1",
    dispatchDeadlineAt: LATER,
    ...(status === "driver_arrived" ? { arrivedAt: ARRIVED_AT } : {}),
  };
}

const withRefund = (r: RideRecord): RideRecord => ({ ...r, refunds: [{ key: "k1", amount: { ...FARE }, reason: "x", status: "pending" }] });

/** The states the machine is tested in; dispatching twice, with and without an open offer. */
export const FIXTURES: Record<string, () => RideRecord> = {
  requested: () => record("requested", "pending"),
  dispatching: () => record("dispatching", "pending"),
  dispatching_offered: () => record("dispatching", "authorized", { offer: true }),
  driver_assigned: () => record("driver_assigned", "authorized", { driver: true }),
  driver_arrived: () => record("driver_arrived", "authorized", { driver: true }),
  in_progress: () => record("in_progress", "authorized", { driver: true }),
  payment_pending: () => record("payment_pending", "authorized", { driver: true }),
  payment_failed: () => record("payment_pending", "failed", { driver: true }),
  in_progress_declined: () => record("in_progress", "declined", { driver: true }),
  completed: () => record("completed", "captured", { driver: true }),
  completed_unpaid: () => record("completed", "failed", { driver: true }),
  refund_pending: () => withRefund(record("completed", "captured", { driver: true })),
  cancelled: () => record("cancelled", "authorized"),
  cancelled_unknown: () => record("cancelled", "pending"),
  /** A parcel on its way: completing needs the sender's code (COMMANDS.complete carries none). */
  in_progress_parcel: () => ({ ...record("in_progress", "authorized", { driver: true }), handoverCode: "4821" }),
};

export const COMMANDS: Record<RideCommandType, RideCommand> = {
  startDispatch: { type: "startDispatch" },
  offerDriver: { type: "offerDriver", driverId: "d2", expiresAt: LATER },
  declineOffer: { type: "declineOffer", driverId: "d1" },
  expireOffer: { type: "expireOffer", driverId: "d1" },
  withdrawOffer: { type: "withdrawOffer", driverId: "d1", reason: "driver_rejected" },
  assignDriver: { type: "assignDriver", driver: d1, etaSeconds: 240 },
  backOut: { type: "backOut", driverId: "d1", deadlineAt: "2026-11-21T10:01:00Z" },
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
  noShow: { type: "noShow", by: "driver", driverId: "d1", waitS: 300, fee: { amount: 0, currency: "KRW" } },
  abandonCapture: { type: "abandonCapture" },
  paymentSettled: { type: "paymentSettled", settlement: null },
  refund: { type: "refund", key: "k2", amount: null, reason: "overcharged" },
  paymentRefunded: { type: "paymentRefunded", key: "k1", adjustment: null },
  paymentRefundDeclined: { type: "paymentRefundDeclined", key: "k1", detail: "refused" },
};

/**
 * One command applied to `before` and planned with PLAN_CONTEXT (`ctx` to change it); throws when it is not applied.
 *
 * @example
 * const { after, p } = planStep(record("cancelled", "pending"), COMMANDS.paymentDeclined);
 */
export function planStep(before: RideRecord, command: RideCommand, ctx: PlanContext = PLAN_CONTEXT) {
  const d = decide(before, command, NOW);
  if (d.kind !== "applied") throw new Error(d.kind);
  return { after: d.record, p: plan(before, d.record, d.events, ctx) };
}
