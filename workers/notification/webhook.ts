/**
 * The signed webhook channel of the contract: a JSON POST to NOTIFY_WEBHOOK_URL,
 * signed `x-signature: sha256=<hex HMAC-SHA256 of the raw body>`.
 */
import { hmacSha256Hex } from "../../src/lib/ids";
import type { Channel, Delivery } from "./channels";

/**
 * Posts one delivery; throws on a network error or a non-2xx answer.
 *
 * @example
 * await postWebhook(url, secret, delivery);
 */
export async function postWebhook(url: string, secret: string | undefined, d: Delivery, timeoutMs = 10_000): Promise<void> {
  const body = JSON.stringify({
    id: d.id,
    event: d.event,
    rideId: d.rideId,
    recipient: d.recipient,
    audience: d.audience,
    locale: d.locale,
    text: d.text,
    texts: d.texts,
    ride: d.ride,
  });
  const headers: Record<string, string> = { "content-type": "application/json", "x-notification-id": d.id, "x-correlation-id": d.correlationId };
  if (secret) headers["x-signature"] = `sha256=${await hmacSha256Hex(secret, body)}`;
  const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
}

export function webhookChannel(url: string, secret: string | undefined): Channel {
  return {
    name: "webhook",
    accepts: async () => true,
    send: (d) => postWebhook(url, secret, d),
  };
}
