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
import type { Actor, CancelledBy, Ride } from "../types";
import type { RideRecord } from "./types";

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
 * The drivers who may watch a ride now: its driver, and the driver it is offered to. Any other
 * driver (one who declined, whose offer expired or was withdrawn, who backed out or was let go)
 * reads nothing more of it: a request answers 404, and a live socket they still hold on the
 * ride is closed at its next push rather than sent the next driver's name, plate and trail.
 *
 * @example
 * driversWatching(offeredToD2); // ["d2"]
 */
export function driversWatching(record: Pick<RideRecord, "ride" | "offer">): string[] {
  return [record.ride.driver?.id, record.offer?.driverId].filter((id): id is string => typeof id === "string");
}

/** Events of a stint that name no driver: they are the driver's who held the ride then. */
const STINT = new Set(["EtaUpdated", "DriverArrived", "TripStarted", "TripEnded", "DriverSettled"]);
/** The search's events: which drivers were asked, and how each answered. */
const OFFERS = new Set(["DriverOffered", "OfferDeclined", "OfferExpired", "OfferWithdrawn"]);

type Item = { type: string; data: Record<string, unknown> };

/** The driver an event is about: the one it names, or for a stint's event the driver assigned then (`held`). */
function driverOf(item: Item, held: string | null): string | null {
  const named = item.data.driverId ?? (item.data.driver as { id?: unknown } | undefined)?.id;
  if (typeof named === "string") return named;
  return STINT.has(item.type) ? held : null;
}

/**
 * A timeline as `viewer` may read it. A driver's: only what is about them or about no driver
 * (another driver's offer, assignment, name, plate and positions are not theirs: a driver
 * offered a ride another gave up must not read the other's trail), with a rider's or an
 * operator's cancel reason replaced and a refund's reason left out. A rider's: the drivers
 * asked and how they answered, and any driver the ride never got (released when it was
 * cancelled with an offer out), without their ids, and no fare's split (what the driver earns
 * and the platform keeps). An operator's: as stored.
 *
 * @example
 * timelineFor(items, { id: "d2", role: "driver" }).some((e) => e.data.driverId === "d1"); // false
 */
export function timelineFor<T extends Item>(items: T[], viewer: Pick<Actor, "id" | "role">): T[] {
  if (viewer.role === "ops") return items;
  if (viewer.role === "rider") {
    // The drivers the ride got the rider read of (name, plate: on the ride); any other only as "a driver".
    const got = new Set(items.filter((i) => i.type === "DriverAssigned").map((i) => driverOf(i, null)));
    return items.map((item) => {
      const about = driverOf(item, null);
      const shown = about !== null && (OFFERS.has(item.type) || !got.has(about)) ? { ...item, data: withoutDriverId(item.data) } : item;
      return withoutDriversPay(withoutOpenDeclines(shown));
    });
  }
  let held: string | null = null;
  const out: T[] = [];
  for (const item of items) {
    const about = driverOf(item, held);
    if (item.type === "DriverAssigned") held = about;
    else if ((item.type === "DriverUnassigned" || item.type === "DriverReleased") && about === held) held = null;
    if (about === null || about === viewer.id) out.push(forDriver(withoutOpenDeclines(item)));
  }
  return out;
}

/**
 * An item without the fare's split (`PaymentCaptured`'s and `DriverSettled`'s settlement, a
 * refund's adjustment): what the driver earns and the platform keeps is theirs to read, not
 * the rider's, who reads the amount they paid or got back.
 */
function withoutDriversPay<T extends Item>(item: T): T {
  if (!("settlement" in item.data) && !("adjustment" in item.data)) return item;
  const { settlement: _split, adjustment: _givenBack, ...data } = item.data;
  return { ...item, data };
}

/**
 * An item without the operators' account of declined refunds: what of them is still open
 * (`PaymentRefunded`'s `declinedLeft`) and what a refund asked retries (`RefundRequested`'s `retries`).
 */
function withoutOpenDeclines<T extends Item>(item: T): T {
  if (!("declinedLeft" in item.data) && !("retries" in item.data)) return item;
  const { declinedLeft: _operatorsToDo, retries: _retried, ...data } = item.data;
  return { ...item, data };
}

function withoutDriverId(data: Record<string, unknown>): Record<string, unknown> {
  const { driverId: _asked, ...rest } = data;
  return rest;
}

/** One item as a driver reads it: a rider's or an operator's cancel reason replaced, a refund's reason left out. */
function forDriver<T extends Item>(item: T): T {
  const by = item.data.by as CancelledBy;
  if (item.type === "RideCancelled" && SPOKEN.has(by)) return { ...item, data: { ...item.data, reason: cancelledReason(by) } };
  if (item.type === "RefundRequested" && "reason" in item.data) {
    const { reason: _operatorsWords, ...data } = item.data;
    return { ...item, data };
  }
  return item;
}
