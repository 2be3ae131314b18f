/**
 * Who is told of a payment that failed (the ride's plan): a no-show fee dropped, its capture
 * refused or its hold declined, is told to the rider, who was told it would be charged; a capture
 * refused after drop-off is told with the ride's completion instead.
 */
import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { COMMANDS, NOW, planStep, record } from "./fixtures";

const T = NOW.getTime();

const step = planStep;

describe("ride plan: who is told of a payment that failed", () => {
  it("a no-show fee the provider refused is told (the rider was told it would be charged); a capture refused after drop-off is not", () => {
    const arrived = { ...record("driver_arrived", "authorized", { driver: true }), arrivedAt: new Date(T - 600_000).toISOString() };
    const noShow = step(arrived, { type: "noShow", by: "driver", driverId: "d1", waitS: 300, fee: { amount: 3000, currency: "KRW" } });
    const dropped = step(noShow.after, COMMANDS.paymentCaptureFailed);
    expect(dropped.p.events.map((e) => [e.type, e.data])).toEqual([["PaymentFailed", { reason: "card_declined", fee: "dropped" }]]);
    expect(dropped.p.messages.map((m) => m.queue)).toContain("notifications");
    const unpaid = step(record("payment_pending", "authorized", { driver: true }), COMMANDS.paymentCaptureFailed);
    expect(unpaid.p.events.map((e) => e.type)).toEqual(["PaymentFailed"]);
    expect(unpaid.p.messages.map((m) => m.queue)).not.toContain("notifications");
  });

  it("a no-show reported before the hold's answer, whose hold is then declined: the fee is dropped, the ride's fare with it, and the rider told", () => {
    const arrived = { ...record("driver_arrived", "pending", { driver: true }), arrivedAt: new Date(T - 600_000).toISOString() };
    const noShow = step(arrived, { type: "noShow", by: "driver", driverId: "d1", waitS: 300, fee: { amount: 3000, currency: "KRW" } });
    expect(noShow.after.ride.fare).toEqual({ amount: 3000, currency: "KRW" });
    const declined = step(noShow.after, COMMANDS.paymentDeclined);
    expect(declined.p.events.map((e) => [e.type, e.data])).toEqual([
      ["PaymentDeclined", {}],
      ["PaymentFailed", { reason: "hold declined", fee: "dropped" }],
    ]);
    expect(declined.after.ride).toMatchObject({ status: "cancelled", fare: null, payment: { status: "declined" } });
    expect(declined.after.noShowFee).toBeUndefined();
    expect(declined.p.messages.map((m) => m.queue)).toEqual(["ride-events", "notifications"]);
    expect(decide(declined.after, COMMANDS.paymentDeclined, NOW).kind, "the decline again changes nothing").toBe("unchanged");
    // A cancellation with no fee whose hold is declined: nothing to tell.
    const plain = step(record("cancelled", "pending"), COMMANDS.paymentDeclined);
    expect(plain.p.events.map((e) => e.type)).toEqual(["PaymentDeclined"]);
    expect(plain.p.messages.map((m) => m.queue)).not.toContain("notifications");
  });
});
