/**
 * A no-show's fee the provider refused, dropped: who is told, in which words, under which AlimTalk
 * template. The notice tells the cancellation again, so that it can stand for the cancellation's
 * own notice should that one come after it (moments-order.unit.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../src/domain/events";
import { record } from "../../src/domain/ride/fixtures";
import { recipientsOf, render, templateCode } from "./templates";

const ride = record("driver_arrived", "authorized", { driver: true }).ride;
const event = (type: string, data: Record<string, unknown> = {}): DomainEvent => ({
  id: "ev1",
  type,
  rideId: ride.id,
  version: 9,
  occurredAt: "2026-12-06T10:00:00.000Z",
  correlationId: "c",
  causationId: null,
  data,
});
const ctx = { receiptUrl: (id: string) => `https://rides.example.com/receipts/${id}` };
const noShow = { ...ride, status: "cancelled" as const, cancellation: { by: "driver" as const, reason: "rider_no_show" }, fare: null };
const dropped = event("PaymentFailed", { reason: "card_declined", fee: "dropped" });

describe("a no-show fee dropped", () => {
  it("the rider, told at the cancellation that the fee would be charged, is told it will not be; a capture refused after drop-off tells nobody", () => {
    expect(recipientsOf(noShow, dropped)).toEqual([{ audience: "rider", recipient: ride.riderId }]);
    expect(render(noShow, dropped, "rider", "ko", ctx)).toContain("노쇼 수수료");
    expect(render(noShow, dropped, "rider", "en", ctx)).toMatch(/^[\x20-\x7e]+$/);
    expect(templateCode(noShow, "rider", "PaymentFailed")).toBe("RIDER_NO_SHOW_FEE_DROPPED_01");
    expect(recipientsOf({ ...ride, status: "payment_pending" }, event("PaymentFailed", { reason: "card_declined" }))).toEqual([]);
    // The hold declined after the no-show (src/domain/ride/payment-rules.ts): the same notice, whatever the reason.
    const holdDeclined = event("PaymentFailed", { reason: "hold declined", fee: "dropped" });
    const declinedRide = { ...noShow, payment: { status: "declined" as const } };
    expect(recipientsOf(declinedRide, holdDeclined)).toEqual([{ audience: "rider", recipient: ride.riderId }]);
    expect(render(declinedRide, holdDeclined, "rider", "en", ctx)).toBe(render(noShow, dropped, "rider", "en", ctx));
  });

  it("tells the cancellation again, without the fee the ride still holds as its fare; a parcel's sender in parcel words, under its own template", () => {
    const charged = { ...noShow, fare: { amount: 3000, currency: "KRW" as const } };
    expect(render(charged, event("RideCancelled"), "rider", "en", ctx)).toContain("A no-show fee of KRW 3,000 will be charged.");
    expect(render(charged, dropped, "rider", "en", ctx)).toBe(
      "Your ride was cancelled. Reason: Your driver waited at the pickup but you did not show up. The no-show fee could not be charged and will not be: there is nothing you need to do.",
    );
    expect(render(charged, dropped, "rider", "ko", ctx)).toMatch(/^호출이 취소되었습니다\. .* 노쇼 수수료는 결제되지 않아 청구되지 않습니다/);
    expect(render(charged, dropped, "rider", "ko", ctx)).not.toContain("청구됩니다");
    const parcel = { ...charged, product: "parcel_small" as const };
    expect(render(parcel, dropped, "rider", "en", ctx)).toBe(
      "Your parcel delivery was cancelled. Reason: Your courier waited at the pickup but the parcel was not handed over. The no-show fee could not be charged and will not be: there is nothing you need to do.",
    );
    expect(render(parcel, dropped, "rider", "ko", ctx)).toContain("물품을 전달받지 못했습니다");
    expect(render(parcel, dropped, "rider", "ko", ctx)).not.toContain("승객");
    expect(templateCode(parcel, "rider", "PaymentFailed")).toBe("PARCEL_NO_SHOW_FEE_DROPPED_01");
  });
});
