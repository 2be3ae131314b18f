/**
 * Notices of a moment: true only for a while. An offer is gone once it expires; "your driver is
 * on the way", "has arrived", "the trip started" are news for minutes. Sent later (a first delivery
 * behind a queue's backlog, a retry after a long outage, an operator's replay of the next day's
 * dead letters) they would only mislead the
 * rider or driver, and each AlimTalk message is paid for: such a notice is not sent, its delivery
 * failed for good as too late (no letter: there is nothing to replay). Receipts, cancellations,
 * refunds, payouts and account decisions stay true, and have no limit.
 */

/** How long a moment's notice is still worth sending after its event. */
export const MOMENT_MAX_AGE_MS = 15 * 60_000;

const MOMENTS = new Set(["DriverAssigned", "DriverUnassigned", "DriverArrived", "TripStarted"]);

/**
 * Why the notice of `event` is too late to send at `now`, or null while it is still news.
 *
 * @example
 * tooLate({ type: "DriverOffered", occurredAt, data: { expiresAt } }, Date.now()); // "the offer expired at …"
 */
export function tooLate(event: { type: string; occurredAt?: string; data?: Record<string, unknown> }, now: number): string | null {
  if (event.type === "DriverOffered") {
    const expiresAt = typeof event.data?.expiresAt === "string" ? Date.parse(event.data.expiresAt) : NaN;
    return expiresAt <= now ? `the offer expired at ${String(event.data?.expiresAt)}` : null;
  }
  if (!MOMENTS.has(event.type) || !event.occurredAt) return null;
  const at = Date.parse(event.occurredAt);
  return at + MOMENT_MAX_AGE_MS <= now ? `a ${event.type} of ${event.occurredAt}, no longer news` : null;
}

/**
 * The moments of a ride's assignment. Each can come again (a second driver assigned after the
 * first backed out): told, one is later news only with a higher version than the notice's event.
 */
const ASSIGNMENT_MOMENTS = ["DriverAssigned", "DriverUnassigned", "DriverArrived"];

/** A rental's endings: told at all, its confirmation and its unlock key are old news (the key opens nothing now). */
const RENTAL_ENDINGS = ["RentalCancelled", "RentalCompleted", "RentalDeclined"];

/** The steps that come after every moment of their ride (or rental): told at all, they are later news. */
const STEPS = new Set(["TripStarted", "RideCompleted", "RideCancelled", ...RENTAL_ENDINGS]);

/**
 * What makes a moment's notice old news however young it is: a later step of the same ride already
 * told to the same person. A notice retried (a channel refused it a moment) or delivered out of
 * order would otherwise say "your driver has arrived" after the receipt or the cancellation, or
 * "Kim is on the way" after "Kim backed out, Lee is on the way".
 */
const LATER_NEWS: Record<string, readonly string[]> = {
  ...Object.fromEntries(ASSIGNMENT_MOMENTS.map((moment) => [moment, [...ASSIGNMENT_MOMENTS, ...STEPS]])),
  TripStarted: ["RideCompleted"],
  // A key retried (or replayed) after the rider cancelled would send them to a vehicle it no longer opens.
  RentalConfirmed: RENTAL_ENDINGS,
  RentalKeyIssued: RENTAL_ENDINGS,
};

/**
 * Not a moment: a cancellation stays true. But the notice of a no-show fee dropped tells the
 * cancellation again, without the fee (templates.ts): sent already on the same channel, it is
 * the later news, and the cancellation's own notice, saying the fee will be charged, would be the
 * rider's last word. Asked whatever the notice's age (the drop comes a second or two after the
 * cancellation, and a retry two seconds after a refusal), for a notice that tells a fee only.
 */
const FEE_DROPPED = "PaymentFailed";

/** Every event type some notice gives way to (what the log is asked about). */
export const LATER_NEWS_TYPES: readonly string[] = [...new Set([...Object.values(LATER_NEWS).flat(), FEE_DROPPED])];

/**
 * A moment's notice younger than this is taken to be in order and is sent without asking the log
 * what came after: the common case pays no read. Older (a backlog), or tried before (a retry, which
 * the queue brings back two seconds on: the later news may have gone out meanwhile), the log is asked.
 */
export const IN_ORDER_WITHIN_MS = 10_000;

/**
 * The later steps whose notice, already sent to the same person, may make the notice of `event`
 * old news (`toldLater` decides): none for a moment young enough to be in order, nor for a
 * notice nothing later stands for. `feeTold`: the notice is a cancellation that tells the rider a
 * no-show fee; `retried`: it was tried before, so it may be out of order whatever its age.
 *
 * @example
 * laterNews({ type: "TripStarted", occurredAt: "2026-12-05T09:59:00Z" }, Date.parse("2026-12-05T10:00:00Z")); // ["RideCompleted"]
 */
export function laterNews(event: { type: string; occurredAt?: string }, now: number, feeTold = false, retried = false): readonly string[] {
  const later = laterNewsAnyAge(event, feeTold);
  if (event.type === "RideCancelled" || retried || later.length === 0) return later;
  return !event.occurredAt || Date.parse(event.occurredAt) + IN_ORDER_WITHIN_MS > now ? [] : later;
}

/** The later steps that may make the notice of `event` old news whatever its age: against what a run itself tells ahead of it, which costs no read. */
const laterNewsAnyAge = (event: { type: string }, feeTold: boolean): readonly string[] =>
  // Its own keys only: a type named like an Object method (`toString`) is no step of a ride.
  event.type === "RideCancelled" ? (feeTold ? [FEE_DROPPED] : []) : Object.hasOwn(LATER_NEWS, event.type) ? LATER_NEWS[event.type]! : [];

/** The newest version of a `type` told to the notice's person (on `channel` only, when given): null when told by rows that kept no version, undefined when never told. */
export type Told = (type: string, channel?: string) => number | null | undefined;

/**
 * Which later step, told to the person already, makes the notice of `event` old news ("RideCompleted",
 * "DriverAssigned of version 8"), or null. A moment gives way to a step told on any channel; told
 * with no version, a moment is not taken as later: it may be the one before. A cancellation gives
 * way only to its fee's drop sent on its own channel: on another, it may not have reached them.
 *
 * @example
 * const told = (type: string) => (type === "DriverUnassigned" ? 7 : undefined);
 * toldLater({ type: "DriverAssigned", version: 5, occurredAt: "2026-12-05T09:59:00Z" }, Date.parse("2026-12-05T10:00:00Z"), { told, channel: "webhook" }); // "DriverUnassigned of version 7"
 */
export function toldLater(
  event: { type: string; version: number; occurredAt?: string },
  now: number,
  notice: { told: Told; channel: string; feeTold?: boolean; anyAge?: boolean },
): string | null {
  const news = notice.anyAge ? laterNewsAnyAge(event, notice.feeTold ?? false) : laterNews(event, now, notice.feeTold);
  for (const later of news) {
    const version = later === FEE_DROPPED ? notice.told(later, notice.channel) : notice.told(later);
    if (version === undefined) continue;
    if (STEPS.has(later)) return later;
    if (version !== null && version > event.version) return `${later} of version ${version}`;
  }
  return null;
}
