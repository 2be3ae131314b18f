/**
 * One rider-facing event: render ko and en texts, deliver over each configured
 * channel at most once per (event, channel, recipient), log every attempt.
 */
import type { NotificationMessage } from "../../src/domain/events";
import type { DeliveryLog } from "./delivery-log";
import { render } from "./templates";
import type { WebhookPayload } from "./webhook";

export interface NotifyDeps {
  log: DeliveryLog;
  /** The webhook sender, or null when NOTIFY_WEBHOOK_URL is unset. */
  webhook: ((payload: WebhookPayload) => Promise<void>) | null;
  maxAttempts: number;
}

/** Throws when a delivery failed and should be retried. Returns what happened. */
export async function handleNotification(message: NotificationMessage, deps: NotifyDeps, attempt: number): Promise<"sent" | "duplicate" | "skipped" | "failed"> {
  const { event, ride, locale } = message;
  const text = render(ride, event, locale);
  if (!text || !deps.webhook) return "skipped";
  const key = { eventId: event.id, channel: "webhook", recipient: ride.riderId };
  const row = await deps.log.claim({ ...key, id: `nt_${event.id}_webhook`, rideId: ride.id, event: event.type, locale, correlationId: event.correlationId });
  if (row.status === "sent") return "duplicate";
  if (row.status === "failed") return "failed";
  const payload: WebhookPayload = {
    id: row.id, event: event.type, rideId: ride.id, recipient: ride.riderId, locale, text,
    texts: { ko: render(ride, event, "ko") ?? text, en: render(ride, event, "en") ?? text }, ride,
  };
  try {
    await deps.webhook(payload);
  } catch (error) {
    const final = attempt >= deps.maxAttempts;
    await deps.log.markFailedAttempt(key, String(error), final);
    if (final) return "failed";
    throw error;
  }
  await deps.log.markSent(key);
  return "sent";
}
