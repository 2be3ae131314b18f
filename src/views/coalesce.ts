/**
 * Coalescing a batch of view writes before it becomes SQL (decision 13's "projections
 * written in batches"). Every snapshot row is guarded by its version, so of several
 * writes of one ride, driver or rider in a batch only the newest can change the row:
 * the older ones are dropped here instead of being sent to D1 only to be refused. What the views end up
 * holding is the same as writing every message on its own, in any order.
 */
import type { Driver, RiderAccount } from "../domain/events";
import type { Ride } from "../domain/types";
import type { ViewWrite } from "./projection";

type RideWrite = Extract<ViewWrite, { kind: "ride" }>;

/** A batch's writes, coalesced: the newest snapshot of each ride, driver and rider, and the rest in order. */
export interface CoalescedWrites {
  /** The newest snapshot of each ride, with the earliest dispatch time of the batch (the first assignment's) and a parcel's sealed code. */
  rides: { ride: Ride; dispatchMs: number | null; handoverSealed: string | null }[];
  drivers: Driver[];
  riders: RiderAccount[];
  others: Exclude<ViewWrite, { kind: "ride" | "driver" | "rider" }>[];
}

function newest<T extends { id: string; version: number }>(items: T[]): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    const kept = byId.get(item.id);
    if (!kept || item.version > kept.version) byId.set(item.id, item);
  }
  return [...byId.values()];
}

/**
 * @example
 * const { rides } = coalesceWrites(messages.flatMap(writesOf)); // 12 events of one ride: 1 snapshot
 */
export function coalesceWrites(writes: readonly ViewWrite[]): CoalescedWrites {
  const rideWrites = writes.filter((w): w is RideWrite => w.kind === "ride");
  // The first assignment's time is the one kept: the earliest assignment of the batch (the SQL keeps an earlier one already there).
  const dispatchMs = new Map<string, { version: number; ms: number }>();
  for (const w of rideWrites) {
    const kept = dispatchMs.get(w.ride.id);
    if (w.dispatchMs !== null && (!kept || w.event.version < kept.version)) dispatchMs.set(w.ride.id, { version: w.event.version, ms: w.dispatchMs });
  }
  // A parcel's sealed code is the same in every message of its ride that carries it; the views keep any one.
  const sealed = new Map(rideWrites.flatMap((w) => (w.handoverSealed ? [[w.ride.id, w.handoverSealed] as const] : [])));
  const rides = newest(rideWrites.map((w) => w.ride)).map((ride) => ({
    ride,
    dispatchMs: dispatchMs.get(ride.id)?.ms ?? null,
    handoverSealed: sealed.get(ride.id) ?? null,
  }));
  const drivers = newest(writes.flatMap((w) => (w.kind === "driver" ? [w.driver] : [])));
  const riders = newest(writes.flatMap((w) => (w.kind === "rider" ? [w.rider] : [])));
  const others = writes.filter((w): w is CoalescedWrites["others"][number] => w.kind !== "ride" && w.kind !== "driver" && w.kind !== "rider");
  return { rides, drivers, riders, others };
}
