/**
 * A ride as the views' healing reads it from its Ride DO: the snapshot and its timeline, asked
 * as an operator (the sweep and the rebuild may see every ride).
 */
import type { Ride } from "../../src/domain/types";
import type { Outcome } from "../../src/lib/problem";
import type { TimelineEntry } from "../../src/views/projection";
import { rideStubIfValid } from "./stubs";

/** A ride as its Durable Object knows it now. */
export interface RideSnapshot {
  ride: Ride;
  timeline: TimelineEntry[];
}

/** Who the sweep and the rebuild are to the Ride DO: an operator may see every ride. */
const REPAIRER = { id: "views-repair", role: "ops" } as const;

/**
 * A ride's snapshot, then its timeline (read after, so it holds every event up to the
 * snapshot); null when the object does not know the ride.
 *
 * @example
 * const snapshot = await rideSnapshotOf(env, "rd_…");
 */
export async function rideSnapshotOf(env: Pick<Env, "RIDE">, rideId: string): Promise<RideSnapshot | null> {
  const stub = rideStubIfValid(env, rideId);
  if (!stub) return null;
  const ride = await stub.get(REPAIRER);
  if (!ride.ok) return null;
  // RPC's serializable type of a timeline (data: Record<string, unknown>) loses the Outcome's discriminant; the value is one.
  const timeline = (await stub.timeline(REPAIRER)) as Outcome<TimelineEntry[]>;
  if (!timeline.ok) return null;
  return { ride: ride.value, timeline: timeline.value };
}
