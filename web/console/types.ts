/** The shapes the console reads: the live socket's markers (see the ops live protocol) and the API's bodies. */
export interface LatLng {
  lat: number;
  lng: number;
}

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
export const DRIVER_STATUSES = ["offline", "available", "offered", "on_trip"] as const;
export type DriverStatus = (typeof DRIVER_STATUSES)[number];
export const APPROVALS = ["pending", "approved", "rejected"] as const;
export type Approval = (typeof APPROVALS)[number];

export interface RideMarker {
  id: string;
  status: RideStatus;
  product: string;
  riderId: string;
  driverId: string | null;
  pickup: LatLng;
  dropoff: LatLng;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface DriverMarker {
  id: string;
  name: string;
  status: DriverStatus;
  approval: Approval;
  location: LatLng | null;
  locationAt: string | null;
  currentRideId: string | null;
  updatedAt: string;
}

export interface Money {
  amount: number;
  currency: string;
}

export interface Ride {
  id: string;
  status: RideStatus;
  version: number;
  riderId: string;
  product: string;
  pickup: LatLng & { address?: string };
  dropoff: LatLng & { address?: string };
  quote: Money;
  driver: { id: string; name: string; vehicle: { plate: string; model: string }; location: LatLng | null } | null;
  etaSeconds: number | null;
  fare: Money | null;
  payment: { status: string; refundedAmount?: Money };
  cancellation: { by: string; reason: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface Driver {
  id: string;
  name: string;
  vehicle: { plate: string; model: string; product: string };
  approval: Approval;
  approvalReason: string | null;
  status: DriverStatus;
  location: LatLng | null;
  currentRideId: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TimelineItem {
  type: string;
  version: number;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface LedgerEntry {
  idempotencyKey: string;
  kind: string;
  amount: number;
  currency: string;
  outcome: string;
  provider: string;
  providerRef: string | null;
  detail: string | null;
  createdAt: string;
}

export interface Delivery {
  id: string;
  rideId: string;
  event: string;
  channel: string;
  recipient: string;
  status: "sent" | "failed" | "retrying";
  attempts: number;
  lastError?: string | null;
  createdAt: string;
}

export interface Stats {
  ridesByStatus: Record<string, number>;
  dispatchTimeMs: { count: number; p50: number | null; p90: number | null; p99: number | null };
  openPaymentProblems: { rideId: string; since: string; problem: string }[];
  openDues: { amount: number; currency: string; riders: number };
  deadLetters: { views: number; notifications: number };
  payments?: unknown;
}

/** What the server sends over the live socket. */
export type LiveMessage =
  | { type: "snapshot"; at: string; rides: RideMarker[]; drivers: DriverMarker[] }
  | { type: "ride"; ride: RideMarker }
  | { type: "driver"; driver: DriverMarker }
  | { type: "stats"; at: string; stats: Stats };
