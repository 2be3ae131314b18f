/** The ride machine's vocabulary: the record the Ride DO stores, its commands, events and effects. */
import type { PaymentAction as SagaStep, Settlement } from "../events";
import type { Decision } from "../../kernel/machine";
import type { CancelledBy, LatLng, Money, Place, Product, Ride, RideDriver } from "../types";

/** A ride plus the saga's private bookkeeping, as the Ride DO stores it. */
export interface RideRecord {
  ride: Ride;
  /** Payment-method token (never a card number). */
  paymentMethod: string;
  /** Amount the hold is placed for: the quote plus the fare margin. */
  holdAmount: Money;
  /** The live offer, while dispatching in offer mode. */
  offer: { driverId: string; expiresAt: string } | null;
  /**
   * The driver a dispatch round is reserving, written before the call: should the ride's instance
   * die before the assignment is committed, the next round takes that driver (who holds the ride)
   * and a cancellation releases them. Gone once the ride holds a driver or no longer dispatches.
   */
  reserving?: string;
  /** Drivers who declined, let an offer expire or backed out: not asked again. */
  excludedDriverIds: string[];
  correlationId: string;
  /** When dispatch gives up with `no_driver_available`. */
  dispatchDeadlineAt: string;
  /** Capture attempts so far; an operator's retry after a refused capture starts the next. */
  captureAttempt?: number;
  /** When the driver arrived at the pickup (the no-show wait counts from here). */
  arrivedAt?: string;
  /** The stale timer ended the trip on the estimate: the driver's own complete after it is no repeat. */
  endedBySystem?: boolean;
  /** The fee a no-show cancellation captures from the hold. */
  noShowFee?: Money;
  /** Refunds asked by operators, in order; one is sent to the provider at a time. */
  refunds?: Refund[];
  /** The driver's share of a fare the rider did not pay has been recorded (the platform carries it). */
  driverSettled?: boolean;
  /** Parcel rides: the code the courier must give to complete (shown to the sender only). */
  handoverCode?: string;
  /** Parcel rides since 2026-12-07: the code sealed for this ride (CONTACT_KEY), which its views messages carry: the sender's list opens it without asking the ride. */
  handoverSealed?: string;
  /** Parcel rides: wrong handover codes given so far (HANDOVER_ATTEMPTS of them lock the complete). */
  handoverMisses?: number;
  /** Parcel rides: the recipient's phone, sealed with CONTACT_KEY (never opened by the ride). */
  recipientPhoneSealed?: string;
}

/** A refund an operator asked for: `key` makes a repeat of the same request do nothing twice. */
export interface Refund {
  key: string;
  amount: Money;
  /** The amount the request named (null: all that was left); absent on refunds asked for before it was kept. */
  asked?: number | null;
  reason: string;
  /** What of the refunds declined before it was asked it retries (`retriedBy`); absent on refunds asked before it was kept. */
  retries?: number;
  status: "pending" | "succeeded" | "declined";
}

/**
 * Why a Driver DO asks a ride to take its silent driver off: silent past the offline limit
 * (`silent`: before the pickup or at it), or past the shorter pickup limit only
 * (`silent_on_the_way`: a driver who already arrived is left until the offline limit).
 */
export type SilentAsk = "silent" | "silent_on_the_way";

export type RideCommand =
  | { type: "startDispatch" }
  | { type: "offerDriver"; driverId: string; expiresAt: string }
  | { type: "declineOffer"; driverId: string }
  | { type: "expireOffer"; driverId: string }
  /** The offer is taken back from its driver (an operator rejected them): dispatch moves on. */
  | { type: "withdrawOffer"; driverId: string; reason: string }
  | { type: "assignDriver"; driver: RideDriver; etaSeconds: number }
  /** The assigned driver backs out before pickup: dispatch again, until the new deadline. */
  /** `why`: the stale timer took them off (`stale`), their Driver DO because they went silent (`silent`) or an operator rejected them (`rejected`); absent, they backed out. */
  | { type: "backOut"; driverId: string; deadlineAt: string; why?: "stale" | "silent" | "rejected" }
  /** The rider did not show up within the wait: the ride is cancelled and the fee kept from the hold. */
  | { type: "noShow"; by: "driver" | "system"; driverId: string; waitS: number; fee: Money }
  | { type: "updateEta"; driverId: string; location: LatLng; etaSeconds: number }
  | { type: "arrive"; driverId: string }
  | { type: "start"; driverId: string }
  /** `handoverCode`: what the courier gave for a parcel; `bySystem`: the stale timer ends the trip (no code to check). */
  | { type: "complete"; driverId: string; distanceMeters: number; durationSeconds: number; fare: Money; handoverCode?: string; bySystem?: boolean }
  | { type: "cancel"; by: CancelledBy; reason: string }
  | { type: "dispatchTimeout" }
  | { type: "paymentAuthorized" }
  | { type: "paymentDeclined" }
  | { type: "paymentCaptured"; settlement?: Settlement | null }
  | { type: "retryCapture" }
  | { type: "paymentCaptureFailed"; reason: string }
  /** `refused`: the provider's detail when it refused the void (the hold was gone already: it lapsed, or was released). */
  | { type: "paymentVoided"; refused?: string }
  /** The provider refused the capture and no operator retried within the window: the fare becomes dues. */
  | { type: "abandonCapture" }
  | { type: "paymentSettled"; settlement: Settlement | null }
  | { type: "refund"; key: string; amount: Money | null; reason: string }
  | { type: "paymentRefunded"; key: string; adjustment: Settlement | null }
  | { type: "paymentRefundDeclined"; key: string; detail: string };

export type RideCommandType = RideCommand["type"];

/**
 * What `can` checks: a command, or the head of an assignment (who) before its details
 * (the driver's vehicle and ETA, known only once the Driver DO confirmed) exist.
 */
export type RideProbe = RideCommand | { type: "assignDriver"; driverId: string };

export type RideEventType =
  | "RideRequested"
  | "DispatchStarted"
  | "DriverOffered"
  | "OfferDeclined"
  | "OfferExpired"
  | "OfferWithdrawn"
  | "DriverAssigned"
  | "DriverUnassigned"
  | "EtaUpdated"
  | "DriverArrived"
  | "TripStarted"
  | "TripEnded"
  | "PaymentAuthorized"
  | "PaymentDeclined"
  | "PaymentCaptured"
  | "PaymentFailed"
  | "PaymentRetryRequested"
  | "PaymentVoided"
  | "DuesIncurred"
  | "DriverSettled"
  | "RefundRequested"
  | "PaymentRefunded"
  | "RefundDeclined"
  | "RideCompleted"
  | "RideCancelled"
  | "DriverReleased";

/** An event before the store gives it an id, version and time. */
export interface EventDraft {
  type: RideEventType;
  data: Record<string, unknown>;
}

/** An offer as the driver's app lists it (what a ride reserves a driver with). */
export interface DriverOffer {
  rideId: string;
  pickup: Place;
  dropoff: Place;
  product: Product;
  quote: Money;
  expiresAt: string;
}

/** How a ride reserves a driver: an offer to accept, or a direct assignment (auto mode). */
export type Reservation = { kind: "offer"; offer: DriverOffer } | { kind: "assign"; rideId: string; product?: Product };

/**
 * What the Ride DO asks of other objects, as data. `addDues` is a pre-commit effect (the
 * machine asks for it); the others come from `plan` (`releaseDriver` after the commit) or
 * the dispatcher.
 */
export type RideEffect =
  /** `correlationId`: the change's, named by the plan for a release run once the command has left the ride's queue (without it: the running command's, or the ride's own). */
  | { type: "releaseDriver"; driverId: string; correlationId?: string }
  /** The fare the rider did not pay, added to their dues (before the commit that ends the ride). */
  | { type: "addDues"; riderId: string; rideId: string; amount: Money }
  | { type: "confirmDriver"; driverId: string }
  | { type: "reserveDriver"; driverId: string; reservation: Reservation }
  | { type: "pushToDriver"; driverId: string; ride: Ride }
  | { type: "markNoSupply"; pickup: LatLng; product: Product; until: number };

export type RideDecision = Decision<RideRecord, EventDraft, RideEffect>;

/** What the saga must ask of the payment worker (derived, never stored). */
export type PaymentAction = SagaStep | null;

/** The outstanding payment step: its action and the idempotency key it goes out under. */
export interface PaymentStep {
  action: Exclude<PaymentAction, null>;
  idempotencyKey: string;
  amount: Money;
}
