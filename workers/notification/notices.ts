/**
 * Who is told what of a message on the notifications queue: the notices of a ride's event, a
 * rental's, a decision about a driver and a driver's payout, each rendered in both languages,
 * and what each is filed under. Pure: the handler (handler.ts) delivers them.
 */
import {
  isNotified,
  type DriverNotificationMessage,
  type NotificationMessage,
  type PayoutNotificationMessage,
  type RentalNotificationMessage,
} from "../../src/domain/events";
import { NOTIFIED_RENTAL_EVENTS } from "../../src/domain/rental/notified";
import { driverView } from "../../src/domain/ride/audience";
import type { Delivery } from "./channels";
import { ACCOUNT_TEMPLATES, PAYOUT_TEMPLATES } from "./account-templates";
import { renderRental, RENTAL_TEMPLATE_CODES } from "./rental-templates";
import { recipientsOf, render, templateCode, type RenderContext } from "./templates";

/** What the notifications queue carries: a ride's event, a rental's, a decision about a driver, or a driver's payout. */
export type IncomingNotification = NotificationMessage | DriverNotificationMessage | RentalNotificationMessage | PayoutNotificationMessage;
/** One person's notice of a message, before it is given a channel. */
export type Notice = Omit<Delivery, "id">;

/** The message kinds this worker knows; a newer sender's other kinds wait for a newer worker. */
export const KNOWN_KINDS: ReadonlySet<string> = new Set<IncomingNotification["kind"]>([
  "ride.notification",
  "driver.notification",
  "rental.notification",
  "payout.notification",
]);

/**
 * Whether this worker knows the event a message of a known kind tells. A newer producer's new
 * type (the objects are deployed before this worker) is retried, to its dead letters, until a
 * worker that can tell it takes it: never acked as told to nobody, as a kind it does not know.
 *
 * @example
 * knowsEvent({ kind: "ride.notification", event: { type: "DriverAssigned", … }, … }); // true
 */
export function knowsEvent(message: IncomingNotification): boolean {
  const type = message.event.type;
  switch (message.kind) {
    case "ride.notification":
      return isNotified(message.event);
    case "rental.notification":
      return NOTIFIED_RENTAL_EVENTS.has(type);
    case "driver.notification":
      return Object.hasOwn(ACCOUNT_TEMPLATES, type);
    case "payout.notification":
      return Object.hasOwn(PAYOUT_TEMPLATES, type);
  }
}

/**
 * What a message is about: the ride, rental or payout its deliveries and dead letters are
 * filed under, or "" for a decision about a driver and for a kind this worker does not know
 * (a newer sender's message can still reach the dead-letter queue).
 *
 * @example
 * subjectIdOf({ kind: "payout.notification", event, payout }); // payout.id
 */
export function subjectIdOf(message: IncomingNotification): string {
  switch (message.kind) {
    case "ride.notification":
      return message.ride?.id ?? "";
    case "rental.notification":
      return message.rental?.id ?? "";
    case "payout.notification":
      return message.payout?.id ?? "";
    default:
      return "";
  }
}

/**
 * Who is told what of one message, each in both languages: the rider and driver of a
 * ride's event, the rider of a rental's, the driver an operator decided about, or the
 * driver of a payout (filed under the payout's id).
 *
 * @example
 * noticesOf({ kind: "driver.notification", event, driver }, ctx); // [{ audience: "driver", recipient: driver.id, text: "기사 등록이 승인되었습니다. …", … }]
 */
export function noticesOf(message: IncomingNotification, ctx: RenderContext): Notice[] {
  const { event } = message;
  const common = { eventId: event.id, event: event.type, correlationId: event.correlationId };
  if (message.kind === "driver.notification") {
    const texts = ACCOUNT_TEMPLATES[event.type];
    const ko = texts?.ko(message.driver, event.data);
    const en = texts?.en(message.driver, event.data);
    if (!ko || !en) return [];
    const notice = { ...common, rideId: subjectIdOf(message), audience: "driver" as const, recipient: message.driver.id, locale: "ko" as const, text: ko };
    return [{ ...notice, texts: { ko, en }, templateCode: templateCode(null, "driver", event.type) }];
  }
  if (message.kind === "payout.notification") {
    // The driver's, in Korean with the English beside it (a driver's app is Korean by default);
    // filed under the payout's id where a ride's news is filed under the ride's.
    const { payout } = message;
    const texts = PAYOUT_TEMPLATES[event.type];
    if (!texts) return [];
    const ko = texts.ko(payout);
    const notice = { ...common, rideId: subjectIdOf(message), audience: "driver" as const, recipient: payout.driverId, locale: "ko" as const, text: ko };
    return [{ ...notice, texts: { ko, en: texts.en(payout) }, templateCode: templateCode(null, "driver", event.type) }];
  }
  if (message.kind === "rental.notification") {
    // A rental's news goes to its rider only, in the language their app asked in.
    const { rental, locale } = message;
    const text = renderRental(rental, event, locale);
    if (!text) return [];
    const texts = { ko: renderRental(rental, event, "ko") ?? text, en: renderRental(rental, event, "en") ?? text };
    const code = RENTAL_TEMPLATE_CODES[event.type] ?? "GENERIC_01";
    return [{ ...common, rideId: subjectIdOf(message), audience: "rider", recipient: rental.riderId, locale, text, texts, templateCode: code, ride: rental }];
  }
  const ride = message.ride;
  const notices: Notice[] = [];
  for (const { audience, recipient } of recipientsOf(ride, event)) {
    // A rider's language is the one their app asked in; drivers' apps are Korean by default.
    const locale = audience === "rider" ? message.locale : "ko";
    const text = render(ride, event, audience, locale, ctx);
    if (!text) continue;
    const texts = { ko: render(ride, event, audience, "ko", ctx) ?? text, en: render(ride, event, audience, "en", ctx) ?? text };
    notices.push({
      ...common,
      rideId: subjectIdOf(message),
      audience,
      recipient,
      locale,
      text,
      texts,
      templateCode: templateCode(ride, audience, event.type),
      // A driver's copy of the ride carries no rider's or operator's words (src/domain/ride/audience.ts).
      ride: audience === "driver" ? driverView(ride) : ride,
    });
  }
  return notices;
}
