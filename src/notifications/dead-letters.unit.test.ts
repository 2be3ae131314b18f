import { beforeEach, describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { countOpenNotificationDeadLetters, listNotificationDeadLetters, queueBatches, REPLAY_MAX, replayNotificationDeadLetters } from "./dead-letters";

let db: D1Database;
let sent: unknown[][];
const send = async (bodies: unknown[]) => void sent.push(bodies);
const message = (rideId: string, eventId: string, extra: Record<string, unknown> = {}) => ({
  kind: "ride.notification",
  event: { id: eventId, type: "DriverAssigned" },
  ride: { id: rideId },
  locale: "ko",
  ...extra,
});

async function letter(
  id: string,
  rideId: string,
  eventId: string,
  receivedAt: string,
  body: unknown = message(rideId, eventId, { deadLetterReason: "webhook: 500" }),
) {
  await db
    .prepare("INSERT INTO notification_dead_letters (id, event_id, ride_id, body, reason, received_at) VALUES (?, ?, ?, ?, 'webhook: 500', ?)")
    .bind(id, eventId, rideId, typeof body === "string" ? body : JSON.stringify(body), receivedAt)
    .run();
}
async function delivery(rideId: string, eventId: string, channel: string, status: string, attempts = 3) {
  await db
    .prepare(
      `INSERT INTO notification_deliveries (event_id, channel, recipient, audience, ride_id, event, status, attempts, created_at, updated_at)
       VALUES (?, ?, 'r1', 'rider', ?, 'DriverAssigned', ?, ?, 0, 0)`,
    )
    .bind(eventId, channel, rideId, status, attempts)
    .run();
}
const deliveries = async () =>
  (await db.prepare("SELECT ride_id, event_id, channel, status, attempts FROM notification_deliveries ORDER BY seq").all()).results;
const replayedAt = async (id: string) =>
  (await db.prepare("SELECT replayed_at FROM notification_dead_letters WHERE id = ?").bind(id).first<string>("replayed_at")) ?? null;

beforeEach(async () => {
  db = (await sqliteD1("migrations/notifications")) as unknown as D1Database;
  sent = [];
});

describe("replaying notification dead letters", () => {
  it("a queue that refuses leaves every letter open, to be sent by the next replay", async () => {
    await letter("m1", "rd_1", "ev_1", "2026-12-01T10:00:00Z");
    const refusing = async () => {
      throw new Error("queue down");
    };
    await expect(replayNotificationDeadLetters(db, refusing, {})).rejects.toThrow("queue down");
    expect(await replayedAt("m1")).toBeNull();
    expect(await countOpenNotificationDeadLetters(db)).toBe(1);
    expect(await replayNotificationDeadLetters(db, send, {})).toMatchObject({ replayed: 1 });
    expect(sent.flat()).toHaveLength(1);
  });

  it("a body that is not JSON is left open and named, the others sent", async () => {
    await letter("bad", "rd_1", "ev_1", "2026-12-01T10:00:00Z", "{not json");
    await letter("good", "rd_2", "ev_2", "2026-12-01T10:01:00Z");
    const report = await replayNotificationDeadLetters(db, send, {});
    expect(report).toEqual({ replayed: 1, notOpen: [], unreadable: ["bad"], more: false });
    expect(await replayedAt("bad")).toBeNull();
    expect(await replayedAt("good")).not.toBeNull();
  });

  it("ids asked for that are replayed already or unknown are named, not sent", async () => {
    await letter("m1", "rd_1", "ev_1", "2026-12-01T10:00:00Z");
    await replayNotificationDeadLetters(db, send, { ids: ["m1"] });
    sent = [];
    expect(await replayNotificationDeadLetters(db, send, { ids: ["m1", "nope"] })).toEqual({
      replayed: 0,
      notOpen: ["m1", "nope"],
      unreadable: [],
      more: false,
    });
    expect(sent).toEqual([]);
  });

  it("resets only the failed deliveries of the letter's event: a sent one is never sent again, another event's failure stays", async () => {
    await letter("m1", "rd_1", "ev_1", "2026-12-01T10:00:00Z");
    await delivery("rd_1", "ev_1", "webhook", "failed");
    await delivery("rd_1", "ev_1", "live", "sent", 1);
    await delivery("rd_1", "ev_2", "webhook", "failed");
    await delivery("rd_9", "ev_1", "webhook", "failed");
    expect(await replayNotificationDeadLetters(db, send, {})).toMatchObject({ replayed: 1 });
    expect(await deliveries()).toEqual([
      { ride_id: "rd_1", event_id: "ev_1", channel: "webhook", status: "retrying", attempts: 0 },
      { ride_id: "rd_1", event_id: "ev_1", channel: "live", status: "sent", attempts: 1 },
      { ride_id: "rd_1", event_id: "ev_2", channel: "webhook", status: "failed", attempts: 3 },
      { ride_id: "rd_9", event_id: "ev_1", channel: "webhook", status: "failed", attempts: 3 },
    ]);
  });

  it("sends the message as it was, without the dead-letter reason, and marks the letter replayed", async () => {
    await letter("m1", "rd_1", "ev_1", "2026-12-01T10:00:00Z");
    const now = new Date("2026-12-02T09:00:00Z");
    expect(await replayNotificationDeadLetters(db, send, { now })).toEqual({ replayed: 1, notOpen: [], unreadable: [], more: false });
    expect(sent).toEqual([[message("rd_1", "ev_1")]]);
    expect(await replayedAt("m1")).toBe(now.toISOString());
    expect(await countOpenNotificationDeadLetters(db)).toBe(0);
    sent = [];
    expect(await replayNotificationDeadLetters(db, send, {})).toMatchObject({ replayed: 0, more: false });
    expect(sent).toEqual([]);
  });

  it("sends the oldest first, at most REPLAY_MAX a call, and says there is more", async () => {
    for (let i = 0; i < REPLAY_MAX + 3; i++)
      await letter(`m${String(i).padStart(3, "0")}`, `rd_${i}`, `ev_${i}`, `2026-12-01T10:${String(i % 60).padStart(2, "0")}:00Z`);
    const first = await replayNotificationDeadLetters(db, send, {});
    expect(first).toMatchObject({ replayed: REPLAY_MAX, more: true });
    expect(await replayedAt("m000")).not.toBeNull();
    const second = await replayNotificationDeadLetters(db, send, {});
    expect(second).toMatchObject({ replayed: 3, more: false });
    expect(sent.flat()).toHaveLength(REPLAY_MAX + 3);
  });

  it("only the letters named, when ids are given", async () => {
    await letter("m1", "rd_1", "ev_1", "2026-12-01T10:00:00Z");
    await letter("m2", "rd_2", "ev_2", "2026-12-01T10:01:00Z");
    expect(await replayNotificationDeadLetters(db, send, { ids: ["m2", "m2"] })).toMatchObject({ replayed: 1 });
    expect(sent.flat()).toEqual([message("rd_2", "ev_2")]);
    expect(await replayedAt("m1")).toBeNull();
  });
});

describe("queue batches", () => {
  it("cuts under the byte budget and at 100 messages, a body above the budget alone", () => {
    const body = (n: number) => ({ text: "x".repeat(n) }); // n + 11 bytes of JSON
    const sizes = queueBatches([body(40), body(40), body(40), body(500), body(10)], 120).map((b) => b.length);
    expect(sizes).toEqual([2, 1, 1, 1]);
    expect(queueBatches(Array.from({ length: 250 }, () => 1)).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(queueBatches([])).toEqual([]);
  });
});

describe("listing notification dead letters", () => {
  it("newest first, paged, with what each is about; open only those not replayed", async () => {
    await letter("m1", "rd_1", "ev_1", "2026-12-01T10:00:00Z");
    await letter("m2", "", "ev_2", "2026-12-01T10:01:00Z", { kind: "driver.notification", event: { id: "ev_2", type: "DriverApproved" } });
    await letter("m3", "po_1", "ev_3", "2026-12-01T10:01:00Z", { kind: "payout.notification", event: { id: "ev_3", type: "PayoutSent" } });
    const first = await listNotificationDeadLetters(db, { limit: 2 });
    expect(first.items.map((l) => [l.id, l.kind, l.eventType, l.subjectId])).toEqual([
      ["m3", "payout.notification", "PayoutSent", "po_1"],
      ["m2", "driver.notification", "DriverApproved", null],
    ]);
    const second = await listNotificationDeadLetters(db, { limit: 2, after: first.last });
    expect(second.items.map((l) => l.id)).toEqual(["m1"]);
    expect(second.last).toBeNull();
    await replayNotificationDeadLetters(db, send, { ids: ["m3"] });
    expect((await listNotificationDeadLetters(db, { open: true, limit: 10 })).items.map((l) => l.id)).toEqual(["m2", "m1"]);
    expect((await listNotificationDeadLetters(db, { limit: 10 })).items[0]).toMatchObject({ id: "m3", replayedAt: expect.any(String) });
  });
});
