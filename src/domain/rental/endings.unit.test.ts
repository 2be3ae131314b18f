/**
 * How a confirmed rental ends: only one whose vehicle was unlocked is completed (returned, or
 * its time up) and its payment kept; one never unlocked (its key never came, or was never
 * used) is cancelled and refunded in full: by its rider or ops before its end, by the system
 * at it (`expireUnused`, reason `never_unlocked`).
 */
import { describe, expect, it } from "vitest";
import { commandOfPayment, decideRental, endCommand, outstandingStep, PAYMENT_DEADLINE_MS, planRental, retryPlan } from "./machine";
import type { RentalRecord } from "./types";
import { FREED_AFTER_COMMIT, NOW, created, ctx, freed, inState, krw, step } from "../../../test/support/rental-fixtures";

const LATE = new Date(NOW.getTime() + 3 * 3_600_000);

/** A confirmed rental, its vehicle unlocked or not. */
const confirmedThat = (unlocked: boolean): RentalRecord => {
  const keyed = step(inState("confirmed"), { type: "keyIssued", key: "4821" });
  return unlocked ? step(keyed, { type: "unlock", key: "4821" }) : keyed;
};
const ENDING_COMMANDS = [{ type: "cancel", by: "rider" }, { type: "return" }, { type: "expire" }, { type: "expireUnused" }] as const;
type Ending = (typeof ENDING_COMMANDS)[number]["type"];

/**
 * How a confirmed rental can end, by whether its vehicle was unlocked and whether its time is
 * up: the status it ends in, or the refusal's code. Only one ridden is completed (its payment
 * kept); one never unlocked is cancelled (refunded), by its rider before its end, by the
 * system at it.
 */
const ENDINGS: Record<"never unlocked" | "unlocked", Record<"before its end" | "after its end", Record<Ending, string>>> = {
  "never unlocked": {
    "before its end": { cancel: "cancelled", return: "invalid_transition", expire: "invalid_transition", expireUnused: "invalid_transition" },
    "after its end": { cancel: "invalid_transition", return: "invalid_transition", expire: "invalid_transition", expireUnused: "cancelled" },
  },
  unlocked: {
    "before its end": { cancel: "invalid_transition", return: "completed", expire: "invalid_transition", expireUnused: "invalid_transition" },
    "after its end": { cancel: "invalid_transition", return: "completed", expire: "completed", expireUnused: "invalid_transition" },
  },
};

describe("rental machine: how a confirmed rental ends, unlocked or not × before or after its end × each ending command", () => {
  for (const unlocked of [false, true]) {
    const row = ENDINGS[unlocked ? "unlocked" : "never unlocked"];
    for (const [when, at] of [
      ["before its end", NOW],
      ["after its end", LATE],
    ] as const) {
      for (const command of ENDING_COMMANDS) {
        it(`${unlocked ? "unlocked" : "never unlocked"}, ${when} × ${command.type} → ${row[when][command.type]}`, () => {
          const d = decideRental(confirmedThat(unlocked), command, at);
          expect(d.kind === "refused" ? d.code : d.kind === "applied" ? d.record.rental.status : d.kind).toBe(row[when][command.type]);
        });
      }
    }
  }
});

describe("rental machine: the end of a confirmed rental", () => {
  it("the end timer completes a rental only once its time is up, and only one whose vehicle was unlocked", () => {
    const ridden = confirmedThat(true);
    expect(decideRental(ridden, { type: "expire" }, NOW)).toMatchObject({
      kind: "refused",
      code: "invalid_transition",
      detail: "the rental has not ended yet",
    });
    expect(decideRental(confirmedThat(false), { type: "expire" }, LATE)).toMatchObject({ kind: "refused", code: "invalid_transition" });
    expect(endCommand(ridden)).toEqual({ type: "expire" });
    const d = decideRental(ridden, endCommand(ridden), LATE);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.record.rental).toMatchObject({ status: "completed", payment: { status: "captured" }, unlockKey: null });
    expect(d.record.refund).toBeNull();
    expect(d.events.at(-1)).toEqual({ type: "RentalCompleted", data: { by: "system" } });
  });

  it("a vehicle never unlocked cannot be returned: refused, no vehicle freed, the way out named (cancel before the end, the refund after it)", () => {
    for (const neverUnlocked of [inState("confirmed"), confirmedThat(false)]) {
      expect(decideRental(neverUnlocked, { type: "return" }, NOW)).toEqual({
        kind: "refused",
        code: "invalid_transition",
        detail: "the vehicle was not unlocked: cancel the rental instead",
      });
      expect(decideRental(neverUnlocked, { type: "return" }, LATE)).toEqual({
        kind: "refused",
        code: "invalid_transition",
        detail: "the vehicle was not unlocked: the rental ends unused and is refunded",
      });
      expect(step(neverUnlocked, { type: "cancel", by: "rider" }).rental.status).toBe("cancelled");
    }
    // Once unlocked, the return completes it and frees the vehicle after its commit.
    const d = decideRental(confirmedThat(true), { type: "return" }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.record.rental.status).toBe("completed");
    expect(d.events.at(-1)).toEqual({ type: "RentalCompleted", data: { by: "rider" } });
    expect(freed(d)).toEqual(FREED_AFTER_COMMIT);
  });

  it("a rental whose time runs out without its vehicle ever unlocked is cancelled by the system and refunded in full, as a cancel is", () => {
    // Its key never came (the key service down the whole time), or came and was never used.
    for (const neverUnlocked of [inState("confirmed"), confirmedThat(false)]) {
      expect(endCommand(neverUnlocked)).toEqual({ type: "expireUnused" });
      expect(decideRental(neverUnlocked, { type: "expireUnused" }, NOW)).toMatchObject({ kind: "refused", detail: "the rental has not ended yet" });
      const d = decideRental(neverUnlocked, endCommand(neverUnlocked), LATE);
      if (d.kind !== "applied") throw new Error(d.kind);
      // The key dies first, the vehicle is freed (after the commit), then the refund.
      expect(d.events).toEqual([
        { type: "UnlockKeyInvalidated", data: { hadKey: neverUnlocked.rental.unlockKey !== null } },
        { type: "VehicleReleased", data: { vehicleId: "rv_1" } },
        { type: "RentalCancelled", data: { by: "system", reason: "never_unlocked" } },
      ]);
      expect(freed(d)).toEqual(FREED_AFTER_COMMIT);
      expect(d.record.rental).toMatchObject({ status: "cancelled", cancellation: { by: "system", reason: "never_unlocked" }, unlockKey: null });
      expect(d.record).toMatchObject({ refund: "pending", keyInvalidated: true });
      // The refund a cancel sends: the whole price, under the cancel's key; the rider is told; no live timer but its watchdog.
      const plan = planRental(neverUnlocked, d.record, d.events, { ...ctx, now: LATE });
      expect(plan.messages.filter((m) => m.queue === "payments").map((m) => m.body)).toMatchObject([
        { action: "refund", idempotencyKey: "rn_1:refund:cancel", amount: krw(4000) },
      ]);
      expect(plan.messages.filter((m) => m.queue === "notifications").map((m) => (m.body as { event: { type: string } }).event.type)).toEqual([
        "RentalCancelled",
      ]);
      expect(plan.timers.filter((t) => t.at !== null).map((t) => t.name)).toEqual(["payment", "release"]);
      // The end again, as either command, changes nothing; a key issued late is dropped.
      expect(decideRental(d.record, { type: "expireUnused" }, LATE).kind).toBe("unchanged");
      expect(decideRental(d.record, { type: "expire" }, LATE).kind).toBe("unchanged");
      expect(decideRental(d.record, { type: "keyIssued", key: "1111" }, LATE).kind).toBe("unchanged");
      const refunded = step(d.record, { type: "refundSettled", outcome: "succeeded", amount: krw(4000), detail: null, key: "rn_1:refund:cancel" });
      expect(refunded.rental).toMatchObject({ status: "cancelled", payment: { status: "refunded", refundedAmount: krw(4000) } });
      expect(outstandingStep(refunded)).toBeNull();
    }
  });
});

describe("rental machine: returned where the rider left it", () => {
  it("a return that says where frees the vehicle there (after the commit) and records it; one that does not, where it was", () => {
    const here = { lat: 37.55, lng: 126.97 };
    const d = decideRental(confirmedThat(true), { type: "return", at: here }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(freed(d)).toEqual({ before: [], after: [expect.objectContaining({ type: "releaseVehicle", at: here })] });
    expect(d.events.find((e) => e.type === "VehicleReleased")?.data).toMatchObject({ location: here });
    const plain = decideRental(confirmedThat(true), { type: "return" }, NOW);
    if (plain.kind !== "applied") throw new Error(plain.kind);
    expect(freed(plain).after).toEqual([expect.not.objectContaining({ at: expect.anything() as unknown })]);
    // Only a return says where: a cancel or the end timer frees the vehicle where it was.
    const cancel = decideRental(confirmedThat(false), { type: "cancel", by: "rider" }, NOW);
    expect(cancel.kind === "applied" && freed(cancel).after).toEqual([expect.not.objectContaining({ at: expect.anything() as unknown })]);
  });
});

describe("rental machine: cancelled while its payment is in flight", () => {
  const cancelledRequested = (authorized: boolean) => {
    const requested = authorized ? step(inState("requested"), { type: "authorized" }) : inState("requested");
    const d = decideRental(requested, { type: "cancel", by: "rider" }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    return d;
  };

  it("is cancelled at once, the vehicle freed after the commit; nothing to refund yet, a hold already placed is voided", () => {
    const pending = cancelledRequested(false);
    expect(pending.record.rental).toMatchObject({ status: "cancelled", cancellation: { by: "rider" }, payment: { status: "pending" } });
    expect(freed(pending)).toEqual({ before: [], after: [expect.objectContaining({ type: "releaseVehicle" })] });
    expect(pending.events.map((e) => e.type)).toEqual(["UnlockKeyInvalidated", "VehicleReleased", "RentalCancelled"]);
    expect(pending.record.refund).toBeNull();
    // The authorisation's answer is still awaited (asked again by the watchdog if it is lost).
    expect(outstandingStep(pending.record)).toBe("authorize");
    const held = cancelledRequested(true).record;
    expect(outstandingStep(held)).toBe("void");
    const voided = step(held, { type: "voided" });
    expect(voided.rental.payment.status).toBe("voided");
    expect(outstandingStep(voided)).toBeNull();
  });

  it("the answers still on their way: a late hold is voided, a late capture refunded in full, a late decline recorded", () => {
    const cancelled = cancelledRequested(false).record;
    const held = step(cancelled, { type: "authorized" });
    expect(held.rental.status).toBe("cancelled");
    expect(outstandingStep(held)).toBe("void");
    const charged = step(step(cancelledRequested(false).record, { type: "authorized" }), { type: "capturedLate" });
    expect(charged.rental).toMatchObject({ status: "cancelled", payment: { status: "captured" } });
    expect(outstandingStep(charged)).toBe("refund");
    const refused = commandOfPayment({ action: "authorize", outcome: "declined", detail: "card_declined", idempotencyKey: "k" }, cancelled.rental);
    expect(refused).toEqual({ type: "paymentDeclinedLate", detail: "card_declined" });
    const declined = step(cancelled, refused!);
    expect(declined.rental).toMatchObject({ status: "cancelled", payment: { status: "declined" } });
    expect(outstandingStep(declined)).toBeNull();
    expect(decideRental(declined, refused!, NOW).kind).toBe("unchanged");
  });
});

describe("rental machine: cancelled in flight, a result lost", () => {
  const cancelledWith = (authorized: boolean) => {
    const requested = authorized ? step(inState("requested"), { type: "authorized" }) : inState("requested");
    return step(requested, { type: "cancel", by: "rider" });
  };

  it("an authorisation never answered is asked again by the watchdog (its hold then voided); a void found for it ends the payment", () => {
    const pending = cancelledWith(false);
    expect(outstandingStep(pending)).toBe("authorize");
    expect(retryPlan(pending, "payment", NOW, 120)?.messages[0]?.body).toMatchObject({ action: "authorize", idempotencyKey: "rn_1:authorize" });
    // Reconciliation voided the hold the lost answer placed: the payment is over.
    const voided = step(pending, { type: "voided" });
    expect(voided.rental.payment.status).toBe("voided");
    expect(outstandingStep(voided)).toBeNull();
  });

  it("a void the provider refuses after a capture went out asks for that capture again: refunded if it took, declined if not", () => {
    const held = cancelledWith(true);
    expect(held.captureSent).toBe(true);
    expect(outstandingStep(held)).toBe("void");
    const refused = step(held, { type: "voided", refused: "payment_intent_unexpected_state" });
    expect(refused.rental.payment.status).toBe("authorized");
    expect(outstandingStep(refused)).toBe("capture");
    expect(retryPlan(refused, "payment", NOW, 120)?.messages[0]?.body).toMatchObject({ action: "capture", idempotencyKey: "rn_1:capture" });
    const charged = step(refused, commandOfPayment({ action: "capture", outcome: "succeeded", detail: null, idempotencyKey: "rn_1:capture" }, refused.rental)!);
    expect(charged.rental.payment.status).toBe("captured");
    expect(outstandingStep(charged)).toBe("refund");
    const notTaken = step(
      refused,
      commandOfPayment({ action: "capture", outcome: "declined", detail: "expired", idempotencyKey: "rn_1:capture" }, refused.rental)!,
    );
    expect(notTaken.rental.payment.status).toBe("declined");
    expect(outstandingStep(notTaken)).toBeNull();
    // A refused void with no capture ever sent (cancelled before any hold) ends the hold as before.
    const late = step(step(cancelledWith(false), { type: "authorized" }), { type: "voided", refused: "expired" });
    expect(late.rental.payment.status).toBe("voided");
    expect(outstandingStep(late)).toBeNull();
  });
});

describe("a rental declined at its payment deadline with its payment in flight", () => {
  it("declined at its deadline with the capture on its way: a void the provider refuses (the capture took) asks for the capture again, and a capture that took is refunded", () => {
    const due = new Date(NOW.getTime() + PAYMENT_DEADLINE_MS);
    const held = step(created(), { type: "authorized" });
    expect(outstandingStep(held)).toBe("capture"); // sent at once
    const declined = step(held, { type: "paymentOverdue" }, due);
    expect(outstandingStep(declined)).toBe("void");
    const refused = step(declined, { type: "voided", refused: "payment_intent_unexpected_state" });
    expect(refused.rental.payment.status).toBe("authorized"); // not taken for voided
    expect(outstandingStep(refused)).toBe("capture");
    const answer = (action: "capture" | "authorize", outcome: "succeeded" | "declined", r: RentalRecord) =>
      commandOfPayment(
        { action, outcome, detail: outcome === "declined" ? "card_declined" : null, amount: undefined, idempotencyKey: `rn_1:${action}` },
        r.rental,
      );
    const took = step(refused, answer("capture", "succeeded", refused)!);
    expect([took.rental.status, took.rental.payment.status, took.refund]).toEqual(["declined", "captured", "pending"]);
    expect(outstandingStep(took)).toBe("refund");
    // The capture declined instead: recorded, and nothing more is owed.
    const none = step(refused, answer("capture", "declined", refused)!);
    expect([none.rental.status, none.rental.payment.status]).toEqual(["declined", "declined"]);
    expect(outstandingStep(none)).toBeNull();
    // Declined with its authorisation never answered: asked again, and a decline then ends the asking.
    const unanswered = step(created(), { type: "paymentOverdue" }, due);
    const refusedToo = step(unanswered, answer("authorize", "declined", unanswered)!);
    expect([refusedToo.rental.payment.status, outstandingStep(refusedToo)]).toEqual(["declined", null]);
  });
});
