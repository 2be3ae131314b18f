/**
 * Whether each delivery of a consumer run is too late to send: a moment past its age (`tooLate`),
 * or a notice a later step of its ride, told to the same person already, stands for (`toldLater`).
 * The delivery log is read for that once a run, and only when some delivery needs it: a moment old
 * enough to be out of order, or a cancellation that tells a no-show fee. What the run itself sends
 * counts as told from then on (`sent`), whatever the age of a notice checked after it (no read to
 * spare there): a retried notice that lands in the same run as the later one, after it, gives way
 * to it as it would to one the log holds.
 */
import { noteTold, sentKey, type DeliveryLog } from "./delivery-log";
import { laterNews, LATER_NEWS_TYPES, tooLate, toldLater } from "./moments";

/** A delivery as the check sees it: its event, whose it is, its channel, and whether it tells a no-show fee. */
export interface TimedDelivery {
  event: { type: string; version: number; occurredAt?: string; data?: Record<string, unknown> };
  rideId: string;
  recipient: string;
  channel: string;
  feeTold: boolean;
  /** Tried before (its row counts an attempt): checked against the log whatever its age. */
  retried?: boolean;
}

/** The check of a run's deliveries, in the order the run sends them. */
export interface Lateness {
  /** Why `delivery` is too late to send ("a DriverArrived of …, no longer news", "RideCompleted was told already"), or null. */
  check: (delivery: TimedDelivery) => string | null;
  /** `delivery` went out in this run: a delivery checked after it gives way to it, as to one the log holds. */
  sent: (delivery: TimedDelivery) => void;
}

/**
 * Reads what the run's deliveries may give way to, and answers the check of each.
 *
 * @example
 * const lateness = await latenessOf(deliveries, Date.now, log.sentOf.bind(log));
 * lateness.check(deliveries[0]); // "DriverUnassigned of version 7 was told already"
 */
export async function latenessOf(deliveries: readonly TimedDelivery[], clock: () => number, sentOf: DeliveryLog["sentOf"]): Promise<Lateness> {
  // The clock is read again at each check: a delivery checked after another channel's or its own
  // lane's slow sends is judged at the time it goes out, not when the run began.
  const now = clock();
  const asks = (d: TimedDelivery) => !tooLate(d.event, now) && laterNews(d.event, now, d.feeTold, d.retried).length > 0;
  const rideIds = [...new Set(deliveries.filter(asks).map((d) => d.rideId))];
  const logged = rideIds.length > 0 ? await sentOf(rideIds, LATER_NEWS_TYPES) : new Map<string, number | null>();
  const inRun = new Map<string, number | null>();
  const toldIn = (told: Map<string, number | null>, d: TimedDelivery, anyAge: boolean, at: number) =>
    toldLater(d.event, at, {
      told: (type, channel) => told.get(sentKey(d.rideId, d.recipient, type, channel)),
      channel: d.channel,
      feeTold: d.feeTold,
      anyAge,
    });
  return {
    check: (d) => {
      const at = clock();
      const later = toldIn(logged, d, d.retried ?? false, at) ?? toldIn(inRun, d, true, at);
      return tooLate(d.event, at) ?? (later ? `${later} was told already` : null);
    },
    sent: (d) => noteTold(inRun, { rideId: d.rideId, recipient: d.recipient, event: d.event.type, channel: d.channel, version: d.event.version }),
  };
}
