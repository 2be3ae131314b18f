/**
 * The vocabulary of rentals: shared vehicles (bikes, scooters, cars) rented by the hour
 * and unlocked with a 4-digit key. Two aggregates: the vehicle (is it free, and for which
 * rental is it held) and the rental (its payment, key and end).
 */
import type { LatLng, Locale, Money } from "../types";

export const VEHICLE_KINDS = ["bike", "scooter", "car"] as const;
export type VehicleKind = (typeof VEHICLE_KINDS)[number];
export type VehicleStatus = "available" | "rented";

/** The Vehicle JSON of the contract. */
export interface RentalVehicle {
  id: string;
  kind: VehicleKind;
  location: LatLng;
  hourlyRate: Money;
  status: VehicleStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const RENTAL_STATUSES = ["requested", "confirmed", "completed", "cancelled", "declined"] as const;
export type RentalStatus = (typeof RENTAL_STATUSES)[number];
export const RENTAL_PAYMENT_STATUSES = ["pending", "authorized", "captured", "declined", "voided", "refunded"] as const;
export type RentalPaymentStatus = (typeof RENTAL_PAYMENT_STATUSES)[number];

/** The longest rental a rider may ask for, in hours. */
export const MAX_RENTAL_HOURS = 72;

/** The Rental JSON of the contract (`unlockKey` only for its rider, only while it unlocks). */
export interface Rental {
  id: string;
  vehicleId: string;
  riderId: string;
  hours: number;
  price: Money;
  status: RentalStatus;
  unlockKey: string | null;
  payment: { status: RentalPaymentStatus; refundedAmount?: Money };
  /** Who cancelled it; the system cancels a rental whose time is up and whose vehicle was never unlocked (refunded in full). */
  cancellation: { by: "rider" | "ops" } | { by: "system"; reason: "never_unlocked" } | null;
  confirmedAt: string | null;
  endsAt: string | null;
  unlockedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What the Rental DO keeps: the rental (its key in it) and how to pay. */
export interface RentalRecord {
  rental: Rental;
  paymentMethod: string;
  locale: Locale;
  correlationId: string;
  /** A refund asked for and not yet answered (set on cancel). */
  refund: "pending" | "succeeded" | "declined" | null;
  /** Which attempt the refund is (absent: the first); an operator's retry after a decline is the next. */
  refundAttempt?: number;
  /** The provider holds money for it (authorised, not yet captured or voided). */
  hold: boolean;
  /** Cancelled while its capture was on its way: a void the provider refuses asks for that capture again. */
  captureSent?: boolean;
  /** The key was invalidated (cancelled or ended): a key issued later is dropped. */
  keyInvalidated?: boolean;
  /** Where its rider returned the vehicle (a return that gave a place): a release lost is made again there by the repair sweep. */
  returnedAt?: LatLng;
}

/** One event as the machine drafts it. */
export type RentalEventDraft = { type: string; data: Record<string, unknown> };
