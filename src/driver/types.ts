/** The driver machine's vocabulary: the record the Driver DO stores, its commands, events and effects. */
import type { Driver } from "../domain/events";
import type { DriverOffer, Reservation } from "../domain/ride/types";
import type { LatLng, Vehicle } from "../domain/types";
import type { Decision } from "../kernel/machine";

export type { DriverOffer, Reservation };

export interface DriverRecord {
  driver: Driver;
  offer: DriverOffer | null;
  /** The dispatch cell the driver is listed in, if any. */
  indexedCell: string | null;
  /** When (epoch ms) the dispatch index was last written for the driver (absent: never, or before this was kept). */
  indexedAt?: number;
  /** The driver's version when the index was last written: a new event (availability, approval, vehicle) writes it again. */
  indexedVersion?: number;
  /** The ride that no longer wants this driver's positions (past the pickup): reports stop going to it. */
  etaDoneRideId?: string;
}

export interface DriverProfile {
  name: string;
  vehicle: Vehicle;
}

export type DriverCommand =
  /** Registers the driver, or updates name and vehicle. */
  | { type: "register"; driverId: string; profile: DriverProfile; autoApprove: boolean }
  /** `reviewed`: the vehicle the operator looked at; approving is refused when the driver's is another since (`needsReview`). */
  | { type: "approve"; reason?: string; reviewed?: Vehicle }
  | { type: "reject"; reason?: string }
  | { type: "online"; location: LatLng }
  /** `reason` "silent": the `silent` timer, for a driver who stopped reporting (src/driver/silence.ts). */
  | { type: "offline"; reason?: "silent" }
  /** Reserves the driver for a ride: the one place that prevents double booking. */
  | { type: "reserve"; reservation: Reservation; freshnessS: number }
  /** The driver accepted the offer for `rideId`: offered → on_trip. */
  | { type: "confirm"; rideId: string }
  /** Frees the driver from `rideId` (trip ended, ride cancelled, offer declined or expired); `unclaimed`: the driver lets go of a ride that no longer claims them (src/driver/silence.ts). */
  | { type: "release"; rideId: string; reason?: "unclaimed" }
  /** A location report: no event (too frequent), but the index and a ride's ETA follow it. */
  | { type: "locate"; location: LatLng };

export type DriverCommandType = DriverCommand["type"];

export type DriverEventType =
  | "DriverRegistered"
  | "DriverUpdated"
  | "DriverApproved"
  | "DriverRejected"
  | "DriverWentOnline"
  | "DriverWentOffline"
  | "DriverOffered"
  | "DriverReserved"
  | "DriverReleased";

/** An event before the store stamps it, with the driver as it was right after it. */
export interface DriverEventDraft {
  type: DriverEventType;
  data: Record<string, unknown>;
  driver: Driver;
}

/** What the Driver DO asks of other objects, as data. */
export type DriverEffect =
  /** Bring the dispatch index in line; `background`: after the answer (reservations are on the dispatcher's path). */
  | { type: "syncIndex"; background: boolean }
  /** Tell the ride its offer to this driver is gone (best effort: the offer timer is the fallback). */
  | { type: "withdrawOffer"; rideId: string; driverId: string; reason: string; correlationId: string }
  /** Tell the ride its driver moved (ETA refresh). */
  | { type: "driverMoved"; rideId: string; driverId: string; location: LatLng }
  /** List a new driver in the fleet, before their first commit: no driver exists that the fleet (the rebuild's and the roster pass's walk) does not name. */
  | { type: "listInFleet"; driverId: string }
  /** Tell the operators' feed the driver left the map (went off duty, or was taken off it), whether or not a console watches: best effort, unawaited. */
  | { type: "leaveOpsMap"; driver: Driver };

export type DriverDecision = Decision<DriverRecord, DriverEventDraft, DriverEffect>;
