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
