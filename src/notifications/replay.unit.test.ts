import { beforeEach, describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { keepLetter, message } from "./dead-letters.fixture";
import { countOpenNotificationDeadLetters } from "./dead-letters";
import { queueBatches, readableMessage, REPLAY_LEASE_MS, REPLAY_MAX, replayNotificationDeadLetters } from "./replay";

let db: D1Database;
let sent: unknown[][];
const send = async (bodies: unknown[]) => void sent.push(bodies);
const NOW = new Date("2026-12-02T10:00:00Z");
const at = (minutesBefore: number) => new Date(NOW.getTime() - minutesBefore * 60_000).toISOString();
const letter = (id: string, rideId: string, eventId: string, receivedAt = at(5), body?: unknown) => keepLetter(db, { id, rideId, eventId, receivedAt, body });
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
const replay = (options: { ids?: string[]; now?: Date } = {}, sender: (bodies: unknown[]) => Promise<void> = send) =>
  replayNotificationDeadLetters(db, sender, { now: NOW, ...options });

beforeEach(async () => {
  db = (await sqliteD1("migrations/notifications")) as unknown as D1Database;
  sent = [];
});

describe("replaying notification dead letters: what must not happen", () => {
  it("a queue that refuses leaves every letter open and free, its deliveries failed, to be sent by the next replay at once", async () => {
    await letter("m1", "rd_1", "ev_1");
    await delivery("rd_1", "ev_1", "webhook", "failed");
    await delivery("rd_1", "ev_1", "kakao", "sent", 1);
    const refusing = async () => {
      throw new Error("queue down");
    };
    await expect(replay({}, refusing)).rejects.toThrow("queue down");
    expect(await replayedAt("m1")).toBeNull();
    expect(await countOpenNotificationDeadLetters(db)).toBe(1);
    // Its deliveries failed as they were: not retrying with nothing on its way to retry them.
    expect((await deliveries()).map((r) => [r.channel, r.status])).toEqual([
      ["webhook", "failed"],
      ["kakao", "sent"],
    ]);
    expect(await replay()).toMatchObject({ replayed: 1 });
    expect((await deliveries()).map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ["webhook", "retrying", 0],
      ["kakao", "sent", 1],
    ]);
    expect(sent.flat()).toHaveLength(1);
  });

  it("two replays at once send each letter once: the second finds them claimed", async () => {
    await letter("m1", "rd_1", "ev_1");
    let release: () => void = () => undefined;
    const slow = async (bodies: unknown[]) => {
      await new Promise<void>((r) => (release = r));
      sent.push(bodies);
    };
    const first = replay({}, slow);
    await new Promise((r) => setTimeout(r, 20));
    expect(await replay({ ids: ["m1"] })).toMatchObject({ replayed: 0, notOpen: ["m1"] });
    expect(await replay()).toMatchObject({ replayed: 0 });
    release();
    expect(await first).toMatchObject({ replayed: 1 });
    expect(sent.flat()).toHaveLength(1);
  });

  it("two replays that read the same open letters before either claims them: only one claim takes each", async () => {
    await letter("m1", "rd_1", "ev_1");
    await letter("m2", "rd_2", "ev_2");
    const reports = await Promise.all([replay(), replay(), replay({ ids: ["m1", "m2"] })]);
    expect(reports.reduce((n, r) => n + r.replayed, 0)).toBe(2);
    expect(
      sent
        .flat()
        .map((m) => (m as { event: { id: string } }).event.id)
        .sort(),
    ).toEqual(["ev_1", "ev_2"]);
  });

  it("a replay that died after its claim leaves the letters to the next one once the lease is over", async () => {
    await letter("m1", "rd_1", "ev_1");
    const dying = async () => {
      throw new Error("the worker died here");
    };
    // As if it died: the claim stays (no release), which the failing send would have done.
    await db
      .prepare("UPDATE notification_dead_letters SET replaying_until = ? WHERE id = 'm1'")
      .bind(new Date(NOW.getTime() + REPLAY_LEASE_MS).toISOString())
      .run();
    expect(await replay({}, dying)).toMatchObject({ replayed: 0 });
    expect(await replay({ now: new Date(NOW.getTime() + REPLAY_LEASE_MS + 1) })).toMatchObject({ replayed: 1 });
    expect(sent.flat()).toHaveLength(1);
  });

  it("one message for an event, however many of its deliveries left a letter; each letter marked", async () => {
    await letter("m1", "rd_1", "ev_1");
    await letter("m2", "rd_1", "ev_1");
    await letter("m3", "rd_2", "ev_2");
    expect(await replay()).toMatchObject({ replayed: 3 });
    expect(sent.flat()).toEqual([message("rd_1", "ev_1"), message("rd_2", "ev_2")]);
    expect([await replayedAt("m1"), await replayedAt("m2"), await replayedAt("m3")]).toEqual([NOW.toISOString(), NOW.toISOString(), NOW.toISOString()]);
  });

  it("a letter older than the delivery log's retention is not sent again (its sent rows may be gone): named when asked for, passed over otherwise", async () => {
    await letter("old", "rd_1", "ev_1", at(31 * 24 * 60));
    await letter("edge", "rd_2", "ev_2", at(30 * 24 * 60 - 30)); // within the hour's margin
    await letter("new", "rd_3", "ev_3");
    expect(await replay({ ids: ["old", "edge"] })).toEqual({ replayed: 0, notOpen: [], tooOld: ["old", "edge"], unreadable: [], more: false });
    expect(await replay()).toMatchObject({ replayed: 1, more: false });
    expect(sent.flat()).toEqual([message("rd_3", "ev_3")]);
    expect(await replayedAt("old")).toBeNull();
    // A shorter retention (a Seoul-size city keeps a day) makes a letter of two days too old.
    await letter("two-days", "rd_4", "ev_4", at(2 * 24 * 60));
    expect(await replayNotificationDeadLetters(db, send, { now: NOW, retentionDays: 1, ids: ["two-days"] })).toMatchObject({ tooOld: ["two-days"] });
  });

  it("too old is the event's age, not its letter's: a replay that failed again, whose new letter is recent, is not sent once its sent rows may be gone", async () => {
    const event = (eventId: string, minutesBefore: number) => ({ id: eventId, type: "DriverAssigned", occurredAt: at(minutesBefore) });
    // Given up on 20 h ago; replayed, failed again: the new letter is 1 h old, the event 45 h (retention a day).
    await letter("again", "rd_1", "ev_1", at(60), message("rd_1", "ev_1", { event: event("ev_1", 45 * 60) }));
    await letter("fresh", "rd_2", "ev_2", at(60), message("rd_2", "ev_2", { event: event("ev_2", 70) }));
    const report = await replayNotificationDeadLetters(db, send, { now: NOW, retentionDays: 1 });
    expect(report).toMatchObject({ replayed: 1, tooOld: [] });
    expect(sent.flat()).toEqual([message("rd_2", "ev_2", { event: event("ev_2", 70) })]);
    expect(await replayNotificationDeadLetters(db, send, { now: NOW, retentionDays: 1, ids: ["again"] })).toMatchObject({ tooOld: ["again"] });
    expect(await replayedAt("again")).toBeNull();
  });

  it("a body the worker could not read is left open and named, and never clogs the oldest-first replay", async () => {
    await letter("bad", "rd_1", "ev_1", at(50), "{not json");
    await letter("empty", "rd_1", "ev_9", at(40), {});
    await letter("no-type", "rd_1", "ev_8", at(30), { kind: "ride.notification", event: { id: "ev_8" } });
    await letter("good", "rd_2", "ev_2", at(20));
    expect(await replay({ ids: ["bad", "empty", "no-type"] })).toMatchObject({ replayed: 0, unreadable: ["bad", "empty", "no-type"], notOpen: [] });
    expect(await replay()).toEqual({ replayed: 1, notOpen: [], tooOld: [], unreadable: [], more: false });
    expect(sent.flat()).toEqual([message("rd_2", "ev_2")]);
    expect(await replayedAt("bad")).toBeNull();
  });

  it("ids asked for that are replayed already or unknown are named, not sent", async () => {
    await letter("m1", "rd_1", "ev_1");
    await replay({ ids: ["m1"] });
    sent = [];
    expect(await replay({ ids: ["m1", "nope"] })).toEqual({ replayed: 0, notOpen: ["m1", "nope"], tooOld: [], unreadable: [], more: false });
    expect(sent).toEqual([]);
  });
});

describe("replaying notification dead letters", () => {
  it("resets only the failed deliveries of the letter's event: a sent one is never sent again, another event's failure stays", async () => {
    await letter("m1", "rd_1", "ev_1");
    await delivery("rd_1", "ev_1", "webhook", "failed");
    await delivery("rd_1", "ev_1", "live", "sent", 1);
    await delivery("rd_1", "ev_2", "webhook", "failed");
    await delivery("rd_9", "ev_1", "webhook", "failed");
    // A driver's push that found no socket open failed with no outage: not sent again, old news by now.
    await db
      .prepare(
        `INSERT INTO notification_deliveries (event_id, channel, recipient, audience, ride_id, event, status, attempts, last_error, created_at, updated_at)
         VALUES ('ev_1', 'live', 'd2', 'driver', 'rd_1', 'DriverAssigned', 'failed', 1, 'not delivered: no open socket', 0, 0)`,
      )
      .run();
    expect(await replay()).toMatchObject({ replayed: 1 });
    expect(await deliveries()).toEqual([
      { ride_id: "rd_1", event_id: "ev_1", channel: "webhook", status: "retrying", attempts: 0 },
      { ride_id: "rd_1", event_id: "ev_1", channel: "live", status: "sent", attempts: 1 },
      { ride_id: "rd_1", event_id: "ev_2", channel: "webhook", status: "failed", attempts: 3 },
      { ride_id: "rd_9", event_id: "ev_1", channel: "webhook", status: "failed", attempts: 3 },
      { ride_id: "rd_1", event_id: "ev_1", channel: "live", status: "failed", attempts: 1 },
    ]);
  });

  it("sends the message as it was, without the dead-letter reason, and marks the letter replayed", async () => {
    await letter("m1", "rd_1", "ev_1");
    expect(await replay()).toEqual({ replayed: 1, notOpen: [], tooOld: [], unreadable: [], more: false });
    expect(sent).toEqual([[message("rd_1", "ev_1")]]);
    expect(await replayedAt("m1")).toBe(NOW.toISOString());
    expect(await countOpenNotificationDeadLetters(db)).toBe(0);
    sent = [];
    expect(await replay()).toMatchObject({ replayed: 0, more: false });
    expect(sent).toEqual([]);
  });

  it("sends the oldest first, at most REPLAY_MAX a call, and says there is more", async () => {
    for (let i = 0; i < REPLAY_MAX + 3; i++) await letter(`m${String(i).padStart(3, "0")}`, `rd_${i}`, `ev_${i}`, at(100 - i));
    expect(await replay()).toMatchObject({ replayed: REPLAY_MAX, more: true });
    expect(await replayedAt("m000")).not.toBeNull();
    expect(await replayedAt(`m${REPLAY_MAX}`)).toBeNull();
    expect(await replay()).toMatchObject({ replayed: 3, more: false });
    expect(sent.flat()).toHaveLength(REPLAY_MAX + 3);
  });

  it("only the letters named, when ids are given", async () => {
    await letter("m1", "rd_1", "ev_1");
    await letter("m2", "rd_2", "ev_2");
    expect(await replay({ ids: ["m2", "m2"] })).toMatchObject({ replayed: 1 });
    expect(sent.flat()).toEqual([message("rd_2", "ev_2")]);
    expect(await replayedAt("m1")).toBeNull();
  });
});

describe("what a replay sends", () => {
  it("a readable message has a kind and an event with an id and a type", () => {
    expect(readableMessage(message("rd_1", "ev_1"))).toBe(true);
    for (const body of [{}, null, "text", { kind: "ride.notification" }, { kind: 1, event: { id: "e", type: "t" } }, { kind: "k", event: { id: "e" } }])
      expect(readableMessage(body), JSON.stringify(body)).toBe(false);
  });

  it("queue batches are cut by bytes (Korean text counts three a character) and at 100 messages", () => {
    const body = (text: string) => ({ text }); // text + 11 bytes of JSON
    expect(
      queueBatches([body("x".repeat(40)), body("x".repeat(40)), body("x".repeat(40)), body("x".repeat(500)), body("x")], 120).map((b) => b.length),
    ).toEqual([2, 1, 1, 1]);
    // 40 Hangul syllables are 120 bytes: two no longer fit where two of 40 ASCII letters do.
    expect(queueBatches([body("가".repeat(40)), body("가".repeat(40))], 200).map((b) => b.length)).toEqual([1, 1]);
    expect(queueBatches(Array.from({ length: 250 }, () => 1)).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(queueBatches([])).toEqual([]);
  });
});
