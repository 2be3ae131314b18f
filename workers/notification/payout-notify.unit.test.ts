import { describe, expect, it } from "vitest";
import type { PayoutNotificationMessage } from "../../src/domain/events";
import { payoutNotice } from "../gateway/payout-notices";
import type { UntoldPayout } from "../payment/payout-told";
import type { Channel, Delivery } from "./channels";
import type { DeliveryLog } from "./delivery-log";
import { handleNotifications } from "./handler";
import { PAYOUT_TEMPLATES } from "./account-templates";

const payout = (status: UntoldPayout["status"]): UntoldPayout => ({
  id: "po_abc",
  driverId: "d7",
  amount: { amount: 123_400, currency: "KRW" },
  cutoff: "2026-12-01T00:00:00.000Z",
  status,
  answeredAt: "2026-12-01T00:05:00.000Z",
});

function deps(sent: Delivery[], stored = new Map()) {
  const log = { lookUp: async () => stored, recordAll: async () => undefined } as unknown as DeliveryLog;
  const channel: Channel = { name: "live", accepts: async (d) => d.audience === "driver", send: async (d) => void sent.push(d) };
  return { log, channels: [channel], maxAttempts: 3, render: { receiptUrl: (id: string) => id }, deadLetter: async () => undefined };
}

describe("payout notifications", () => {
  it("an event of a type no driver is told of sends nothing (not a blank text): retried for a worker that knows it", async () => {
    const sent: Delivery[] = [];
    const odd: PayoutNotificationMessage = {
      ...payoutNotice(payout("succeeded"), "c"),
      event: { ...payoutNotice(payout("succeeded"), "c").event, type: "PayoutClaimed" },
    };
    expect((await handleNotifications([odd], deps(sent)))[0]).toMatchObject({ sent: 0, failed: 0, retrying: 1 });
    expect(sent).toEqual([]);
  });

  it("a payout made goes to its driver alone, in Korean with the English beside it, with the amount, under the payout's id", async () => {
    const sent: Delivery[] = [];
    expect((await handleNotifications([payoutNotice(payout("succeeded"), "req-1")], deps(sent)))[0]).toMatchObject({ sent: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      rideId: "po_abc",
      recipient: "d7",
      audience: "driver",
      locale: "ko",
      event: "PayoutSent",
      eventId: "ev_po_abc",
      templateCode: "DRIVER_PAYOUT_SENT_01",
      correlationId: "req-1",
    });
    expect(sent[0]!.text).toContain("123,400원");
    expect(sent[0]!.texts.en).toContain("KRW 123,400");
  });

  it("a payout the provider refused tells the driver it comes with the next one, and to check their account", async () => {
    const sent: Delivery[] = [];
    await handleNotifications([payoutNotice(payout("failed"), "req-2")], deps(sent));
    expect(sent[0]).toMatchObject({ event: "PayoutFailed", templateCode: "DRIVER_PAYOUT_FAILED_01", recipient: "d7" });
    expect(sent[0]!.texts.en).toMatch(/next payout/);
    expect(sent[0]!.texts.en).toMatch(/account/);
  });

  it("a payout refused on the platform's side (its balance short) tells the driver it comes with the next one, and asks nothing of them", async () => {
    const sent: Delivery[] = [];
    await handleNotifications([payoutNotice({ ...payout("failed"), onOurSide: true }, "req-3")], deps(sent));
    expect(sent[0]!.texts.en).toMatch(/next payout/);
    expect(sent[0]!.texts.en).toMatch(/nothing you need to do/);
    expect(sent[0]!.texts.en).not.toMatch(/account/);
    expect(sent[0]!.texts.ko).not.toContain("계좌");
  });

  it("both payout texts exist in both languages", () => {
    for (const [type, texts] of Object.entries(PAYOUT_TEMPLATES)) {
      expect(texts.ko(payout("succeeded")).length, type).toBeGreaterThan(5);
      expect(texts.en(payout("succeeded")).length, type).toBeGreaterThan(5);
    }
  });
});

describe("a message kind this worker does not know (a newer sender's)", () => {
  it("is retried with its reason, sending nothing, and the known ones beside it are delivered", async () => {
    const sent: Delivery[] = [];
    const newer = { kind: "wallet.notification", event: payoutNotice(payout("succeeded"), "c").event } as unknown as PayoutNotificationMessage;
    const summaries = await handleNotifications([newer, payoutNotice(payout("succeeded"), "c")], deps(sent));
    expect(summaries[0]).toMatchObject({ sent: 0, retrying: 1, lastError: "unknown message kind wallet.notification" });
    expect(summaries[1]).toMatchObject({ sent: 1, retrying: 0 });
    expect(sent.map((d) => d.event)).toEqual(["PayoutSent"]);
  });

  it("nor an event type of a known kind: retried to its dead letters, never acked as told to nobody", async () => {
    const sent: Delivery[] = [];
    const known = payoutNotice(payout("succeeded"), "c");
    const newer = { ...known, event: { ...known.event, id: "ev_new", type: "PayoutDelayed" } } as PayoutNotificationMessage;
    const rideNews = { kind: "ride.notification", event: { ...known.event, id: "ev_ride", type: "RideRerouted" } } as unknown as PayoutNotificationMessage;
    const summaries = await handleNotifications([newer, rideNews, known], deps(sent));
    expect(summaries[0]).toMatchObject({ sent: 0, retrying: 1, lastError: "unknown event type PayoutDelayed" });
    expect(summaries[1]).toMatchObject({ sent: 0, retrying: 1, lastError: "unknown event type RideRerouted" });
    expect(summaries[2]).toMatchObject({ sent: 1, retrying: 0 });
    expect(sent.map((d) => d.event)).toEqual(["PayoutSent"]);
  });
});
