import { describe, expect, it } from "vitest";
import type { DomainEvent, RentalNotificationMessage } from "../../src/domain/events";
import type { Rental } from "../../src/domain/rental/types";
import type { Channel, Delivery } from "./channels";
import type { DeliveryLog } from "./delivery-log";
import { handleNotifications } from "./handler";
import { RENTAL_TEMPLATES } from "./rental-templates";

const rental = { id: "rn_1", riderId: "r1", hours: 2, price: { amount: 4000, currency: "KRW" }, unlockKey: null, payment: { status: "captured" } } as Rental;
const event = (type: string): DomainEvent => ({
  id: `ev_${type}`,
  type,
  version: 3,
  occurredAt: new Date().toISOString(),
  correlationId: "c",
  causationId: null,
  data: {},
});

function deps(sent: Delivery[]) {
  // Nothing stored yet: every delivery is new.
  const log = { lookUp: async () => new Map(), recordAll: async () => undefined } as unknown as DeliveryLog;
  const channel: Channel = { name: "webhook", accepts: async () => true, send: async (d) => void sent.push(d) };
  return { log, channels: [channel], maxAttempts: 3, render: { receiptUrl: (id: string) => id }, deadLetter: async () => undefined };
}

describe("rental notifications", () => {
  it("every rental event its rider hears of has a Korean and an English text", () => {
    for (const [type, texts] of Object.entries(RENTAL_TEMPLATES)) {
      expect(texts.ko(rental, event(type)).length, type).toBeGreaterThan(5);
      expect(texts.en(rental, event(type)).length, type).toBeGreaterThan(5);
    }
  });

  it("the key's arrival goes to the rental's rider alone, in their language, without the key", async () => {
    const sent: Delivery[] = [];
    const message: RentalNotificationMessage = { kind: "rental.notification", event: event("RentalKeyIssued"), rental: { ...rental }, locale: "en" };
    expect((await handleNotifications([message], deps(sent)))[0]).toMatchObject({ sent: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ rideId: "rn_1", recipient: "r1", audience: "rider", locale: "en", event: "RentalKeyIssued" });
    expect(sent[0]!.text).toMatch(/unlock key is ready/);
  });

  it("an event riders are not told of sends nothing", async () => {
    const sent: Delivery[] = [];
    await handleNotifications([{ kind: "rental.notification", event: event("VehicleUnlocked"), rental, locale: "ko" }], deps(sent));
    expect(sent).toEqual([]);
  });

  it("a rental declined for a payment that never came in time says so, not that the card was declined", () => {
    const timeout = { ...event("RentalDeclined"), data: { reason: "payment_timeout" } };
    const declined = RENTAL_TEMPLATES.RentalDeclined!;
    expect(declined.en(rental, timeout)).toContain("in time");
    expect(declined.en(rental, event("RentalDeclined"))).toContain("declined");
    expect(declined.ko(rental, timeout)).not.toBe(declined.ko(rental, event("RentalDeclined")));
  });

  it("a rental cancelled after it was charged is refunded; one cancelled before its hold was placed was never charged", () => {
    const cancelled = RENTAL_TEMPLATES.RentalCancelled!;
    expect(cancelled.en(rental, event("RentalCancelled"))).toContain("refunded");
    const pending = { ...rental, payment: { status: "pending" as const } };
    expect(cancelled.en(pending, event("RentalCancelled"))).toContain("Nothing is charged");
    expect(cancelled.en(pending, event("RentalCancelled"))).not.toContain("refunded");
    expect(cancelled.ko(pending, event("RentalCancelled"))).not.toBe(cancelled.ko(rental, event("RentalCancelled")));
  });

  it("one cancelled once authorised (its capture may be on its way) is not told nothing is charged: a charge made meanwhile is refunded", () => {
    const cancelled = RENTAL_TEMPLATES.RentalCancelled!;
    const authorized = { ...rental, payment: { status: "authorized" as const } };
    expect(cancelled.en(authorized, event("RentalCancelled"))).not.toContain("Nothing is charged");
    expect(cancelled.en(authorized, event("RentalCancelled"))).toContain("refunded");
    expect(cancelled.ko(authorized, event("RentalCancelled"))).toContain("환불");
    const timeout = { ...event("RentalDeclined"), data: { reason: "payment_timeout" } };
    expect(RENTAL_TEMPLATES.RentalDeclined!.en(authorized, timeout)).not.toContain("Nothing is charged");
  });
});
