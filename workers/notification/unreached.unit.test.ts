/**
 * A KakaoTalk delivery planned while its phone check could not answer (the views database down),
 * for a rider with no phone on file: its next try knows the channel does not reach them. Over the
 * real delivery log (Node's SQLite), the row is failed for good with why, not left `retrying` with
 * nothing on its way.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DomainEvent, NotificationMessage } from "../../src/domain/events";
import { record } from "../../src/domain/ride/fixtures";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { withFault, type Channel } from "./channels";
import { DeliveryLog, keyOf, type PlannedDelivery } from "./delivery-log";
import { handleNotifications } from "./handler";

const ride = record("completed", "captured", { driver: true }).ride;
const completed: NotificationMessage = {
  kind: "ride.notification",
  event: {
    id: "ev_done",
    type: "RideCompleted",
    version: 9,
    occurredAt: "2026-12-06T10:00:00Z",
    correlationId: "c",
    causationId: null,
    data: {},
    rideId: ride.id,
  } as DomainEvent,
  ride,
  locale: "en",
};
const kakaoRow: PlannedDelivery = {
  eventId: "ev_done",
  channel: "kakao",
  recipient: ride.riderId,
  audience: "rider",
  rideId: ride.id,
  event: "RideCompleted",
  version: 9,
};

let log: DeliveryLog;
/** What the phone check answers: a phone, none, or no answer (the views database down). */
let phone: "on file" | "none" | "down";
let sent: string[];
const kakao: Channel = {
  name: "kakao",
  reachMayChange: true,
  accepts: async () => {
    if (phone === "down") throw new Error("D1_ERROR: views unavailable");
    return phone === "on file";
  },
  send: async (d) => {
    if (phone === "down") throw new Error("D1_ERROR: views unavailable");
    sent.push(`kakao:${d.eventId}`);
  },
};
const webhook: Channel = { name: "webhook", accepts: async () => true, send: async (d) => void sent.push(d.eventId) };
const run = () =>
  handleNotifications([completed], { log, channels: [webhook, kakao], maxAttempts: 5, render: { receiptUrl: (id) => id }, deadLetter: async () => undefined });
const kakaoStatus = async () => (await log.lookUp([kakaoRow])).get(keyOf(kakaoRow));

beforeEach(async () => {
  log = new DeliveryLog((await sqliteD1("migrations/notifications")) as unknown as D1Database);
  sent = [];
});

describe("a delivery planned while its channel's check could not answer", () => {
  it("is failed for good at the next try that finds the channel does not reach them, with why; then left alone", async () => {
    phone = "down";
    expect(await run()).toEqual([expect.objectContaining({ sent: 1, retrying: 1 })]);
    expect(await kakaoStatus()).toMatchObject({ status: "retrying", attempts: 1 });
    phone = "none";
    expect(await run()).toEqual([expect.objectContaining({ sent: 0, duplicate: 1, failed: 1, retrying: 0 })]);
    expect(await kakaoStatus()).toMatchObject({ status: "failed", lastError: "not delivered: kakao does not reach this rider" });
    // Delivered again: nothing more to record, nothing sent.
    expect(await run()).toEqual([expect.objectContaining({ sent: 0, duplicate: 1, failed: 0, retrying: 0 })]);
    expect(sent).toEqual(["ev_done"]);
  });

  it("never planned (no phone from the first try): no row at all", async () => {
    phone = "none";
    expect(await run()).toEqual([expect.objectContaining({ sent: 1, failed: 0, retrying: 0 })]);
    expect(await kakaoStatus()).toBeUndefined();
  });

  it("a phone on file by the next try: sent, as before", async () => {
    phone = "down";
    await run();
    phone = "on file";
    expect(await run()).toEqual([expect.objectContaining({ sent: 1, duplicate: 1 })]);
    expect(await kakaoStatus()).toMatchObject({ status: "sent" });
    expect(sent).toEqual(["ev_done", "kakao:ev_done"]);
  });
});

describe("which refused deliveries are looked up", () => {
  it("only a channel whose reach may change (KakaoTalk's phone) is asked about what it refuses; the live channel, never a rider's, is not", async () => {
    const live: Channel = { name: "live", accepts: async () => false, send: async () => undefined };
    const lookUp = vi.spyOn(log, "lookUp");
    phone = "none";
    await handleNotifications([completed], {
      log,
      channels: [webhook, kakao, live],
      maxAttempts: 5,
      render: { receiptUrl: (id) => id },
      deadLetter: async () => undefined,
    });
    expect(lookUp.mock.calls[0]![0].map((k) => k.channel)).toEqual(["webhook", "kakao"]);
    // A fault injected around a channel keeps what it says of its reach.
    expect(withFault(kakao, { mode: "down" }).reachMayChange).toBe(true);
    expect(withFault(webhook, { mode: "down" }).reachMayChange).toBeUndefined();
  });
});
