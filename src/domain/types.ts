/**
 * The ride domain's shared vocabulary: the shapes of the public contract
 * (`shared/design/api-contract.md`) as TypeScript types. No Cloudflare import here,
 * so everything under `src/domain` is unit-tested directly in Node.
 */

export const RIDE_STATUSES = [
  "requested",
  "dispatching",
  "driver_assigned",
  "driver_arrived",
  "in_progress",
  "payment_pending",
  "completed",
  "cancelled",
] as const;
export type RideStatus = (typeof RIDE_STATUSES)[number];

export const PRODUCTS = ["standard", "deluxe", "van", "parcel_small", "parcel_large"] as const;
export type Product = (typeof PRODUCTS)[number];

export const PAYMENT_STATUSES = ["pending", "authorized", "declined", "captured", "voided", "refunded", "failed"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type Role = "rider" | "driver" | "ops";
export type CancelledBy = "rider" | "driver" | "ops" | "system";
export type Locale = "ko" | "en";

export interface LatLng {
  lat: number;
  lng: number;
}

export interface Place extends LatLng {
  address?: string;
}

/** Money in the currency's minor unit (KRW has none, so whole won). */
export interface Money {
  amount: number;
  currency: "KRW";
}

export interface Vehicle {
  plate: string;
  model: string;
  product: Product;
  /** Every product the vehicle serves (default `[product]`); dispatch matches on these. */
  products?: Product[];
}

/** A parcel as the Ride JSON shows it: the recipient's phone is accepted on request, sealed, and never shown. */
export interface ParcelView {
  weightKg: number;
  recipient: { name: string };
  note: string | null;
}

/** The driver as a ride shows it to its rider. */
export interface RideDriver {
  id: string;
  name: string;
  vehicle: Vehicle;
  location: LatLng | null;
}

export interface Cancellation {
  by: CancelledBy;
  reason: string;
}

/** The Ride JSON of the contract. */
export interface Ride {
  id: string;
  status: RideStatus;
  version: number;
  riderId: string;
  product: Product;
  pickup: Place;
  dropoff: Place;
  quote: Money;
  driver: RideDriver | null;
  etaSeconds: number | null;
  fare: Money | null;
  /** `refundedAmount` once a refund was made. */
  payment: { status: PaymentStatus; refundedAmount?: Money };
  cancellation: Cancellation | null;
  distanceMeters: number;
  durationSeconds: number;
  locale: Locale;
  createdAt: string;
  updatedAt: string;
  /** Parcel rides (`parcel_small`, `parcel_large`) only. */
  parcel?: ParcelView;
  /** The 4-digit code the courier needs to complete a parcel ride: in the sender's view only, never stored in `ride`. */
  handoverCode?: string;
}

/** Who is asking: the JWT's subject and role. */
export interface Actor {
  id: string;
  role: Role;
}
