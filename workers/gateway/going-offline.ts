/**
 * A driver going offline. The contract refuses only a driver on a trip: one with an open
 * offer declines it first (the ride moves to the next driver at once), then goes offline.
 */
import type { Driver } from "../../src/domain/events";
import type { Outcome } from "../../src/lib/problem";
import { driverStub, resolveRide } from "./stubs";

/** Offers declined in a row before giving up: a new one may land between the decline and the offline. */
const MAX_DECLINES = 3;

/**
 * Takes the driver offline, declining any open offer on the way; a driver on a trip is still
 * refused (409). The declines are the ride's own (`decline`), so the ride re-dispatches without
 * this driver, exactly as if they had tapped decline.
 *
 * @example
 * const driver = unwrap(await goOffline(c.env, actor.id, c.get("requestId")));
 */
export async function goOffline(env: Pick<Env, "DRIVER" | "RIDE">, driverId: string, requestId: string): Promise<Outcome<Driver>> {
  const driver = driverStub(env, driverId);
  for (let declined = 0; ; declined += 1) {
    const outcome = await driver.goOffline(requestId);
    if (outcome.ok || declined >= MAX_DECLINES) return outcome;
    // The ride holding the driver, even one whose offer ran out and has not let go yet.
    const now = await driver.get();
    // Refused for another reason (on a trip): the refusal is the answer.
    if (now?.status !== "offered" || !now.currentRideId) return outcome;
    // An offer taken back meanwhile is refused by its ride: nothing to undo, and the next try tells.
    await resolveRide(env, now.currentRideId).decline(driverId, requestId);
  }
}
