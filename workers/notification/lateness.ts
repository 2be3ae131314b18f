/**
 * Whether each delivery of a consumer run is too late to send: a moment past its age (`tooLate`),
 * or a notice a later step of its ride, told to the same person already, stands for (`toldLater`).
 * The delivery log is read for that once a run, and only when some delivery needs it: a moment old
 * enough to be out of order, or a cancellation that tells a no-show fee. What the run itself tells
 * ahead of a notice counts as told (`overtaken`), whatever the notice's age (no read to spare
 * there): a retried notice that lands in the same run as the later one, after it, gives way to it
 * as it would to one the log holds.
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

/** The checks of a run's deliveries. */
export interface Lateness {
  /**
   * Why `delivery` gives way to later news of its ride told to the same person: told before (the
   * log), or ahead of it in this run (a moment gives way to a later step on any channel, and every
   * delivery checked before it counts, whether its send then goes through or not: it is the later
   * news, on its way), or null. Called once per delivery still to send, in the run's order, before
   * any is sent: the channels then send side by side, each in that order.
   */
  overtaken: (delivery: TimedDelivery) => string | null;
  /**
   * Why `delivery` is no longer news as it goes out, or null: a moment past its age or an offer past
   * its expiry (the clock read now), or a cancellation whose fee's drop this run sent on its channel
   * (the drop counts on its own channel only, and only sent: on another, or refused, it may not
   * have reached them).
   */
  atSend: (delivery: TimedDelivery) => string | null;
  /** `delivery` went out in this run. */
  sent: (delivery: TimedDelivery) => void;
}

/**
 * Reads what the run's deliveries may give way to, and answers the checks of each.
 *
 * @example
 * const lateness = await latenessOf(deliveries, Date.now, log.sentOf.bind(log));
 * lateness.overtaken(deliveries[0]); // "DriverUnassigned of version 7 was told already"
 */
export async function latenessOf(deliveries: readonly TimedDelivery[], clock: () => number, sentOf: DeliveryLog["sentOf"]): Promise<Lateness> {
  const now = clock();
  const asks = (d: TimedDelivery) => !tooLate(d.event, now) && laterNews(d.event, now, d.feeTold, d.retried).length > 0;
  const rideIds = [...new Set(deliveries.filter(asks).map((d) => d.rideId))];
  const logged = rideIds.length > 0 ? await sentOf(rideIds, LATER_NEWS_TYPES) : new Map<string, number | null>();
  const ahead = new Map<string, number | null>();
  const sentHere = new Map<string, number | null>();
  const toldIn = (told: Map<string, number | null>, d: TimedDelivery, anyAge: boolean) =>
    toldLater(d.event, now, {
      told: (type, channel) => told.get(sentKey(d.rideId, d.recipient, type, channel)),
      channel: d.channel,
      feeTold: d.feeTold,
      anyAge,
    });
  const note = (told: Map<string, number | null>, d: TimedDelivery) =>
    noteTold(told, { rideId: d.rideId, recipient: d.recipient, event: d.event.type, channel: d.channel, version: d.event.version });
  // A cancellation's only later news is its fee's drop, which counts once sent on its own channel (`atSend`).
  const cancellation = (d: TimedDelivery) => d.event.type === "RideCancelled";
  return {
    overtaken: (d) => {
      const later = toldIn(logged, d, d.retried ?? false) ?? (cancellation(d) ? null : toldIn(ahead, d, true));
      note(ahead, d);
      return later ? `${later} was told already` : null;
    },
    atSend: (d) => {
      const dropped = cancellation(d) ? toldIn(sentHere, d, true) : null;
      return tooLate(d.event, clock()) ?? (dropped ? `${dropped} was told already` : null);
    },
    sent: (d) => note(sentHere, d),
  };
}
