/** Test fixtures of the notification worker: a rental's key-issued message, the smallest a run delivers. */
import type { DomainEvent, RentalNotificationMessage } from "../../src/domain/events";
import type { Rental } from "../../src/domain/rental/types";

/**
 * The message telling rental `id`'s rider their key came, in `locale` (any string: a test of a
 * message the worker cannot render passes one it has no text for).
 *
 * @example
 * keyIssued("a"); // { kind: "rental.notification", event: { id: "ev_a", type: "RentalKeyIssued", … }, rental: { id: "a", … } }
 */
export const keyIssued = (id: string, locale = "en"): RentalNotificationMessage =>
  ({
    kind: "rental.notification",
    event: {
      id: `ev_${id}`,
      type: "RentalKeyIssued",
      version: 3,
      // Issued just now, as a key is when its notice goes out (an older one is checked against the rental's ending, a log read).
      occurredAt: new Date().toISOString(),
      correlationId: "c",
      causationId: null,
      data: {},
    } as DomainEvent,
    rental: { id, riderId: `r_${id}`, hours: 2, price: { amount: 4000, currency: "KRW" }, unlockKey: null } as Rental,
    locale,
  }) as RentalNotificationMessage;
