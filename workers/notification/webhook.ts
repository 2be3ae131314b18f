/**
 * The signed webhook channel of the contract: a JSON POST to NOTIFY_WEBHOOK_URL,
 * signed `x-signature: sha256=<hex HMAC-SHA256 of the raw body>`.
 */
import { hmacSha256Hex } from "../../src/lib/ids";

export interface WebhookPayload {
  id: string;
  event: string;
  rideId: string;
  recipient: string;
  locale: string;
  text: string;
  texts: { ko: string; en: string };
  ride: unknown;
}

/**
 * Posts the payload; throws on a network error or a non-2xx answer.
 *
 * @example
 * await postWebhook(url, secret, payload);
 */
export async function postWebhook(url: string, secret: string | undefined, payload: WebhookPayload, timeoutMs = 10_000): Promise<void> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json", "x-notification-id": payload.id };
  if (secret) headers["x-signature"] = `sha256=${await hmacSha256Hex(secret, body)}`;
  const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
}
