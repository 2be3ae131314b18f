/** The rental's refunds: a late capture's, and one the provider declined, sent again by an operator. */
import { describe, expect, it } from "vitest";
import { PAYMENT_DEADLINE_MS, decideRental, outstandingStep, planRental, refundKey, retryPlan } from "./machine";
import { NOW, created, ctx, inState, krw, step } from "../../../test/support/rental-fixtures";

describe("rental machine: refunds", () => {
  it("a capture answered after the deadline declined the rental is refunded at once, under its own key, and the rider told", () => {
    // Authorised, the capture sent, then overdue: declined with the hold to void.
    const authorized = step(created(), { type: "authorized" });
    const declined = step(authorized, { type: "paymentOverdue" }, new Date(NOW.getTime() + PAYMENT_DEADLINE_MS));
    expect(outstandingStep(declined)).toBe("void");
    // The capture had gone through: no void (the hold is spent), a refund of the price instead.
    const d = decideRental(declined, { type: "capturedLate" }, new Date(NOW.getTime() + PAYMENT_DEADLINE_MS + 1000));
    if (d.kind !== "applied") throw new Error(`not applied: ${d.kind}`);
    expect(d.record.rental).toMatchObject({ status: "declined", payment: { status: "captured" } });
    expect(d.record).toMatchObject({ hold: false, refund: "pending" });
    expect(d.effects).toEqual([]);
    expect(outstandingStep(d.record)).toBe("refund");
    const plan = planRental(declined, d.record, d.events, ctx);
    expect(plan.messages.find((m) => m.queue === "payments")?.body).toMatchObject({
      action: "refund",
      idempotencyKey: "rn_1:refund:late-capture",
      amount: krw(4000),
    });
    expect(plan.timers).toContainEqual({ name: "payment", at: NOW.getTime() + 120_000, ifUnset: false });
    // The same late capture again changes nothing; the refund's answer ends it, and the rider hears of it.
    expect(decideRental(d.record, { type: "capturedLate" }, NOW).kind).toBe("unchanged");
    const refunded = step(d.record, { type: "refundSettled", outcome: "succeeded", amount: krw(4000), detail: null, key: "rn_1:refund:late-capture" });
    expect(refunded.rental).toMatchObject({ status: "declined", payment: { status: "refunded", refundedAmount: krw(4000) } });
    expect(outstandingStep(refunded)).toBeNull();
    const told = planRental(d.record, refunded, [{ type: "PaymentRefunded", data: {} }], ctx);
    expect(told.messages.map((m) => m.queue)).toContain("notifications");
    expect(told.timers).toContainEqual({ name: "payment", at: null, ifUnset: false });
  });

  it("a refund the provider declined is sent again by an operator, each attempt under its own key, and an old answer is not the new one's", () => {
    const declinedBy = (key: string) => ({ type: "refundSettled", outcome: "declined", amount: krw(4000), detail: "refund_declined", key }) as const;
    const cancelled = inState("cancelled");
    const declined = step(cancelled, declinedBy("rn_1:refund:cancel"));
    expect(declined).toMatchObject({ refund: "declined", rental: { payment: { status: "captured" } } });
    expect(outstandingStep(declined)).toBeNull();
    // The operator's retry: a new attempt, its own key, the payment step and its watchdog again.
    const d = decideRental(declined, { type: "retryRefund" }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.events).toEqual([{ type: "RefundRetried", data: { attempt: 2 } }]);
    expect(d.record).toMatchObject({ refund: "pending", refundAttempt: 2 });
    expect(refundKey(d.record)).toBe("rn_1:refund:cancel:2");
    const plan = planRental(declined, d.record, d.events, ctx);
    expect(plan.messages.filter((m) => m.queue === "payments").map((m) => m.body)).toMatchObject([
      { action: "refund", idempotencyKey: "rn_1:refund:cancel:2" },
    ]);
    expect(plan.timers).toContainEqual({ name: "payment", at: NOW.getTime() + 120_000, ifUnset: false });
    expect(retryPlan(d.record, "payment", NOW, 120)?.messages.map((m) => m.body)).toMatchObject([{ idempotencyKey: "rn_1:refund:cancel:2" }]);
    // Asked again while it is out: nothing more is sent.
    expect(decideRental(d.record, { type: "retryRefund" }, NOW).kind).toBe("unchanged");
    // The first attempt's decline delivered again is not the second attempt's answer.
    expect(decideRental(d.record, declinedBy("rn_1:refund:cancel"), NOW).kind).toBe("unchanged");
    const again = step(d.record, declinedBy("rn_1:refund:cancel:2"));
    const third = step(again, { type: "retryRefund" });
    expect(refundKey(third)).toBe("rn_1:refund:cancel:3");
    const refunded = step(third, { type: "refundSettled", outcome: "succeeded", amount: krw(4000), detail: null, key: "rn_1:refund:cancel:3" });
    expect(refunded).toMatchObject({ refund: "succeeded", rental: { payment: { status: "refunded", refundedAmount: krw(4000) } } });
    expect(decideRental(refunded, { type: "retryRefund" }, NOW)).toMatchObject({
      kind: "refused",
      code: "invalid_transition",
      detail: "the rental was refunded already",
    });
    // A rental that was never charged, or declined without a capture, has nothing to retry.
    expect(decideRental(inState("declined"), { type: "retryRefund" }, NOW)).toMatchObject({ kind: "refused", detail: "the rental has no refund to retry" });
  });
});
