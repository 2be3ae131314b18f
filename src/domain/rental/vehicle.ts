/**
 * The rental vehicle machine: the one truth of whether a vehicle is free. A vehicle is
 * held by at most one rental: `reserve` by a second rental is refused
 * `vehicle_unavailable`; `reserve` and `release` by the same rental again change
 * nothing, so a retried rental creation or a repeated release is harmless. Pure: the
 * RentalVehicle DO applies it, and sends every change to the views.
 */
import { stamp, type Decision, type Plan } from "../../kernel/machine";
import { decideByTable, refuse, type RecordAccess, type RuleTable } from "../../kernel/table";
import type { RentalVehicleEventMessage } from "../events";
import type { LatLng, Money } from "../types";
import type { RentalEventDraft, RentalVehicle, VehicleKind, VehicleStatus } from "./types";

export interface VehicleRecord {
  vehicle: RentalVehicle;
  /** The rental holding the vehicle, while it is rented. */
  rentalId: string | null;
}

/** `at` on a release: where the vehicle was left (its rider said so on returning it). */
export type VehicleCommand = { type: "reserve"; rentalId: string } | { type: "release"; rentalId: string; at?: LatLng };
export type VehicleDecision = Decision<VehicleRecord, RentalEventDraft, never>;

/**
 * A vehicle just registered by an operator: available where it stands.
 *
 * @example
 * newVehicle({ id: "rv_1", kind: "bike", location, hourlyRate: krw(2000) }, now);
 */
export function newVehicle(input: { id: string; kind: VehicleKind; location: LatLng; hourlyRate: Money }, now: Date): VehicleRecord {
  const at = now.toISOString();
  return { vehicle: { ...input, status: "available", version: 1, createdAt: at, updatedAt: at }, rentalId: null };
}

/** The vehicle machine's table: reserve (by one rental at a time) and release (by the rental holding it). */
export const VEHICLE_RULES: RuleTable<VehicleRecord, VehicleStatus, VehicleCommand, RentalEventDraft, never> = {
  reserve: {
    from: ["available"],
    to: "rented",
    refusedAs: "vehicle_unavailable",
    repeat: (r, c) => r.rentalId === c.rentalId,
    guard: (r) => (r.rentalId ? refuse("vehicle_unavailable", "the vehicle is in another rental") : null),
    apply: (next, c) => ((next.rentalId = c.rentalId), [{ type: "VehicleReserved", data: { rentalId: c.rentalId } }]),
  },
  release: {
    from: ["rented"],
    to: "available",
    // Not held by this rental (never reserved, or released already): nothing to free.
    repeat: (r, c) => r.rentalId !== c.rentalId,
    apply: (next, c) => {
      next.rentalId = null;
      if (c.at) next.vehicle.location = c.at;
      return [{ type: "VehicleReleased", data: { rentalId: c.rentalId, ...(c.at ? { location: c.at } : {}) } }];
    },
  },
};

const ACCESS: RecordAccess<VehicleRecord, VehicleStatus> = {
  name: "vehicle",
  status: (r) => r.vehicle.status,
  setStatus: (r, s) => (r.vehicle.status = s),
  touch: (r, by, now) => ((r.vehicle.version += by), (r.vehicle.updatedAt = now.toISOString())),
};

/**
 * @example
 * decideVehicle(record, { type: "reserve", rentalId: "rn_1" }, now); // applied, or refused vehicle_unavailable
 */
export function decideVehicle(record: VehicleRecord, command: VehicleCommand, now: Date): VehicleDecision {
  return decideByTable(VEHICLE_RULES, ACCESS, record, command, now);
}

/**
 * The events of a change, each sent to the views with the vehicle as it is now.
 *
 * @example
 * planVehicle(before, after, [{ type: "VehicleRegistered", data: {} }], { now, correlationId, newId });
 */
export function planVehicle(
  before: VehicleRecord | null,
  after: VehicleRecord,
  drafts: RentalEventDraft[],
  ctx: { now: Date; correlationId: string; newId: () => string },
): Plan<never> {
  const events = stamp(drafts, (before?.vehicle.version ?? 0) + 1, ctx.now, ctx.correlationId, null, ctx.newId);
  const messages = events.map((event) => ({
    queue: "ride-events" as const,
    body: { kind: "rental-vehicle.event", event, vehicle: after.vehicle } satisfies RentalVehicleEventMessage,
  }));
  return { events, messages, timers: [], after: [], later: [] };
}
