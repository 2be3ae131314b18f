/** Notification worker entry: consumes ride-notifications and its dead-letter queue. */
import { consumerFetch } from "../../src/lib/readiness";
import { logMetrics, meterBatch } from "../../src/lib/metering";
import { drizzle } from "drizzle-orm/d1";
import { retryDelaySeconds } from "../../src/lib/backoff";
import { RunLog } from "../../src/lib/run-log";
import { isDeadLetterQueue, keepEachLetter } from "../../src/lib/dead-letters";
import { notificationDeadLetters, notificationDeliveries } from "../../src/notifications/schema";
import { and, eq, ne, notExists } from "drizzle-orm";
import { notifyDeps } from "./deps";
import { handleNotifications, type NotifySummary } from "./handler";
import { subjectIdOf, type IncomingNotification } from "./notices";

type Incoming = IncomingNotification & { deadLetterReason?: string };

export default {
  fetch(request: Request, env: NotificationEnv): Response {
    return consumerFetch("notification", request, env);
  },

  async queue(batch: MessageBatch<Incoming>, env: NotificationEnv): Promise<void> {
    env = meterBatch(env, "notification", batch);
    if (isDeadLetterQueue(batch.queue)) {
      // Given up on (or poisoned): kept for an operator, and its unsent deliveries marked failed.
      const db = drizzle(env.NOTIFICATIONS_DB);
      return keepEachLetter(batch, async (message) => {
        const body: Partial<Incoming> = message.body ?? {};
        const eventId = body.event?.id ?? message.id;
        const subjectId = subjectIdOf(body as Incoming);
        const reason = body.deadLetterReason ?? "retries exhausted";
        // One transaction, the deliveries marked failed before the letter is there: a replay that
        // finds the letter finds its deliveries failed already (a later letter of the same event may
        // still fail them again under a replay; that letter then shows it). A copy of a letter kept
        // already (its ack lost) marks nothing: an operator may have replayed it since, and its
        // deliveries, `retrying` again, would be failed with no letter left open to show it.
        const kept = db.select({ id: notificationDeadLetters.id }).from(notificationDeadLetters).where(eq(notificationDeadLetters.id, message.id));
        await db.batch([
          db
            .update(notificationDeliveries)
            .set({ status: "failed", updatedAt: new Date() })
            .where(
              and(
                eq(notificationDeliveries.rideId, subjectId),
                eq(notificationDeliveries.eventId, eventId),
                ne(notificationDeliveries.status, "sent"),
                notExists(kept),
              ),
            ),
          db
            .insert(notificationDeadLetters)
            .values({ id: message.id, eventId, rideId: subjectId, body: JSON.stringify(message.body), reason, receivedAt: new Date().toISOString() })
            .onConflictDoNothing(),
        ]);
        console.error(JSON.stringify({ msg: "notification dead-lettered", eventId, rideId: subjectId, reason }));
      });
    }
    const deps = await notifyDeps(env);
    let summaries: NotifySummary[] | null = null;
    let failure = "";
    try {
      summaries = await handleNotifications(
        batch.messages.map((m) => m.body),
        deps,
      );
    } catch (error) {
      failure = String(error); // the delivery log failed: every message is retried
    }
    // The delivered ones on one line for the run (each line is a log event to carry and store); a retry gets its own warning.
    const delivered = new RunLog<Record<string, unknown>>("notifications");
    for (const [i, message] of batch.messages.entries()) {
      // A body this worker cannot read (no event: a newer kind, or none at all) is retried alone, to its dead letters.
      const event: Partial<IncomingNotification["event"]> = message.body?.event ?? {};
      const rideId = message.body ? subjectIdOf(message.body) : "";
      const summary = summaries?.[i];
      if (summary && summary.retrying === 0) {
        delivered.add({ event: event.type, rideId, ...summary, correlationId: event.correlationId });
        message.ack();
        continue;
      }
      const delaySeconds = retryDelaySeconds(message.attempts);
      const { lastError, ...counts } = summary ?? { lastError: failure };
      console.warn(
        JSON.stringify({
          msg: "notification will retry",
          event: event.type,
          rideId,
          attempts: message.attempts,
          delaySeconds,
          ...counts,
          error: lastError ?? failure,
          correlationId: event.correlationId,
        }),
      );
      message.retry({ delaySeconds });
    }
    delivered.flush();
    // Development: the gateway cannot ask this worker, so its counters go to the log after each run.
    logMetrics("notification");
  },
} satisfies ExportedHandler<NotificationEnv, Incoming>;
