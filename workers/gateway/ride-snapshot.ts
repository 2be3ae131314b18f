/**
 * A ride as the views' healing reads it from its Ride DO, in one call: the snapshot, its whole
 * timeline (read with it, so it holds every event up to the snapshot), and a parcel's handover
 * code sealed for the ride, which the rider's list opens without asking the ride (./own-lists.ts).
 */
import type { Ride } from "../../src/domain/types";
import type { Outcome } from "../../src/lib/problem";
import type { TimelineEntry } from "../../src/views/projection";
import { rideStubIfValid } from "./stubs";

/** A ride as its Durable Object knows it now. */
export interface RideSnapshot {
  ride: Ride;
  timeline: TimelineEntry[];
  /** A parcel's handover code, sealed for this ride (src/lib/contact-crypto.ts `sealFor`); absent on a taxi ride, or a parcel requested before codes were sealed. */
  handoverSealed?: string;
}

/**
 * A ride's snapshot, timeline and sealed handover code; null when the object does not know the ride.
 *
 * @example
 * const snapshot = await rideSnapshotOf(env, "rd_…");
 */
export async function rideSnapshotOf(env: Pick<Env, "RIDE">, rideId: string): Promise<RideSnapshot | null> {
  const stub = rideStubIfValid(env, rideId);
  if (!stub) return null;
  // RPC's serializable type of a timeline (data: Record<string, unknown>) loses the Outcome's discriminant; the value is one.
  const read = (await stub.forViews()) as Outcome<RideSnapshot>;
  return read.ok ? read.value : null;
}
