/** Wires the notification worker's channels and log from its environment. */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { openPhone } from "../../src/lib/contact-crypto";
import { notificationFaults } from "../../src/notifications/schema";
import { contacts } from "../../src/views/schema";
import { withFault, type Channel, type SinkFault } from "./channels";
import { DeliveryLog } from "./delivery-log";
import type { NotifyDeps } from "./handler";
import type { IncomingNotification } from "./notices";
import { alimTalkChannel } from "./kakao";
import { liveChannel } from "./live-channel";
import { webhookChannel } from "./webhook";

/** The fault injected into the sinks (development only; `ok` elsewhere). */
export async function sinkFault(env: NotificationEnv): Promise<SinkFault> {
  if (env.ENVIRONMENT !== "development") return { mode: "ok" };
  const row = (await drizzle(env.NOTIFICATIONS_DB).select().from(notificationFaults).where(eq(notificationFaults.id, 1)).limit(1))[0];
  return row ? (JSON.parse(row.fault) as SinkFault) : { mode: "ok" };
}

/**
 * The recipient's phone, opened from its sealed form; null when none is on file. A number on
 * file that cannot be opened (`CONTACT_KEY` missing, or rotated without sealing the numbers
 * again) silences KakaoTalk for everyone: said once per lookup (a consumer run), never with the number.
 *
 * @example
 * const phoneOf = phoneLookup(env); await phoneOf("r1"); // "+821012345678"
 */
export function phoneLookup(env: Pick<NotificationEnv, "VIEWS_DB" | "CONTACT_KEY">) {
  const cache = new Map<string, string | null>();
  let warned = false;
  return async (userId: string): Promise<string | null> => {
    if (cache.has(userId)) return cache.get(userId)!;
    const row = (await drizzle(env.VIEWS_DB).select().from(contacts).where(eq(contacts.userId, userId)).limit(1))[0];
    const key = env.CONTACT_KEY;
    const phone = row && key ? await openPhone(key, row.phoneSealed).catch(() => null) : null;
    if (row && phone === null && !warned) {
      warned = true;
      console.warn(JSON.stringify({ msg: "contact could not be opened", keySet: Boolean(key) }));
    }
    cache.set(userId, phone);
    return phone;
  };
}

export async function notifyDeps(env: NotificationEnv): Promise<NotifyDeps> {
  const fault = await sinkFault(env);
  const channels: Channel[] = [];
  if (env.NOTIFY_WEBHOOK_URL) channels.push(withFault(webhookChannel(env.NOTIFY_WEBHOOK_URL, env.NOTIFY_WEBHOOK_SECRET), fault));
  if (env.KAKAO_APP_KEY && env.KAKAO_SENDER_KEY && env.KAKAO_SECRET_KEY) {
    channels.push(
      withFault(
        alimTalkChannel({
          baseUrl: env.KAKAO_ALIMTALK_URL,
          appKey: env.KAKAO_APP_KEY,
          secretKey: env.KAKAO_SECRET_KEY,
          senderKey: env.KAKAO_SENDER_KEY,
          phoneOf: phoneLookup(env),
        }),
        fault,
      ),
    );
  }
  channels.push(liveChannel(env));
  const base = env.RECEIPT_URL_BASE || "https://rides.example.com/receipts/";
  return {
    log: new DeliveryLog(env.NOTIFICATIONS_DB),
    channels,
    maxAttempts: Number(env.NOTIFY_MAX_ATTEMPTS) || 10,
    render: { receiptUrl: (rideId) => `${base}${rideId}` },
    deadLetter: async (message: IncomingNotification, reason: string) => {
      await env.NOTIFICATIONS_DLQ.send({ ...message, deadLetterReason: reason }, { contentType: "json" });
    },
  };
}
