/**
 * What a ride's driver may read of it. An operator's words (the reason given for cancelling
 * a ride, or for refunding it) are for the rider and operators: they may be about the driver
 * ("the rider reported the driver"), and the driver's app and lists show the ride as it is
 * otherwise. Every path to a driver goes through these: the ride as they get it
 * (`viewFor`), its live pushes (to the ride's sockets and to the Driver DO's), its timeline
 * and the driver's list of trips.
 */
import type { Ride, Role } from "../types";

/** The reason a driver reads for a ride an operator cancelled: the one an operator who gives none leaves. */
export const OPS_CANCELLED = "ops_cancelled";

/**
 * The ride as its driver may read it: an operator's cancel reason replaced (`OPS_CANCELLED`);
 * the same object when there is nothing to hide.
 *
 * @example
 * driverView(cancelledByOps).cancellation; // { by: "ops", reason: "ops_cancelled" }
 */
export function driverView(ride: Ride): Ride {
  if (ride.cancellation?.by !== "ops" || ride.cancellation.reason === OPS_CANCELLED) return ride;
  return { ...ride, cancellation: { by: "ops", reason: OPS_CANCELLED } };
}

/**
 * A timeline as `role` may read it: a driver's with an operator's cancel reason replaced and
 * a refund's reason left out; anyone else's as stored.
 *
 * @example
 * timelineFor(items, "driver").find((e) => e.type === "RefundRequested")?.data.reason; // undefined
 */
export function timelineFor<T extends { type: string; data: Record<string, unknown> }>(items: T[], role: Role): T[] {
  if (role !== "driver") return items;
  return items.map((item) => {
    if (item.type === "RideCancelled" && item.data.by === "ops") return { ...item, data: { ...item.data, reason: OPS_CANCELLED } };
    if (item.type === "RefundRequested" && "reason" in item.data) {
      const { reason: _operatorsWords, ...data } = item.data;
      return { ...item, data };
    }
    return item;
  });
}
