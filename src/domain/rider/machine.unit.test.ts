import { describe, expect, it } from "vitest";
import { decideRider, duesPaymentKey, nextDuesCharge, newRider, partlyPaid, planRider, type RiderRecord } from "./machine";

const NOW = new Date("2026-11-30T10:00:00Z");
const krw = (amount: number) => ({ amount, currency: "KRW" as const });

function applied(record: RiderRecord, command: Parameters<typeof decideRider>[1]): RiderRecord {
  const d = decideRider(record, command, NOW);
  if (d.kind !== "applied") throw new Error(d.kind);
  return d.record;
}

describe("rider machine: dues", () => {
  it("an unpaid fare adds to the dues once, however often the ride's commit is retried", () => {
    const once = applied(newRider("r1", NOW), { type: "incurDues", rideId: "rd_1", amount: krw(9800) });
    expect(once.account).toMatchObject({ dues: krw(9800), items: [{ rideId: "rd_1", amount: krw(9800) }], version: 1 });
    expect(decideRider(once, { type: "incurDues", rideId: "rd_1", amount: krw(9800) }, NOW).kind).toBe("unchanged");
    expect(applied(once, { type: "incurDues", rideId: "rd_2", amount: krw(200) }).account.dues).toEqual(krw(10_000));
  });

  it("a ride paid for is never owed again: its commit, timed out while the rider paid, runs again after the payment", () => {
    const owing = applied(newRider("r1", NOW), { type: "incurDues", rideId: "rd_1", amount: krw(9800) });
    const paid = applied(owing, { type: "duesPaid", key: duesPaymentKey(owing), amount: krw(9800), providerRef: "pi_1" });
    expect(paid.payments[0]?.rideIds).toEqual(["rd_1"]);
    expect(decideRider(paid, { type: "incurDues", rideId: "rd_1", amount: krw(9800) }, NOW).kind).toBe("unchanged");
    // Another ride is owed as ever; a payment recorded before payments named their rides blocks none.
    expect(applied(paid, { type: "incurDues", rideId: "rd_2", amount: krw(500) }).account.dues).toEqual(krw(500));
    const older = { ...paid, payments: paid.payments.map(({ rideIds: _named, ...p }) => p) };
    expect(decideRider(older, { type: "incurDues", rideId: "rd_1", amount: krw(9800) }, NOW).kind).toBe("applied");
  });

  it("paying clears the dues once; a payment for other dues than those owed is refused", () => {
    const owing = applied(newRider("r1", NOW), { type: "incurDues", rideId: "rd_1", amount: krw(9800) });
    const key = duesPaymentKey(owing);
    expect(decideRider(owing, { type: "duesPaid", key, amount: krw(100), providerRef: "pi_1" }, NOW)).toMatchObject({
      kind: "refused",
      code: "invalid_transition",
    });
    const paid = applied(owing, { type: "duesPaid", key, amount: krw(9800), providerRef: "pi_1" });
    expect(paid.account).toMatchObject({ dues: krw(0), items: [] });
    expect(decideRider(paid, { type: "duesPaid", key, amount: krw(9800), providerRef: "pi_1" }, NOW).kind).toBe("unchanged");
  });

  it("the charge's key changes with the dues and after a declined attempt, and only then", () => {
    const owing = applied(newRider("r1", NOW), { type: "incurDues", rideId: "rd_1", amount: krw(9800) });
    expect(duesPaymentKey(owing)).toBe("r1:dues:1:0");
    expect(duesPaymentKey({ ...owing, declinedAttempts: 1 })).toBe("r1:dues:1:1");
    expect(duesPaymentKey(applied(owing, { type: "incurDues", rideId: "rd_2", amount: krw(1) }))).toBe("r1:dues:2:0");
  });

  it("a charge sent before the dues changed is sent again first, under its key, and pays only its rides", () => {
    const owing = applied(newRider("r1", NOW), { type: "incurDues", rideId: "rd_1", amount: krw(5000) });
    const first = { key: duesPaymentKey(owing), amount: krw(5000), rideIds: ["rd_1"], paymentMethod: "pm_a" };
    expect(nextDuesCharge(owing, "pm_a")).toEqual({ ...first, earlier: false });
    // Sent, and its answer lost: the same dues again to the same card are the same charge (same key).
    const sent = { ...owing, chargeInFlight: first };
    expect(nextDuesCharge(sent, "pm_a")).toEqual({ ...first, earlier: false });
    // More dues meanwhile: the lost charge goes first, as it was.
    const more = applied(sent, { type: "incurDues", rideId: "rd_2", amount: krw(3000) });
    expect(nextDuesCharge(more, "pm_a")).toEqual({ ...first, earlier: true });
    const { paymentMethod: _card, ...paying } = first;
    const partly = applied(more, { type: "duesPaid", ...paying, providerRef: "pi_1" });
    expect(partly.account).toMatchObject({ dues: krw(3000), items: [{ rideId: "rd_2" }] });
    expect(partly.chargeInFlight).toBeUndefined();
    expect(nextDuesCharge(partly, "pm_a")).toEqual({
      key: duesPaymentKey(partly),
      amount: krw(3000),
      rideIds: ["rd_2"],
      paymentMethod: "pm_a",
      earlier: false,
    });
    // A charge of named rides for another amount than theirs is refused.
    expect(decideRider(more, { type: "duesPaid", ...paying, amount: krw(8000), providerRef: "pi_1" }, NOW).kind).toBe("refused");
  });

  it("a lost charge is sent again to its own card, first, when the rider pays with another (the provider refuses a key with other parameters)", () => {
    const owing = applied(newRider("r1", NOW), { type: "incurDues", rideId: "rd_1", amount: krw(5000) });
    const lost = { key: duesPaymentKey(owing), amount: krw(5000), rideIds: ["rd_1"], paymentMethod: "pm_a" };
    expect(nextDuesCharge({ ...owing, chargeInFlight: lost }, "pm_b")).toEqual({ ...lost, earlier: true });
    // Settled (declined, say): what is owed goes to the new card, under a new key once the decline is counted.
    const after = { ...owing, declinedAttempts: 1 };
    expect(nextDuesCharge(after, "pm_b")).toEqual({ key: "r1:dues:1:1", amount: krw(5000), rideIds: ["rd_1"], paymentMethod: "pm_b", earlier: false });
    // A charge written before the card was kept goes again to the card asked for now, as before.
    const { paymentMethod: _unknown, ...older } = lost;
    expect(nextDuesCharge({ ...owing, chargeInFlight: older }, "pm_b")).toEqual({ ...older, paymentMethod: "pm_b", earlier: false });
  });

  it("every change sends the account to the views", () => {
    const before = newRider("r1", NOW);
    const d = decideRider(before, { type: "incurDues", rideId: "rd_1", amount: krw(9800) }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    const plan = planRider(before, d.record, d.events, { now: NOW, correlationId: "c1", newId: () => "ev_1" });
    expect(plan.messages).toEqual([{ queue: "ride-events", body: { kind: "rider.event", event: plan.events[0], rider: d.record.account } }]);
    expect(plan.events[0]).toMatchObject({ type: "DuesIncurred", version: 1, correlationId: "c1" });
  });
});

describe("partlyPaid: the rest of a payment refused after an earlier charge went through", () => {
  it("no longer says nothing was charged, keeps the code and the wait, and names what is owed now", () => {
    const dues = { amount: 3000, currency: "KRW" as const };
    const held = partlyPaid(
      { code: "unavailable", detail: "the payment service is failing; nothing was charged: try again shortly", retryAfterSeconds: 30 },
      dues,
    );
    expect(held).toEqual({
      ok: false,
      problem: {
        code: "unavailable",
        detail: "a payment of part of your dues went through; the rest (3000 KRW) was not charged: the payment service is failing: try again shortly",
        retryAfterSeconds: 30,
        dues,
      },
    });
    const declined = partlyPaid({ code: "payment_required", detail: "the charge was declined: card_declined", dues: { amount: 8000, currency: "KRW" } }, dues);
    expect(declined).toMatchObject({ ok: false, problem: { code: "payment_required", dues, detail: expect.stringContaining("(3000 KRW) was not charged") } });
    // Its answer lost: the rest may have gone through, and the rider is not told otherwise.
    const lost = partlyPaid({ code: "unavailable", detail: "the payment service could not be reached; try again shortly", retryAfterSeconds: 5 }, dues);
    expect(lost).toMatchObject({
      ok: false,
      problem: { detail: expect.stringContaining("(3000 KRW) may not have been charged: the payment service could not be reached") },
    });
    expect(declined.ok ? null : declined.problem).not.toHaveProperty("retryAfterSeconds");
  });
});
