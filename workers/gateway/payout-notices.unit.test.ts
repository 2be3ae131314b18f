import { describe, expect, it } from "vitest";
import type { PayoutNotificationMessage } from "../../src/domain/events";
import type { UntoldPayout } from "../payment/payout-told";
import { PAYOUT_NOTICES_PER_PAGE, payoutNotice, tellPayouts, type PayoutNoticeDeps } from "./payout-notices";

const payout = (i: number, status: UntoldPayout["status"] = "succeeded"): UntoldPayout => ({
  id: `po_${String(i).padStart(4, "0")}`,
  driverId: `d${i % 3}`,
  amount: { amount: 1000 + i, currency: "KRW" },
  cutoff: "2026-12-01T00:00:00.000Z",
  status,
  answeredAt: "2026-12-01T00:05:00.000Z",
});

/** A ledger of untold payouts in memory, and a queue that can be made to fail. */
function world(count: number, failSendAt: number | null = null) {
  const untold = Array.from({ length: count }, (_, i) => payout(i));
  const sent: PayoutNotificationMessage[][] = [];
  const deps: PayoutNoticeDeps = {
    untold: async (limit) => untold.slice(0, limit),
    markTold: async (ids) => {
      for (const id of ids) {
        const at = untold.findIndex((p) => p.id === id);
        if (at >= 0) untold.splice(at, 1);
      }
    },
    send: async (messages) => {
      if (sent.length === failSendAt) throw new Error("queue unavailable");
      sent.push(messages);
    },
  };
  return { untold, sent, deps };
}

describe("telling drivers of their payouts", () => {
  it("a send that fails leaves its payouts untold, and throws (the next call, or the cron, tells them)", async () => {
    const { untold, sent, deps } = world(3, 0);
    await expect(tellPayouts(deps, "req-1", 5)).rejects.toThrow("queue unavailable");
    expect(sent).toEqual([]);
    expect(untold).toHaveLength(3);
  });

  it("a failure on a later page keeps what earlier pages told, and leaves the rest untold", async () => {
    const { untold, sent, deps } = world(PAYOUT_NOTICES_PER_PAGE + 30, 1);
    await expect(tellPayouts(deps, "req-1", 5)).rejects.toThrow("queue unavailable");
    expect(sent.map((batch) => batch.length)).toEqual([PAYOUT_NOTICES_PER_PAGE]);
    expect(untold).toHaveLength(30);
  });

  it("tells every untold payout once, in queue batches of at most 100, and stops at its page bound", async () => {
    const { untold, sent, deps } = world(2 * PAYOUT_NOTICES_PER_PAGE + 5);
    expect(await tellPayouts(deps, "req-1", 2)).toBe(2 * PAYOUT_NOTICES_PER_PAGE);
    expect(untold).toHaveLength(5);
    expect(await tellPayouts(deps, "req-2", 2)).toBe(5);
    expect(sent.map((batch) => batch.length)).toEqual([100, 100, 5]);
    const ids = sent.flat().map((m) => m.payout.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await tellPayouts(deps, "req-3", 2)).toBe(0);
    expect(sent).toHaveLength(3);
  });

  it("a payout's notice: the driver, PayoutSent or PayoutFailed, and an event id that is the payout's own (so a repeat is delivered once)", () => {
    const paid = payoutNotice(payout(7), "req-9");
    expect(paid).toMatchObject({
      kind: "payout.notification",
      event: {
        id: "ev_po_0007",
        type: "PayoutSent",
        driverId: "d1",
        occurredAt: "2026-12-01T00:05:00.000Z",
        correlationId: "req-9",
        data: { payoutId: "po_0007", amount: { amount: 1007, currency: "KRW" } },
      },
    });
    expect(payoutNotice(payout(7, "failed"), "req-10").event).toMatchObject({ id: "ev_po_0007", type: "PayoutFailed" });
  });
});
