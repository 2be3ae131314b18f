/** A parcel's cancellation in its sender's and courier's words, never a passenger's; a taxi's keep theirs. */
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../src/domain/events";
import { record } from "../../src/domain/ride/fixtures";
import type { Ride } from "../../src/domain/types";
import { driverCancelWhy, parcelReason } from "./cancel-words";
import { render, type Audience } from "./templates";

const taxi = record("cancelled", "voided", { driver: true }).ride;
const parcel: Ride = { ...taxi, product: "parcel_small", parcel: { weightKg: 4.5, recipient: { name: "Park" }, note: null } };
const cancelled = (ride: Ride, by: "rider" | "system" | "driver" | "ops", reason: string): Ride => ({
  ...ride,
  status: "cancelled",
  cancellation: { by, reason },
});
const event: DomainEvent = {
  id: "ev1",
  type: "RideCancelled",
  rideId: taxi.id,
  version: 9,
  occurredAt: taxi.updatedAt,
  correlationId: "c",
  causationId: null,
  data: {},
};
const text = (audience: Audience, ride: Ride, locale: "ko" | "en") => render(ride, event, audience, locale, { receiptUrl: (id) => id });

describe("a parcel's cancellation", () => {
  it("speaks of no passenger or rider: the sender's own without a reason, a no-show, the system's told to the courier", () => {
    const told = (["ko", "en"] as const).flatMap((locale) => [
      text("rider", cancelled(parcel, "rider", "rider_cancelled"), locale),
      text("rider", cancelled(parcel, "driver", "rider_no_show"), locale),
      text("driver", cancelled(parcel, "system", "rider_no_show"), locale),
      text("driver", cancelled(parcel, "system", "payment_declined"), locale),
      text("driver", cancelled(parcel, "system", "stale"), locale),
      text("driver", cancelled(parcel, "ops", "fraud"), locale),
    ]);
    for (const t of told) {
      expect(t).toBeTruthy();
      expect(t, t ?? "").not.toMatch(/승객|rider|passenger/i);
    }
    expect(parcelReason(cancelled(parcel, "rider", "rider_cancelled"), "ko")).toBe("보내는 분의 요청으로 취소되었습니다.");
    expect(driverCancelWhy(cancelled(parcel, "system", "rider_no_show"), "ko")).toBe("물품을 전달받지 못해 배송이 취소되었습니다");
    expect(driverCancelWhy(cancelled(parcel, "system", "payment_declined"), "en")).toBe("The delivery was cancelled: the sender's payment was declined");
  });

  it("a taxi's keep the ride's words", () => {
    expect(driverCancelWhy(cancelled(taxi, "system", "rider_no_show"), "en")).toBe("The ride was cancelled: the rider did not show up");
    expect(driverCancelWhy(cancelled(taxi, "system", "payment_declined"), "ko")).toBe("승객의 결제가 승인되지 않아 호출이 취소되었습니다");
    expect(driverCancelWhy(cancelled(taxi, "ops", "fraud"), "en")).toBe("An operator cancelled the ride");
    expect(parcelReason(cancelled(taxi, "rider", "payment_declined"), "en")).toBe("Your payment method was declined.");
  });
});
