import { describe, expect, it } from "vitest";
import {
  PAYMENT_DEADLINE_MS,
  createRental,
  decideRental,
  keyless,
  outstandingStep,
  planRental,
  retryPlan,
  commandOfPayment,
  type RentalCommand,
} from "./machine";
import { RENTAL_STATUSES, type RentalStatus } from "./types";
import { FREED_AFTER_COMMIT, NOW, created, ctx, freed, inState, krw, step } from "../../../test/support/rental-fixtures";

const COMMANDS: RentalCommand[] = [
  { type: "authorized" },
  { type: "captured" },
  { type: "capturedLate" },
  { type: "paymentDeclined", action: "authorize", detail: null },
  { type: "paymentDeclinedLate", detail: null },
  { type: "voided" },
  { type: "refundSettled", outcome: "succeeded", amount: krw(4000), detail: null, key: "rn_1:refund:cancel" },
  { type: "keyIssued", key: "4821" },
  { type: "unlock", key: "4821" },
  { type: "cancel", by: "rider" },
  { type: "return" },
  { type: "expire" },
  { type: "expireUnused" },
  { type: "paymentOverdue" },
  { type: "retryRefund" },
];

const LATE = new Date(NOW.getTime() + 3 * 3_600_000);

/** What each command does in each state (`confirmed`: never unlocked), at LATE: applied, unchanged (a repeat) or the refusal's code. */
const MATRIX: Record<RentalStatus, Record<RentalCommand["type"], string>> = {
  requested: {
    authorized: "applied",
    captured: "applied",
    capturedLate: "invalid_transition",
    paymentDeclined: "applied",
    paymentDeclinedLate: "invalid_transition",
    voided: "unchanged",
    refundSettled: "unchanged",
    keyIssued: "unchanged",
    unlock: "forbidden",
    cancel: "applied",
    return: "invalid_transition",
    expire: "unchanged",
    expireUnused: "unchanged",
    paymentOverdue: "applied",
    retryRefund: "invalid_transition",
  },
  confirmed: {
    authorized: "unchanged",
    captured: "unchanged",
    capturedLate: "unchanged",
    paymentDeclined: "invalid_transition",
    paymentDeclinedLate: "unchanged",
    voided: "unchanged",
    refundSettled: "unchanged",
    keyIssued: "unchanged",
    unlock: "forbidden",
    cancel: "invalid_transition",
    return: "invalid_transition",
    expire: "invalid_transition",
    expireUnused: "applied",
    paymentOverdue: "unchanged",
    retryRefund: "invalid_transition",
  },
  cancelled: {
    authorized: "unchanged",
    captured: "unchanged",
    capturedLate: "unchanged",
    paymentDeclined: "invalid_transition",
    paymentDeclinedLate: "unchanged",
    voided: "unchanged",
    refundSettled: "applied",
    keyIssued: "unchanged",
    unlock: "forbidden",
    cancel: "unchanged",
    return: "invalid_transition",
    expire: "unchanged",
    expireUnused: "unchanged",
    paymentOverdue: "unchanged",
    retryRefund: "unchanged",
  },
  completed: {
    authorized: "unchanged",
    captured: "unchanged",
    capturedLate: "unchanged",
    paymentDeclined: "invalid_transition",
    paymentDeclinedLate: "unchanged",
    voided: "unchanged",
    refundSettled: "unchanged",
    keyIssued: "unchanged",
    unlock: "forbidden",
    cancel: "invalid_transition",
    return: "unchanged",
    expire: "unchanged",
    expireUnused: "unchanged",
    paymentOverdue: "unchanged",
    retryRefund: "invalid_transition",
  },
  declined: {
    authorized: "unchanged",
    captured: "invalid_transition",
    capturedLate: "applied",
    paymentDeclined: "unchanged",
    paymentDeclinedLate: "unchanged",
    voided: "unchanged",
    refundSettled: "unchanged",
    keyIssued: "unchanged",
    unlock: "forbidden",
    cancel: "invalid_transition",
    return: "invalid_transition",
    expire: "unchanged",
    expireUnused: "unchanged",
    paymentOverdue: "unchanged",
    retryRefund: "invalid_transition",
  },
};

describe("rental machine: every state × every command", () => {
  for (const status of RENTAL_STATUSES) {
    for (const command of COMMANDS) {
      it(`${status} × ${command.type} → ${MATRIX[status][command.type]}`, () => {
        const record = inState(status);
        const d = decideRental(record, command, LATE);
        expect(d.kind === "refused" ? d.code : d.kind).toBe(MATRIX[status][command.type]);
        if (d.kind === "refused") expect(d).not.toHaveProperty("record");
        if (d.kind === "applied") expect(d.record.rental.version).toBe(record.rental.version + d.events.length);
      });
    }
  }
});

describe("rental machine: the rules that matter", () => {
  it("creation reserves the vehicle before the commit and asks for the authorisation", () => {
    const d = createRental(
      { rentalId: "rn_1", riderId: "r1", vehicleId: "rv_1", hours: 2, price: krw(4000), paymentMethod: "pm", locale: "ko", correlationId: "c" },
      NOW,
    );
    expect(d.kind === "applied" && d.effects).toEqual([{ type: "reserveVehicle", vehicleId: "rv_1", rentalId: "rn_1", correlationId: "c" }]);
    const plan = planRental(null, created(), [{ type: "RentalRequested", data: {} }], ctx);
    const payment = plan.messages.find((m) => m.queue === "payments");
    expect(payment?.body).toMatchObject({ action: "authorize", idempotencyKey: "rn_1:authorize", amount: krw(4000), driverId: null });
    expect(plan.timers).toContainEqual({ name: "payment", at: NOW.getTime() + 120_000, ifUnset: false });
  });

  it("a declined card declines the rental and frees the vehicle after its commit", () => {
    const d = decideRental(created(), { type: "paymentDeclined", action: "authorize", detail: "card_declined" }, NOW);
    expect(d.kind === "applied" && freed(d)).toEqual(FREED_AFTER_COMMIT);
    expect(d.kind === "applied" && d.record.rental.status).toBe("declined");
  });

  it("a payment overdue declines the rental at its deadline, frees the vehicle and voids a hold, even one authorised late", () => {
    const requested = created();
    const early = new Date(NOW.getTime() + PAYMENT_DEADLINE_MS - 1);
    expect(decideRental(requested, { type: "paymentOverdue" }, early)).toMatchObject({ kind: "refused", code: "invalid_transition" });
    expect(planRental(null, requested, [], ctx).timers).toContainEqual({ name: "deadline", at: NOW.getTime() + PAYMENT_DEADLINE_MS });
    const due = new Date(NOW.getTime() + PAYMENT_DEADLINE_MS);
    const d = decideRental(requested, { type: "paymentOverdue" }, due);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.record.rental.status).toBe("declined");
    expect(d.events.at(-1)).toEqual({ type: "RentalDeclined", data: { reason: "payment_timeout" } });
    expect(freed(d)).toEqual(FREED_AFTER_COMMIT);
    expect(planRental(requested, d.record, d.events, ctx).timers).toContainEqual({ name: "deadline", at: null });
    // Its authorisation never answered: asked again under its key (the watchdog), so a hold it placed is found and voided.
    expect(outstandingStep(d.record)).toBe("authorize");
    expect(planRental(requested, d.record, d.events, ctx).timers.find((t) => t.name === "payment")?.at).not.toBeNull();
    // Its authorisation answered after the deadline: the hold is voided (key rn_1:void).
    const late = step(d.record, { type: "authorized" });
    expect(outstandingStep(late)).toBe("void");
    const plan = planRental(d.record, late, [{ type: "PaymentAuthorized", data: {} }], ctx);
    expect(plan.messages.find((m) => m.queue === "payments")?.body).toMatchObject({ action: "void", idempotencyKey: "rn_1:void" });
    const held = step(requested, { type: "authorized" });
    expect(outstandingStep(step(held, { type: "paymentOverdue" }, due))).toBe("void");
  });

  it("a declined capture leaves a hold that is voided", () => {
    const declined = step(step(created(), { type: "authorized" }), { type: "paymentDeclined", action: "capture", detail: null });
    expect(outstandingStep(declined)).toBe("void");
    expect(outstandingStep(step(declined, { type: "voided" }))).toBeNull();
  });

  it("a void the provider refuses ends the hold all the same, the refusal recorded, and nothing is sent again", () => {
    const declined = step(step(created(), { type: "authorized" }), { type: "paymentDeclined", action: "capture", detail: null });
    const refused = commandOfPayment({ action: "void", outcome: "declined", detail: "not cancelable", idempotencyKey: "rn_1:void" }, declined.rental);
    expect(refused).toEqual({ type: "voided", refused: "not cancelable" });
    const d = decideRental(declined, refused!, NOW);
    expect(d.kind).toBe("applied");
    if (d.kind !== "applied") return;
    expect(d.record.rental.payment.status).toBe("voided");
    expect(d.events).toEqual([expect.objectContaining({ type: "PaymentVoided", data: { refused: "not cancelable" } })]);
    expect(outstandingStep(d.record)).toBeNull();
  });

  it("confirmation asks for the key and arms the end; no key yet, a later key is taken once", () => {
    const authorized = step(created(), { type: "authorized" });
    const confirmed = step(authorized, { type: "captured" });
    expect(confirmed.rental).toMatchObject({ status: "confirmed", unlockKey: null, endsAt: "2026-12-01T12:00:00.000Z" });
    const plan = planRental(authorized, confirmed, [{ type: "RentalConfirmed", data: {} }], ctx);
    expect(plan.messages.filter((m) => m.queue === "rental-keys")).toHaveLength(1);
    expect(plan.timers).toContainEqual({ name: "end", at: Date.parse("2026-12-01T12:00:00.000Z") });
    expect(plan.timers).toContainEqual({ name: "key", at: NOW.getTime() + 20_000, ifUnset: true });
    expect(retryPlan(confirmed, "key", NOW, 120)?.messages).toHaveLength(1);
    const keyed = step(confirmed, { type: "keyIssued", key: "4821" });
    expect(retryPlan(keyed, "key", NOW, 120)).toBeNull();
    expect(decideRental(keyed, { type: "keyIssued", key: "9999" }, NOW).kind).toBe("unchanged");
    expect(decideRental(confirmed, { type: "keyIssued", key: "12a4" }, NOW)).toMatchObject({ kind: "refused", code: "invalid_request" });
  });

  it("the key unlocks only while the rental is confirmed; a wrong key never does", () => {
    const keyed = step(inState("confirmed"), { type: "keyIssued", key: "4821" });
    expect(decideRental(keyed, { type: "unlock", key: "0000" }, NOW)).toMatchObject({ kind: "refused", code: "forbidden" });
    const unlocked = step(keyed, { type: "unlock", key: "4821" });
    expect(decideRental(unlocked, { type: "unlock", key: "4821" }, NOW).kind).toBe("unchanged");
    expect(decideRental(unlocked, { type: "cancel", by: "rider" }, NOW)).toMatchObject({ kind: "refused", code: "invalid_transition" });
    const returned = step(unlocked, { type: "return" });
    expect(decideRental(returned, { type: "unlock", key: "4821" }, NOW)).toMatchObject({ kind: "refused", code: "forbidden" });
  });

  it("once its time is up, the key no longer unlocks and the rental can no longer be cancelled, before the end timer fires", () => {
    const keyed = step(inState("confirmed"), { type: "keyIssued", key: "4821" });
    const end = new Date(Date.parse(keyed.rental.endsAt!));
    const before = new Date(end.getTime() - 1);
    expect(decideRental(keyed, { type: "unlock", key: "4821" }, before).kind).toBe("applied");
    expect(decideRental(keyed, { type: "cancel", by: "rider" }, before).kind).toBe("applied");
    expect(decideRental(keyed, { type: "unlock", key: "4821" }, end)).toMatchObject({ kind: "refused", code: "forbidden" });
    expect(decideRental(keyed, { type: "cancel", by: "rider" }, end)).toMatchObject({ kind: "refused", code: "invalid_transition" });
    // Unlocked before: the same key again is a repeat while the rental lasts, refused like any key once it is over.
    const unlocked = step(keyed, { type: "unlock", key: "4821" }, before);
    expect(decideRental(unlocked, { type: "unlock", key: "4821" }, before).kind).toBe("unchanged");
    expect(decideRental(unlocked, { type: "unlock", key: "4821" }, end)).toMatchObject({ kind: "refused", code: "forbidden" });
  });

  it("while the key service stays down, the key is asked again ever less often: doubling from 20 s up to 5 min", () => {
    const confirmed = inState("confirmed");
    const at = (ms: number) => new Date(Date.parse(confirmed.rental.confirmedAt!) + ms);
    let t = 20_000;
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const plan = retryPlan(confirmed, "key", at(t), 120);
      expect(plan?.messages).toHaveLength(1);
      const next = (plan!.timers[0]!.at as number) - at(t).getTime();
      waits.push(next);
      t += next;
    }
    expect(waits).toEqual([20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it("cancelling invalidates the key first, then the refund goes out, once", () => {
    const keyed = step(inState("confirmed"), { type: "keyIssued", key: "4821" });
    const d = decideRental(keyed, { type: "cancel", by: "rider" }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.events.map((e) => e.type)).toEqual(["UnlockKeyInvalidated", "VehicleReleased", "RentalCancelled"]);
    expect(freed(d)).toEqual(FREED_AFTER_COMMIT);
    expect(d.record.rental.unlockKey).toBeNull();
    const plan = planRental(keyed, d.record, d.events, ctx);
    expect(plan.messages.filter((m) => m.queue === "payments").map((m) => m.body)).toMatchObject([{ action: "refund", idempotencyKey: "rn_1:refund:cancel" }]);
    const refunded = step(d.record, { type: "refundSettled", outcome: "succeeded", amount: krw(4000), detail: null, key: "rn_1:refund:cancel" });
    expect(refunded.rental.payment).toEqual({ status: "refunded", refundedAmount: krw(4000) });
    expect(decideRental(refunded, { type: "refundSettled", outcome: "succeeded", amount: krw(4000), detail: null, key: "rn_1:refund:cancel" }, NOW).kind).toBe(
      "unchanged",
    );
    expect(outstandingStep(refunded)).toBeNull();
    expect(decideRental(d.record, { type: "keyIssued", key: "1111" }, NOW).kind).toBe("unchanged");
  });

  it("every event goes to the views without the key; the rider hears of confirmation and key", () => {
    const confirmed = inState("confirmed");
    const keyed = step(confirmed, { type: "keyIssued", key: "4821" });
    const plan = planRental(confirmed, keyed, [{ type: "RentalKeyIssued", data: {} }], ctx);
    expect(JSON.stringify(plan.messages)).not.toContain("4821");
    expect(plan.messages.map((m) => m.queue)).toEqual(["ride-events", "notifications"]);
    expect(keyless(keyed.rental).unlockKey).toBeNull();
    expect(plan.timers).toContainEqual({ name: "key", at: null, ifUnset: false });
  });

  it("payment results map to commands", () => {
    const base = { detail: null, amount: krw(4000), idempotencyKey: "rn_1:refund:cancel:2" };
    const requested = { price: krw(1), status: "requested" as const };
    expect(commandOfPayment({ ...base, action: "authorize", outcome: "declined" }, requested)).toMatchObject({ type: "paymentDeclined" });
    expect(commandOfPayment({ ...base, action: "capture", outcome: "succeeded" }, requested)).toEqual({ type: "captured" });
    expect(commandOfPayment({ ...base, action: "capture", outcome: "succeeded" }, { ...requested, status: "declined" })).toEqual({ type: "capturedLate" });
    expect(commandOfPayment({ ...base, action: "capture", outcome: "declined" }, { ...requested, status: "declined" })).toMatchObject({
      type: "paymentDeclinedLate",
    });
    expect(commandOfPayment({ ...base, action: "settle", outcome: "succeeded" }, requested)).toBeNull();
    expect(commandOfPayment({ ...base, action: "refund", outcome: "declined" }, { ...requested, status: "cancelled" })).toEqual({
      type: "refundSettled",
      outcome: "declined",
      amount: krw(4000),
      detail: null,
      key: "rn_1:refund:cancel:2",
    });
  });
});
