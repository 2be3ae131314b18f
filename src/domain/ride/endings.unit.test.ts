/**
 * Every ride ends: no-shows, a hold declined after drop-off, refunds of a fare and of a
 * no-show fee (split from ride-machine.unit.test.ts, which keeps the state × command matrix).
 */
import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { COMMANDS, FARE, NOW, record } from "./fixtures";
import { declinedLeft } from "./rule-kit";
import type { RideCommand, RideRecord } from "./types";

describe("ride state machine: every ride ends", () => {
  it("a no-show before the wait is over is refused, saying how long is left; after it, allowed", () => {
    const arrived = record("driver_arrived", "authorized", { driver: true });
    const justArrived = { ...arrived, arrivedAt: new Date(NOW.getTime() - 60_000).toISOString() };
    const early = decide(justArrived, COMMANDS.noShow, NOW);
    expect(early).toMatchObject({ kind: "refused", code: "invalid_transition" });
    expect(early.kind === "refused" && early.detail).toContain("240 s");
    expect(decide(arrived, COMMANDS.noShow, NOW).kind).toBe("applied");
    expect(decide(arrived, { ...COMMANDS.noShow, driverId: "d2" } as RideCommand, NOW)).toMatchObject({ kind: "refused", code: "forbidden" });
  });

  it("arriving records when, so the wait counts from the arrival", () => {
    const d = decide(record("driver_assigned", "authorized", { driver: true }), COMMANDS.arrive, NOW);
    expect(d.kind === "applied" && d.record.arrivedAt).toBe(NOW.toISOString());
  });

  it("a hold declined after drop-off ends the ride unpaid, its fare the rider's dues", () => {
    const pending = record("payment_pending", "pending", { driver: true });
    const d = decide(pending, COMMANDS.paymentDeclined, NOW);
    expect(d.kind).toBe("applied");
    if (d.kind !== "applied") return;
    expect(d.record.ride).toMatchObject({ status: "completed", payment: { status: "failed" } });
    expect(d.events.map((e) => e.type)).toEqual(["PaymentDeclined", "PaymentFailed", "DuesIncurred", "RideCompleted"]);
    expect(d.effects).toEqual([{ type: "addDues", riderId: "r1", rideId: "rd_test", amount: FARE }]);
  });

  it("refunds: the same request twice does nothing twice; more than was captured is refused; nothing captured, nothing to refund", () => {
    const completed = record("completed", "captured", { driver: true });
    const part = { type: "refund", key: "a", amount: { amount: 4000, currency: "KRW" }, reason: "late" } as const;
    const once = decide(completed, part, NOW);
    expect(once.kind).toBe("applied");
    if (once.kind !== "applied") return;
    expect(decide(once.record, part, NOW).kind).toBe("unchanged");
    const over = decide(once.record, { ...part, key: "b", amount: { amount: 6000, currency: "KRW" } }, NOW);
    expect(over).toMatchObject({ kind: "refused", code: "invalid_transition" });
    expect(over.kind === "refused" && over.detail).toContain("5900");
    expect(decide(record("completed", "failed", { driver: true }), part, NOW)).toMatchObject({ kind: "refused", code: "invalid_transition" });
    expect(decide(once.record, { type: "paymentRefunded", key: "zz", adjustment: null }, NOW)).toMatchObject({ kind: "refused", code: "not_found" });
  });

  it("refunds: a declined refund's repeat is refused with a way out, not answered as done; a new key asks again", () => {
    const completed = record("completed", "captured", { driver: true });
    const whole = { type: "refund", key: "a", amount: null, reason: "refund by operator" } as const;
    const asked = decide(completed, whole, NOW);
    if (asked.kind !== "applied") throw new Error("refund refused");
    const declined = decide(asked.record, { type: "paymentRefundDeclined", key: "a", detail: "card closed" }, NOW);
    if (declined.kind !== "applied") throw new Error("decline not taken");
    const again = decide(declined.record, whole, NOW);
    expect(again).toMatchObject({ kind: "refused", code: "invalid_transition" });
    expect(again.kind === "refused" && again.detail).toContain("new Idempotency-Key");
    // Another body under the declined key is still a conflict; a new key is a new refund of the whole fare.
    expect(decide(declined.record, { ...whole, reason: "other" }, NOW)).toMatchObject({ kind: "refused", code: "idempotency_conflict" });
    const anew = decide(declined.record, { ...whole, key: "b" }, NOW);
    expect(anew.kind === "applied" && anew.events.map((e) => e.type)).toEqual(["RefundRequested"]);
    expect(anew.kind === "applied" && anew.record.refunds?.find((r) => r.key === "b")?.amount.amount).toBe(FARE.amount);
  });

  it("refunds: a refund made settles the declines asked before it only once it gives them back; its event says what is left", () => {
    let r = record("completed", "captured", { driver: true });
    const run = (command: RideCommand) => {
      const d = decide(r, command, NOW);
      if (d.kind !== "applied") throw new Error(`${command.type} ${d.kind}`);
      r = d.record;
      return d.events.map((e) => [e.type, e.data.declinedLeft]);
    };
    const refunded = (key: string): RideCommand => ({ type: "paymentRefunded", key, adjustment: null });
    // 2,000 asked before the decline and made after it does not settle the decline.
    run({ type: "refund", key: "early", amount: { amount: 2000, currency: "KRW" }, reason: "detour" });
    run({ type: "refund", key: "a", amount: { amount: 6000, currency: "KRW" }, reason: "overcharged" });
    run({ type: "paymentRefundDeclined", key: "a", detail: "card closed" });
    expect(run(refunded("early"))).toEqual([["PaymentRefunded", { amount: 6000, currency: "KRW" }]]);
    // A smaller refund after it leaves the rest open; the rest settles it.
    run({ type: "refund", key: "b", amount: { amount: 4000, currency: "KRW" }, reason: "overcharged" });
    expect(run(refunded("b"))).toEqual([["PaymentRefunded", { amount: 2000, currency: "KRW" }]]);
    run({ type: "refund", key: "c", amount: null, reason: "overcharged" });
    expect(run(refunded("c"))).toEqual([["PaymentRefunded", undefined]]);
  });

  it("refunds: a retry declined again counts once; a refund asked before the decline, or one still on its way, settles nothing", () => {
    const run = (from: RideCommand[]) => {
      let r = record("completed", "captured", { driver: true });
      for (const command of from) {
        const d = decide(r, command, NOW);
        if (d.kind !== "applied") throw new Error(`${command.type} ${d.kind}`);
        r = d.record;
      }
      return declinedLeft(r);
    };
    const ask = (key: string, amount: number): RideCommand => ({ type: "refund", key, amount: { amount, currency: "KRW" }, reason: key });
    const made = (key: string): RideCommand => ({ type: "paymentRefunded", key, adjustment: null });
    const declined = (key: string): RideCommand => ({ type: "paymentRefundDeclined", key, detail: "card closed" });
    // Asked again with a new key, declined again, asked a third time and made: settled.
    expect(run([ask("a", 3000), declined("a"), ask("a2", 3000), declined("a2"), ask("a3", 3000), made("a3")])).toBe(0);
    expect(run([ask("a", 3000), declined("a"), ask("a2", 3000), declined("a2")])).toBe(3000);
    // The operators read in the timeline what a refund asked retries.
    const first = decide(record("completed", "captured", { driver: true }), ask("a", 3000), NOW);
    if (first.kind !== "applied") throw new Error(first.kind);
    expect(first.events[0]!.data).not.toHaveProperty("retries");
    const afterDecline = decide(first.record, declined("a"), NOW);
    if (afterDecline.kind !== "applied") throw new Error(afterDecline.kind);
    const again = decide(afterDecline.record, ask("a2", 5000), NOW);
    expect(again.kind === "applied" && again.events[0]!.data.retries).toEqual({ amount: 3000, currency: "KRW" });
    // Two refunds asked, the first declined, the other (asked before the decline: no retry of it) made: still open.
    expect(run([ask("a", 4000), ask("b", 4000), declined("a"), made("b")])).toBe(4000);
    // Its retry still on its way when an earlier refund is made: still open.
    expect(run([ask("early", 2970), ask("a", 6930), declined("a"), ask("b", 6930), made("early")])).toBe(6930);
    // A refund kept before `retries` was (an older object's), made: settles what it can, as before.
    let older = record("completed", "captured", { driver: true });
    older = {
      ...older,
      refunds: [
        { key: "a", amount: { amount: 3000, currency: "KRW" }, reason: "x", status: "declined" },
        { key: "b", amount: { amount: 3000, currency: "KRW" }, reason: "y", status: "succeeded" },
      ],
    };
    expect(declinedLeft(older)).toBe(0);
    // An older refund made before any decline does not hide the declines after it.
    const made3000 = { key: "old", amount: { amount: 3000, currency: "KRW" as const }, reason: "x", status: "succeeded" as const };
    let after: RideRecord = { ...record("completed", "captured", { driver: true }), refunds: [made3000] };
    for (const command of [ask("b", 3000), declined("b"), ask("c", 1000), made("c")]) {
      const d = decide(after, command, NOW);
      if (d.kind !== "applied") throw new Error(d.kind);
      after = d.record;
    }
    expect(declinedLeft(after)).toBe(2000);
  });

  it("a captured no-show fee can be refunded, no more than the fee; a cancel that captured nothing cannot", () => {
    const arrived = record("driver_arrived", "authorized", { driver: true });
    const fee = { amount: 3000, currency: "KRW" } as const;
    const noShow = decide(arrived, { type: "noShow", by: "driver", driverId: "d1", waitS: 0, fee }, NOW);
    if (noShow.kind !== "applied") throw new Error("no-show refused");
    const charged = decide(noShow.record, { type: "paymentCaptured", settlement: null }, NOW);
    if (charged.kind !== "applied") throw new Error("capture refused");
    const refund = { type: "refund", key: "fee", amount: null, reason: "the rider was there" } as const;
    expect(decide(charged.record, { ...refund, amount: { amount: 3001, currency: "KRW" } }, NOW)).toMatchObject({
      kind: "refused",
      code: "invalid_transition",
    });
    const asked = decide(charged.record, refund, NOW);
    if (asked.kind !== "applied") throw new Error("refund refused");
    expect(asked.events.map((e) => e.data)).toEqual([{ key: "fee", amount: fee, reason: "the rider was there" }]);
    const refunded = decide(asked.record, { type: "paymentRefunded", key: "fee", adjustment: null }, NOW);
    expect(refunded.kind === "applied" && refunded.record.ride).toMatchObject({ status: "cancelled", payment: { status: "refunded", refundedAmount: fee } });
    // A plain cancel voids the hold: there is nothing to give back.
    const voided = decide(record("cancelled", "authorized"), { type: "paymentVoided" }, NOW);
    expect(voided.kind === "applied" && decide(voided.record, refund, NOW)).toMatchObject({ kind: "refused", code: "invalid_transition" });
  });
});
