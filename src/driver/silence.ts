/**
 * The `silent` timer: an available driver who stops reporting (the app was killed, the phone
 * died) is taken offline after `DRIVER_OFFLINE_AFTER_S`, so that no view, operator or dispatch
 * cell shows them available for ever: no non-terminal state without a timer that moves it on.
 * On the way to a pickup the limit is `DRIVER_PICKUP_SILENT_S` (shorter): a rider is waiting,
 * and a driver silent that long is taken off the ride, which goes to another driver.
 *
 * It is set when the driver comes online (or by a report that finds it missing: a driver online
 * since before it existed), and location reports never move it (a report every 4 s would move the
 * alarm every 4 s): when it fires it looks at the last report, and sets itself again at that
 * report plus the limit if the driver was heard from since. While it is set
 * the driver's object has a timer, so its commits need no relay fallback of their own
 * (`needsRelayFallback`): the alarm is not moved there and back by each reservation and release.
 */
import { mayHoldDriver } from "../domain/ride/rule-kit";
import type { SilentAsk } from "../domain/ride/types";
import type { Ride } from "../domain/types";
import type { TimerChange } from "../kernel/machine";
import type { DriverCommand, DriverRecord } from "./types";

export const SILENT_TIMER = "silent";

/** The limits of silence (the settings `DRIVER_OFFLINE_AFTER_S` and `DRIVER_PICKUP_SILENT_S`). */
export interface SilenceLimits {
  driverOfflineAfterS: number;
  driverPickupSilentS: number;
}

/** On the way to a pickup: on a trip whose ride still wants positions (it says it wants none once the driver arrived). */
const toPickup = (record: DriverRecord): boolean =>
  record.driver.status === "on_trip" && record.driver.currentRideId !== null && record.driver.currentRideId !== record.etaDoneRideId;

/**
 * How long the driver may be silent, in seconds: the pickup limit on the way to a pickup (never longer than the other).
 *
 * @example
 * limitS(onTheWayToPickup, { driverOfflineAfterS: 600, driverPickupSilentS: 180 }); // 180
 */
export function limitS(record: DriverRecord, limits: SilenceLimits): number {
  return toPickup(record) ? Math.min(limits.driverPickupSilentS, limits.driverOfflineAfterS) : limits.driverOfflineAfterS;
}

/** When the driver was last heard from (its last location report; its last change if it never reported). */
const lastHeard = (record: DriverRecord): number => Date.parse(record.driver.locationAt ?? record.driver.updatedAt);

/** Whether nothing was heard from the driver for `seconds` or more. */
const silentFor = (record: DriverRecord, now: Date, seconds: number): boolean => lastHeard(record) + seconds * 1000 <= now.getTime();

/**
 * The `silent` timer change of a committed driver event: cleared once offline, else set at the
 * last report plus the limit when that is sooner than where it is (`ifEarlier`): a report
 * never moves it later (no alarm write every 4 s), an assignment brings it forward to the
 * pickup limit.
 *
 * A rejected driver on the way to a pickup brings it within `REJECTED_ASK_MS`: their ride is asked off them again then.
 *
 * @example
 * silentTimer(onlineRecord, limits, new Date()); // { name: "silent", at: lastReport + 600_000, ifEarlier: true }
 */
export function silentTimer(after: DriverRecord, limits: SilenceLimits, now: Date): TimerChange {
  if (after.driver.status === "offline") return { name: SILENT_TIMER, at: null };
  return { name: SILENT_TIMER, at: Math.min(lastHeard(after) + limitS(after, limits) * 1000, askOffBy(after, now)), ifEarlier: true };
}

/**
 * How soon, at most, a ride that still claims a rejected driver on the way to its pickup is
 * asked again to take them off. The rejection's own call (sent three times within seconds)
 * may all be lost, and the pickup limit is minutes: meanwhile the rejected driver could
 * pick the rider up. Asked by the `silent` timer, so a Driver DO evicted meanwhile still asks.
 */
export const REJECTED_ASK_MS = 10_000;

/** When the `silent` timer must fire at the latest to ask a ride off a rejected driver on the way to its pickup (never, for anyone else). */
const askOffBy = (record: DriverRecord, now: Date): number =>
  record.driver.approval === "rejected" && toPickup(record) ? now.getTime() + REJECTED_ASK_MS : Number.POSITIVE_INFINITY;

/**
 * Whether the driver is still silent past the limit (checked again once the commands queued
 * behind the timer, a location report among them, have run: a driver heard from meanwhile is
 * not taken off their ride).
 *
 * @example
 * stillSilent(record, new Date(), limits); // false once they reported
 */
export const stillSilent = (record: DriverRecord | null, now: Date, limits: SilenceLimits): boolean =>
  record !== null && silentFor(record, now, limitS(record, limits));

/** What the due `silent` timer does: take the driver offline, look again at `at`, or nothing (offline already). */
export type SilenceCheck = { type: "offline" } | { type: "again"; at: number } | null;

/**
 * Decides the due `silent` timer. A driver with an offer or a trip is not taken offline (the
 * offer expires; the ride's own timers end a trip whose driver went silent; before the pickup
 * `silenceStep` has the ride take them off) and is looked at again a limit later, when the
 * release has made them available.
 *
 * @example
 * checkSilence(record, new Date(), limits); // { type: "again", at } if they reported 2 minutes ago
 */
export function checkSilence(record: DriverRecord | null, now: Date, limits: SilenceLimits): SilenceCheck {
  if (!record || record.driver.status === "offline") return null;
  const limitMs = limitS(record, limits) * 1000;
  const due = lastHeard(record) + limitMs;
  if (due > now.getTime()) return { type: "again", at: due };
  if (record.driver.status !== "available") return { type: "again", at: now.getTime() + limitMs };
  return { type: "offline" };
}

/** Why a ride is asked to take its driver off: silent past a limit, or rejected by an operator (asked again). */
export type TakeOffWhy = SilentAsk | "rejected";

/**
 * What the due `silent` timer leads to: the timer set again (`again`), a command to run
 * (`command`), and a ride to ask to take the driver off (`takeOff`).
 */
export type SilenceStep = { again?: number; command?: DriverCommand; takeOff?: { rideId: string; driverId: string; why: TakeOffWhy } } | null;

/**
 * The due `silent` timer, whole: `checkSilence`, and for a driver held by a ride (offered, on
 * a trip) the question whether that ride still claims them (`claims`; null: it could not be
 * asked, asked again next time). A ride with no claim on its driver left them held through a
 * release a crash lost (its deadline or its end released nobody): nothing else would ever
 * free them, so the driver lets go of it here (`release`, reason `unclaimed`). The Driver DO
 * runs timers in its command queue, so no reservation slips in between the answer and the
 * release: one that comes after it finds the driver free and is a new one.
 *
 * A ride that still claims a driver silent past the limit is asked to take them off
 * (`takeOff`): before the pickup it dispatches again without them (a rider would otherwise
 * wait for a driver whose app died until the ride's 2-hour stale timer); past it, the trip
 * is the driver's to end and the ride says no. The ask must be made once the timer has left
 * the command queue: the ride releases the driver once its change is committed, a call back into it
 * (and a release lost then is the one above: the ride no longer claims them).
 *
 * A rejected driver that a ride still claims is asked off it again (why `rejected`): the
 * rejection's call to the ride (`withdrawOffer`, after the command, sent again a second and two
 * later should it fail) may have been lost, and nothing else would send it again. Before the pickup the ride dispatches again without
 * them, and the ask comes again within `REJECTED_ASK_MS` until it is answered; past it the trip is theirs to finish, and the
 * ask changes nothing.
 *
 * @example
 * await silenceStep(record, new Date(), config, rideClaims(env));
 */
export async function silenceStep(
  record: DriverRecord | null,
  now: Date,
  limits: SilenceLimits,
  claims: (rideId: string, driverId: string) => Promise<boolean | null>,
): Promise<SilenceStep> {
  const check = checkSilence(record, now, limits);
  if (!check || !record) return null;
  if (check.type === "offline") return { command: { type: "offline", reason: "silent" } };
  const rideId = record.driver.currentRideId;
  // Only a ride that answered "no claim" is let go of: one that could not be asked (null) is asked again next time.
  if (rideId === null) return { again: check.at };
  const claimed = await claims(rideId, record.driver.id);
  if (claimed === false) return { again: check.at, command: { type: "release", rideId, reason: "unclaimed" } };
  // A rejected driver on the way to the pickup: asked again within seconds (`askOffBy`), whether their ride claims them
  // or could not be asked (a ride that cannot be reached is why the rejection's calls were lost); past it, at the usual pace.
  if (record.driver.approval === "rejected") {
    const again = Math.min(check.at, askOffBy(record, now));
    return claimed ? { again, takeOff: { rideId, driverId: record.driver.id, why: "rejected" } } : { again };
  }
  if (!claimed || !stillSilent(record, now, limits)) return { again: check.at };
  // Past the pickup limit only: the ride, if the driver arrived (this object hears of it at their next report), leaves them on.
  const why = silentFor(record, now, limits.driverOfflineAfterS) ? "silent" : "silent_on_the_way";
  return { again: check.at, takeOff: { rideId, driverId: record.driver.id, why } };
}

/**
 * The release a pushed ride calls for (the Ride DO pushes each change its driver did not make
 * to the Driver DO): the driver is still held for that ride, which has let go of them. That is
 * a trip's end whose release after the commit was lost (a crash, the Driver DO unreachable);
 * the ride's next commit (its capture, or the stale timer's end) pushes it, and the driver is
 * free then instead of at the silent timer. An older push cannot undo a newer reservation:
 * only the ride the driver is held for is let go of, and an ended ride never reserves again.
 *
 * @example
 * releaseForPush(onTripForR1, { id: "r1", status: "completed" }); // { type: "release", rideId: "r1", reason: "unclaimed" }
 */
export function releaseForPush(record: DriverRecord | null, ride: Pick<Ride, "id" | "status">): DriverCommand | null {
  const held = record?.driver.status === "offered" || record?.driver.status === "on_trip";
  // Past its trip or cancelled, the ride has let go of them (`mayHoldDriver`, the rule `claims` answers by too).
  if (!held || record?.driver.currentRideId !== ride.id || mayHoldDriver(ride.status)) return null;
  return { type: "release", rideId: ride.id, reason: "unclaimed" };
}
