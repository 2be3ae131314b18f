/**
 * Notified events: for each person concerned (rider, driver) and each channel that
 * can reach them, render the text in their language and deliver it at most once per
 * (event, channel, recipient); every attempt is logged. A delivery that fails is retried
 * with the message (back-off), up to NOTIFY_MAX_ATTEMPTS per delivery; then it is
 * marked failed and the event goes to the dead-letter queue.
 */
import { deliveryId } from "../../src/notifications/delivery-id";
import { NotReachable, type Channel } from "./channels";
import { keyOf, type DeliveryLog, type DeliveryOutcome, type PlannedDelivery } from "./delivery-log";
import { latenessOf } from "./lateness";
import { KNOWN_KINDS, knowsEvent, noticesOf, subjectIdOf, type IncomingNotification, type Notice } from "./notices";
import { toldNoShowFee, type RenderContext } from "./templates";

export interface NotifyDeps {
  log: DeliveryLog;
  channels: Channel[];
  maxAttempts: number;
  render: RenderContext;
  /** Hands a notification given up on to the dead-letter queue. */
  deadLetter: (message: IncomingNotification, reason: string) => Promise<void>;
  /** The clock (ms) that says whether a moment's notice is still news (`tooLate`). */
  now?: () => number;
}

export interface NotifySummary {
  sent: number;
  duplicate: number;
  failed: number;
  retrying: number;
  /** Why the last delivery that will be retried failed. */
  lastError?: string;
}

/** A delivery to make; `feeTold`: a cancellation's that tells the rider a no-show fee (moments.ts). */
type Pending = { index: number; base: Notice; channel: Channel; delivery: PlannedDelivery; feeTold: boolean };

/**
 * Delivers the notices of a consumer run's messages: every delivery looked up in one read,
 * each sent unless already sent or failed for good, those given up on dead-lettered, then every
 * outcome recorded in one batch.
 * Answers each message's summary, in order; throws only when the log could not be read (before
 * anything is sent: every message is retried). A message it cannot render is retried alone, and
 * outcomes the log will not take are handled message by message (`recordOutcomes`).
 *
 * @example
 * const summaries = await handleNotifications(batch.messages.map((m) => m.body), deps);
 */
export async function handleNotifications(messages: readonly IncomingNotification[], deps: NotifyDeps): Promise<NotifySummary[]> {
  const summaries: NotifySummary[] = messages.map(() => ({ sent: 0, duplicate: 0, failed: 0, retrying: 0 }));
  const pending: Pending[] = [];
  /** Deliveries a channel no longer takes: an earlier try may have left them `retrying` (below). */
  const unreached: { index: number; delivery: PlannedDelivery }[] = [];
  const clock = deps.now ?? Date.now;
  const sentAt = clock();
  for (const [index, message] of messages.entries()) {
    if (!message?.event || !KNOWN_KINDS.has(message.kind)) {
      // Sent by a newer version than this one (during a deploy, or after a rollback of this
      // worker): retried, so the newer worker delivers it, never acked as told to nobody.
      summaries[index] = { ...summaries[index]!, retrying: 1, lastError: `unknown message kind ${String(message?.kind)}` };
      continue;
    }
    const { event } = message;
    let notices: Notice[];
    try {
      if (!knowsEvent(message)) {
        summaries[index] = { ...summaries[index]!, retrying: 1, lastError: `unknown event type ${event.type}` };
        continue;
      }
      notices = noticesOf(message, { ...deps.render, now: sentAt });
    } catch (error) {
      // A body this worker cannot render (a field missing): it alone is retried, to its dead letters; the run goes on.
      summaries[index] = { ...summaries[index]!, retrying: 1, lastError: `unreadable message: ${String(error)}` };
      continue;
    }
    for (const base of notices) {
      const { audience, recipient, rideId } = base;
      const feeTold = message.kind === "ride.notification" && audience === "rider" && toldNoShowFee(message.ride);
      for (const channel of deps.channels) {
        // A check that cannot answer (KakaoTalk's phone lookup with the views database down) plans the
        // delivery anyway: its send then fails and it alone retries, not every channel of the batch.
        const accepted = await channel.accepts(base).catch(() => true);
        const delivery: PlannedDelivery = { eventId: event.id, channel: channel.name, recipient, audience, rideId, event: event.type, version: event.version };
        if (accepted) pending.push({ index, base, channel, delivery, feeTold });
        else if (channel.reachMayChange) unreached.push({ index, delivery });
      }
    }
  }
  const rows = await deps.log.lookUp([...pending, ...unreached].map((p) => p.delivery));
  // A moment's notice old enough to be out of order, or a cancellation telling a no-show fee: was a later step of its
  // ride told already? (A second read, then only.)
  const retried = (p: Pending) => (rows.get(keyOf(p.delivery))?.attempts ?? 0) > 0;
  const timed = (p: Pending) => ({ ...p.delivery, event: messages[p.index]!.event, feeTold: p.feeTold, retried: retried(p) });
  const lateness = await latenessOf(pending.map(timed), clock, (rideIds, events) => deps.log.sentOf(rideIds, events));
  const outcomes: DeliveryOutcome[] = [];
  /** The message of each outcome, by index. */
  const owners: number[] = [];
  const note = (index: number, outcome: DeliveryOutcome) => (owners.push(index), outcomes.push(outcome) - 1);
  const givenUp: { index: number; outcome: number; reason: string }[] = [];
  // Whether each gives way to later news is judged first, in the run's order: a moment on one channel
  // gives way to a later step of its ride told on any, and the lanes below finish in no set order. A
  // delivery failed for good is no news on its way.
  const toSend = pending.filter((p) => rows.get(keyOf(p.delivery))?.status !== "failed");
  const overtaken = new Map(toSend.map((p) => [p, lateness.overtaken(timed(p))]));
  // The same event twice in one run (a redelivery beside the first): the first one delivers.
  const handled = new Set<string>();
  const deliver = async (p: Pending) => {
    const { index, base, channel, delivery } = p;
    const key = keyOf(delivery);
    // Never attempted: as a row retrying with no attempt yet.
    const row = rows.get(key) ?? { id: deliveryId(delivery), status: "retrying", attempts: 0 };
    const summary = summaries[index]!;
    if (handled.has(key)) {
      summary.duplicate += 1;
      return;
    }
    handled.add(key);
    if (row.status === "sent" || row.status === "failed") {
      summary[row.status === "sent" ? "duplicate" : "failed"] += 1;
      return;
    }
    const late = overtaken.get(p) ?? lateness.atSend(timed(p));
    if (late) {
      note(index, { delivery, sent: false, error: `too late: ${late}`, final: true });
      summary.failed += 1;
      return;
    }
    try {
      await channel.send({ ...base, id: row.id });
      lateness.sent(timed(p));
      note(index, { delivery, sent: true });
      summary.sent += 1;
    } catch (error) {
      if (error instanceof NotReachable) {
        note(index, { delivery, sent: false, error: `not delivered: ${error.message}`, final: true });
        summary.failed += 1;
        return;
      }
      const final = row.attempts + 1 >= deps.maxAttempts;
      if (!final) summary.lastError = `${channel.name}: ${String(error)}`;
      const outcome = note(index, { delivery, sent: false, error: String(error), final });
      summary[final ? "failed" : "retrying"] += 1;
      if (final)
        givenUp.push({
          index,
          outcome,
          reason: `${channel.name} to ${base.audience}: ${String(error)} after ${row.attempts + 1} attempts`,
        });
    }
  };
  // Each channel's deliveries in order, the channels side by side: a webhook that hangs for its bound
  // no longer holds an offer's push (or a KakaoTalk message) back until after its expiry. A delivery's
  // key is its channel's own, so a redelivery's twin is in the same lane.
  await Promise.all(
    lanesOf(pending).map(async (lane) => {
      for (const p of lane) await deliver(p);
    }),
  );
  // Planned by an earlier try whose check could not answer (KakaoTalk's phone lookup, the views database
  // down) and known now not to reach them (no phone on file): failed for good, with why, not left
  // `retrying` with nothing on its way. Never planned: nothing to record.
  for (const { index, delivery } of unreached) {
    const key = keyOf(delivery);
    if (rows.get(key)?.status !== "retrying" || handled.has(key)) continue;
    handled.add(key);
    note(index, { delivery, sent: false, error: `not delivered: ${delivery.channel} does not reach this ${delivery.audience}`, final: true });
    summaries[index]!.failed += 1;
  }
  // The letters first, then the marks: a delivery marked failed is never tried again, so a letter
  // lost after its mark (the worker dying in between) would leave nothing to replay; a mark lost
  // after its letter only sends the delivery once more. A letter the queue refuses leaves its
  // delivery retrying (its message comes back, and gives it up again), not the whole run to retry,
  // which would send again what this run sent.
  for (const { index, outcome, reason } of givenUp) {
    try {
      await deps.deadLetter(messages[index]!, reason);
    } catch (error) {
      outcomes[outcome] = { ...(outcomes[outcome] as DeliveryOutcome & { sent: false }), final: false };
      const summary = summaries[index]!;
      summary.failed -= 1;
      summary.retrying += 1;
      summary.lastError = `dead letter not sent: ${String(error)}`;
    }
  }
  await recordOutcomes(deps.log, outcomes, owners, messages, summaries);
  return summaries;
}

/** The deliveries by channel, each channel's in the run's order. */
function lanesOf(pending: readonly Pending[]): Pending[][] {
  const lanes = new Map<string, Pending[]>();
  for (const p of pending) {
    const lane = lanes.get(p.channel.name);
    if (lane) lane.push(p);
    else lanes.set(p.channel.name, [p]);
  }
  return [...lanes.values()];
}

/**
 * Records a run's outcomes in one batch; should the log refuse it, message by message, so that one
 * row it refuses, or a moment of trouble, keeps only its own message back, not the whole run (every
 * message retried would send again all that was sent). A message with nothing left to retry is
 * acked even when its rows could not be written: sent again at every retry, a person would be told
 * up to NOTIFY_MAX_ATTEMPTS times. Its rows are lost (`notification sent, not logged`, an error line).
 */
async function recordOutcomes(
  log: DeliveryLog,
  outcomes: DeliveryOutcome[],
  owners: number[],
  messages: readonly IncomingNotification[],
  summaries: NotifySummary[],
): Promise<void> {
  if (outcomes.length === 0) return;
  try {
    return await log.recordAll(outcomes);
  } catch (error) {
    console.warn(JSON.stringify({ msg: "notification outcomes not recorded in one batch", outcomes: outcomes.length, error: String(error) }));
  }
  for (const index of new Set(owners)) {
    try {
      await log.recordAll(outcomes.filter((_, i) => owners[i] === index));
    } catch (error) {
      const summary = summaries[index]!;
      const { event } = messages[index]!;
      if (summary.retrying > 0) summary.lastError = `not recorded: ${String(error)}`;
      else
        console.error(
          JSON.stringify({
            msg: "notification sent, not logged",
            eventId: event.id,
            rideId: subjectIdOf(messages[index]!),
            sent: summary.sent,
            error: String(error),
          }),
        );
    }
  }
}
