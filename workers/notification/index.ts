/** Notification worker entry: consumes ride-notifications. */
import type { NotificationMessage } from "../../src/domain/events";
import { retryDelaySeconds } from "../../src/lib/backoff";
import { DeliveryLog } from "./delivery-log";
import { handleNotification } from "./handler";
import { postWebhook } from "./webhook";

export default {
  async fetch(): Promise<Response> {
    return new Response("notification worker: queue consumer only", { status: 404 });
  },

  async queue(batch: MessageBatch<NotificationMessage>, env: NotificationEnv): Promise<void> {
    const log = new DeliveryLog(env.VIEWS_DB);
    const url = env.NOTIFY_WEBHOOK_URL;
    const secret = env.NOTIFY_WEBHOOK_SECRET;
    const maxAttempts = Number(env.NOTIFY_MAX_ATTEMPTS) || 5;
    const webhook = url ? (payload: Parameters<typeof postWebhook>[2]) => postWebhook(url, secret, payload) : null;
    for (const message of batch.messages) {
      try {
        const outcome = await handleNotification(message.body, { log, webhook, maxAttempts }, message.attempts);
        console.log(JSON.stringify({ msg: "notification", event: message.body.event.type, rideId: message.body.ride.id, outcome, correlationId: message.body.event.correlationId }));
        message.ack();
      } catch (error) {
        const delaySeconds = retryDelaySeconds(message.attempts);
        console.warn(JSON.stringify({ msg: "notification will retry", rideId: message.body.ride.id, attempts: message.attempts, delaySeconds, error: String(error) }));
        message.retry({ delaySeconds });
      }
    }
  },
} satisfies ExportedHandler<NotificationEnv, NotificationMessage>;
