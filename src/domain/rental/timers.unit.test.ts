import { describe, expect, it } from "vitest";
import { decideRental, PAYMENT_DEADLINE_MS, planRental, rentalTimers, vehicleRelease, VEHICLE_RELEASE_RETRY_MS, type RentalCommand } from "./machine";
import type { RentalRecord } from "./types";
import { NOW, created, ctx, inState, krw, step } from "../../../test/support/rental-fixtures";

describe("rental machine: no live state without a timer", () => {
  const armed = (record: RentalRecord) =>
    rentalTimers(null, record, NOW, 120)
      .filter((t) => t.at !== null)
      .map((t) => t.name);
  it("requested: the payment watchdog and the payment deadline; confirmed: the end, and the key while it has none; a refund awaited: the watchdog", () => {
    expect(armed(inState("requested"))).toEqual(["payment", "deadline"]);
    expect(armed(inState("confirmed"))).toEqual(["key", "end"]);
    expect(armed(step(inState("confirmed"), { type: "keyIssued", key: "4821" }))).toEqual(["end"]);
    expect(armed(inState("cancelled"))).toEqual(["payment"]);
    const captureDeclined = step(step(created(), { type: "authorized" }), { type: "paymentDeclined", action: "capture", detail: null });
    expect(armed(captureDeclined)).toEqual(["payment"]);
  });

  it("ended states keep no timer", () => {
    expect(armed(inState("completed"))).toEqual([]);
    expect(armed(inState("declined"))).toEqual([]);
    const refunded = step(inState("cancelled"), { type: "refundSettled", outcome: "succeeded", amount: krw(4000), detail: null, key: "rn_1:refund:cancel" });
    expect(armed(refunded)).toEqual([]);
  });
});

describe("rental machine: an ending's vehicle release outlives a lost answer", () => {
  const planOf = (record: RentalRecord, command: RentalCommand, now = NOW) => {
    const d = decideRental(record, command, now);
    if (d.kind !== "applied") throw new Error(`${command.type}: ${d.kind}`);
    return planRental(record, d.record, d.events, { ...ctx, now });
  };
  const releaseTimer = (plan: ReturnType<typeof planOf>) => plan.timers.filter((t) => t.name === "release");
  const unlocked = step(step(inState("confirmed"), { type: "keyIssued", key: "4821" }), { type: "unlock", key: "4821" });

  it("every ending that frees the vehicle sets the `release` timer in its own commit, VEHICLE_RELEASE_RETRY_MS on", () => {
    const overdue = new Date(NOW.getTime() + PAYMENT_DEADLINE_MS + 1000);
    const endings: [RentalRecord, RentalCommand, Date][] = [
      [unlocked, { type: "return", at: { lat: 37.5, lng: 127 } }, NOW],
      [inState("confirmed"), { type: "cancel", by: "ops" }, NOW],
      [inState("requested"), { type: "paymentDeclined", action: "authorize", detail: null }, NOW],
      [inState("requested"), { type: "paymentOverdue" }, overdue],
    ];
    for (const [record, command, now] of endings) {
      const plan = planOf(record, command, now);
      expect(plan.later, command.type).toEqual([expect.objectContaining({ type: "releaseVehicle" })]);
      expect(releaseTimer(plan), command.type).toEqual([{ name: "release", at: now.getTime() + VEHICLE_RELEASE_RETRY_MS }]);
    }
  });

  it("a change that frees nothing leaves the timer alone; the release sent again is the first one, where the rider left the vehicle", () => {
    expect(releaseTimer(planOf(inState("requested"), { type: "authorized" }))).toEqual([]);
    expect(releaseTimer(planOf(inState("confirmed"), { type: "keyIssued", key: "4821" }))).toEqual([]);
    const returned = decideRental(unlocked, { type: "return", at: { lat: 37.5, lng: 127 } }, NOW);
    if (returned.kind !== "applied") throw new Error(returned.kind);
    expect(vehicleRelease(returned.record)).toEqual(planRental(unlocked, returned.record, returned.events, ctx).later[0]);
    expect(vehicleRelease(returned.record)).toMatchObject({ type: "releaseVehicle", vehicleId: "rv_1", rentalId: "rn_1", at: { lat: 37.5, lng: 127 } });
  });
});

describe("rental machine: a key issued late", () => {
  it("is taken until the rental's end; past it (the end timer not yet run) it is dropped and nobody is told to unlock", () => {
    const confirmed = inState("confirmed");
    const endsAt = Date.parse(confirmed.rental.endsAt ?? "");
    const before = decideRental(confirmed, { type: "keyIssued", key: "4821" }, new Date(endsAt - 1000));
    if (before.kind !== "applied") throw new Error(before.kind);
    const told = planRental(confirmed, before.record, before.events, { ...ctx, now: new Date(endsAt - 1000) }).messages;
    expect(told.map((m) => m.queue)).toContain("notifications");
    expect(decideRental(confirmed, { type: "keyIssued", key: "4821" }, new Date(endsAt)).kind).toBe("unchanged");
    expect(decideRental(confirmed, { type: "keyIssued", key: "4821" }, new Date(endsAt + 60_000)).kind).toBe("unchanged");
  });
});
