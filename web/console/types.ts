/** The shapes the console reads: the live socket's markers (see the ops live protocol) and the API's bodies. */
import type { DriverMarker, RideMarker } from "../../src/ops-feed/feed";
import type { DriverApproval, DriverStatus } from "../../src/domain/events";
import type { LatLng, RideStatus } from "../../src/domain/types";

// One source for the shapes the server sends: the ride vocabulary and the live socket's markers
// are the server's own types (pure modules, no runtime import beyond the status list).
export { RIDE_STATUSES } from "../../src/domain/types";
export type { DriverMarker, RideMarker } from "../../src/ops-feed/feed";
export type { DriverStatus, LatLng, RideStatus };
export type Approval = DriverApproval;
export const DRIVER_STATUSES = ["offline", "available", "offered", "on_trip"] as const satisfies readonly DriverStatus[];
export const APPROVALS = ["pending", "approved", "rejected"] as const satisfies readonly DriverApproval[];

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
  version: number;
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
  /** Absent from a gateway of before it (a deploy under way). */
  openRentalProblems?: { rentalId: string; since: string; problem: string }[];
  openDues: { amount: number; currency: string; riders: number };
  /** `notifications` is null while the notification database does not answer (`errors.notifications` says why). */
  deadLetters: { views: number; notifications: number | null };
  /** How full the views and the notification databases are (D1 holds at most `limitBytes`). */
  storage?: { views: DatabaseSize; notifications?: DatabaseSize | null };
  /** Why a part's figures are null. */
  errors?: { notifications?: string };
  payments?: unknown;
}

export interface DatabaseSize {
  bytes: number;
  limitBytes: number;
  share: number;
}

/** What the server sends over the live socket. */
export type LiveMessage =
  | { type: "snapshot"; at: string; rides: RideMarker[]; drivers: DriverMarker[]; truncated?: ("rides" | "drivers")[] }
  | { type: "ride"; ride: RideMarker }
  | { type: "driver"; driver: DriverMarker }
  | { type: "stats"; at: string; stats: Stats };
