/**
 * What a ride's driver may read of it. The words a rider or an operator gives (the reason for
 * cancelling a ride, or an operator's for refunding it) are for the platform: they may be
 * about the driver ("the rider reported the driver", "the driver was rude"), and the driver
 * sees who cancelled, not why. The system's reasons (codes such as `no_driver_available`)
 * and the driver's own are shown as they are. Every path to a driver goes through these: the
 * ride as they get it (`viewFor`), its live pushes (to the ride's sockets and to the Driver
 * DO's), its timeline, the driver's list of trips and their webhook notices. The answers to a
 * driver's own commands need none: every one of them is refused on a ride a rider or an
 * operator cancelled (a repeat included: `DRIVER_STEP_DONE` in ./rule-kit.ts).
 */
import type { CancelledBy, Ride, Role } from "../types";

/** Whose cancel reasons are words a driver does not read. */
const SPOKEN: ReadonlySet<CancelledBy> = new Set(["rider", "ops"]);

/**
 * The reason a driver reads for a ride cancelled by `by` (a rider or an operator): the one they leave when they give none.
 *
 * @example
 * cancelledReason("ops"); // "ops_cancelled"
 */
export const cancelledReason = (by: CancelledBy): string => `${by}_cancelled`;

/**
 * The ride as its driver may read it: a rider's or an operator's cancel reason replaced
 * (`cancelledReason`); the same object when there is nothing to hide.
 *
 * @example
 * driverView(cancelledByOps).cancellation; // { by: "ops", reason: "ops_cancelled" }
 */
export function driverView(ride: Ride): Ride {
  const c = ride.cancellation;
  if (!c || !SPOKEN.has(c.by) || c.reason === cancelledReason(c.by)) return ride;
  return { ...ride, cancellation: { by: c.by, reason: cancelledReason(c.by) } };
}

/**
 * A timeline as `role` may read it: a driver's with a rider's or an operator's cancel reason
 * replaced and a refund's reason left out; anyone else's as stored.
 *
 * @example
 * timelineFor(items, "driver").find((e) => e.type === "RefundRequested")?.data.reason; // undefined
 */
export function timelineFor<T extends { type: string; data: Record<string, unknown> }>(items: T[], role: Role): T[] {
  if (role !== "driver") return items;
  return items.map((item) => {
    const by = item.data.by as CancelledBy;
    if (item.type === "RideCancelled" && SPOKEN.has(by)) return { ...item, data: { ...item.data, reason: cancelledReason(by) } };
    if (item.type === "RefundRequested" && "reason" in item.data) {
      const { reason: _operatorsWords, ...data } = item.data;
      return { ...item, data };
    }
    return item;
  });
}
