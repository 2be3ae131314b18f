/**
 * The signed webhook channel of the contract: a JSON POST to NOTIFY_WEBHOOK_URL,
 * signed `x-signature: sha256=<hex HMAC-SHA256 of the raw body>`.
 *
 * The contract's signature covers the body only, so a signed POST captured on its way (a
 * proxy's log, a receiver's) can be sent to the receiver again and passes. Each POST also
 * carries the time it was sent, signed with its body (`x-webhook-timestamp` and
 * `x-webhook-signature: t=<unix s>,sha256=<hex HMAC-SHA256 of "<t>.<body>">`): a receiver that
 * checks that one and refuses a time more than a few minutes old cannot be replayed to. A retry is
 * signed afresh; `x-notification-id` stays the same, for the receiver to dedupe on.
 */
import { hmacSha256Hex } from "../../src/lib/ids";
import type { Channel, Delivery } from "./channels";

/**
 * The headers that sign `body`, sent at `nowMs`: the contract's `x-signature`, and the one
 * with the time in it.
 *
 * @example
 * await signatureHeaders(secret, body, Date.now()); // { "x-signature": "sha256=…", "x-webhook-timestamp": "1764979200", "x-webhook-signature": "t=1764979200,sha256=…" }
 */
export async function signatureHeaders(secret: string, body: string, nowMs: number): Promise<Record<string, string>> {
  const t = String(Math.floor(nowMs / 1000));
  return {
    "x-signature": `sha256=${await hmacSha256Hex(secret, body)}`,
    "x-webhook-timestamp": t,
    "x-webhook-signature": `t=${t},sha256=${await hmacSha256Hex(secret, `${t}.${body}`)}`,
  };
}

/**
 * Posts one delivery; throws on a network error or a non-2xx answer.
 *
 * @example
 * await postWebhook(url, secret, delivery);
 */
export async function postWebhook(url: string, secret: string | undefined, d: Delivery, timeoutMs = 10_000, nowMs = Date.now()): Promise<void> {
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
  if (secret) Object.assign(headers, await signatureHeaders(secret, body, nowMs));
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
