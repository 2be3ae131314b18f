/**
 * A driver's accept of the offer they hold: who may, and the assignment it makes, decided
 * at one time. Pure but for the Driver DO's confirmation, which the Ride DO injects.
 */
import type { Config } from "../config";
import type { Driver } from "../domain/events";
import { can, decide, type RideDecision, type RideRecord } from "../domain/ride-machine";
import type { Refusal } from "../kernel/machine";
import { fail, ok, type Outcome } from "../lib/problem";
import { etaSeconds, notOffered, toRideDriver } from "./commands";

/**
 * May `driverId` accept the ride? `"accepted"` when they already have it (a repeat),
 * a refusal, or null: go ahead and confirm with the Driver DO. No such ride and not
 * yours answer alike: a stranger learns nothing of the ride.
 *
 * @example
 * const check = acceptance(record, "d1", new Date()); // null: confirm, then assign
 */
function acceptance(record: RideRecord | null, driverId: string, now: Date): "accepted" | Refusal | null {
  if (!record) return notOffered;
  if (record.ride.driver?.id === driverId && record.ride.status !== "cancelled") return "accepted";
  if (record.ride.status !== "dispatching" || record.offer?.driverId !== driverId) return notOffered;
  return can(record, { type: "assignDriver", driverId }, now);
}

/**
 * An accept, decided at one time (`acceptedAt`): checked (`acceptance`), confirmed with the
 * Driver DO (`confirm`: offered → on_trip), then the assignment decided at that same time. The
 * confirmation may wait up to `PEER_CALL_MS` behind the driver's other calls; an offer live when
 * its accept came in stays accepted (with the clock read again after it, the ride refused a driver
 * who had said yes in time as expired, released them, and its offer timer then excluded them).
 * Nothing else runs on the ride meanwhile: an accept is one command. A repeat answers the ride
 * unchanged.
 *
 * @example
 * const accepted = await acceptOffer(record, "d1", new Date(), (id) => confirmDriver(id), config.road);
 * if (accepted.ok) await enact(accepted.value.decision);
 */
export async function acceptOffer(
  record: RideRecord | null,
  driverId: string,
  acceptedAt: Date,
  confirm: (driverId: string) => Promise<Outcome<Driver>>,
  road: Config["road"],
): Promise<Outcome<{ record: RideRecord; decision: RideDecision }>> {
  if (!record) return fail(notOffered.code, notOffered.detail);
  const check = acceptance(record, driverId, acceptedAt);
  if (check === "accepted") return ok({ record, decision: { kind: "unchanged", record } });
  if (check) return fail(check.code, check.detail);
  const confirmed = await confirm(driverId);
  if (!confirmed.ok) return confirmed;
  const driver = toRideDriver(confirmed.value);
  return ok({ record, decision: decide(record, { type: "assignDriver", driver, etaSeconds: etaSeconds(driver, record, road) }, acceptedAt) });
}
