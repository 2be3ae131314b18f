/**
 * Whether each delivery of a consumer run is too late to send: a moment past its age (`tooLate`),
 * or a notice a later step of its ride, told to the same person already, stands for (`toldLater`).
 * The delivery log is read for that once a run, and only when some delivery needs it: a moment old
 * enough to be out of order, or a cancellation that tells a no-show fee.
 */
import { sentKey, type DeliveryLog } from "./delivery-log";
import { laterNews, LATER_NEWS_TYPES, tooLate, toldLater } from "./moments";

/** A delivery as the check sees it: its event, whose it is, its channel, and whether it tells a no-show fee. */
export interface TimedDelivery {
  event: { type: string; version: number; occurredAt?: string; data?: Record<string, unknown> };
  rideId: string;
  recipient: string;
  channel: string;
  feeTold: boolean;
}

/**
 * Reads what the run's deliveries may give way to, and answers a check of each: why it is too
 * late to send ("a DriverArrived of …, no longer news", "RideCompleted was told already"), or null.
 *
 * @example
 * const lateness = await latenessOf(deliveries, Date.now(), log.sentOf.bind(log));
 * lateness(deliveries[0]); // "DriverUnassigned of version 7 was told already"
 */
export async function latenessOf(
  deliveries: readonly TimedDelivery[],
  now: number,
  sentOf: DeliveryLog["sentOf"],
): Promise<(delivery: TimedDelivery) => string | null> {
  const asks = (d: TimedDelivery) => !tooLate(d.event, now) && laterNews(d.event, now, d.feeTold).length > 0;
  const rideIds = [...new Set(deliveries.filter(asks).map((d) => d.rideId))];
  const sent = rideIds.length > 0 ? await sentOf(rideIds, LATER_NEWS_TYPES) : new Map<string, number | null>();
  return (d) => {
    const told = toldLater(d.event, now, {
      told: (later, channel) => sent.get(sentKey(d.rideId, d.recipient, later, channel)),
      channel: d.channel,
      feeTold: d.feeTold,
    });
    return tooLate(d.event, now) ?? (told ? `${told} was told already` : null);
  };
}
