import { beforeEach, describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { DEAD_LETTERS_A_MOVE, moveOldDeadLetters, retireViewsLog } from "./views-log";

let views: D1Database;
let notifications: D1Database;

const letter = (db: D1Database, id: string, receivedAt: string, reason = "retries exhausted") =>
  db
    .prepare("INSERT INTO notification_dead_letters (id, event_id, ride_id, body, reason, received_at) VALUES (?, 'ev_1', 'rd_1', '{\"a\":1}', ?, ?)")
    .bind(id, reason, receivedAt)
    .run();
const ids = async (db: D1Database) => (await db.prepare("SELECT id FROM notification_dead_letters ORDER BY id").all<{ id: string }>()).results.map((r) => r.id);

beforeEach(async () => {
  views = (await sqliteD1("migrations/views")) as unknown as D1Database;
  notifications = (await sqliteD1("migrations/notifications")) as unknown as D1Database;
});

describe("moving the views' old dead letters to the notification database", () => {
  it("moves them a few at a time, oldest first, each with its body and reason, until none is left", async () => {
    const n = DEAD_LETTERS_A_MOVE + 3;
    for (let i = 0; i < n; i++) await letter(views, `m${String(i).padStart(3, "0")}`, new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString());
    expect(await moveOldDeadLetters(views, notifications)).toBe(DEAD_LETTERS_A_MOVE);
    expect((await ids(views)).length).toBe(3);
    expect(await moveOldDeadLetters(views, notifications)).toBe(3);
    expect(await moveOldDeadLetters(views, notifications)).toBe(0);
    expect(await ids(views)).toEqual([]);
    expect((await ids(notifications)).length).toBe(n);
    const moved = await notifications.prepare("SELECT event_id, ride_id, body, reason FROM notification_dead_letters WHERE id = 'm000'").first();
    expect(moved).toEqual({ event_id: "ev_1", ride_id: "rd_1", body: '{"a":1}', reason: "retries exhausted" });
  });

  it("a run that died after copying and before deleting: the next copies nothing over the letter and deletes it", async () => {
    await letter(views, "m1", "2026-11-01T00:00:00.000Z", "copied, then the run died");
    await letter(notifications, "m1", "2026-11-01T00:00:00.000Z", "already here");
    expect(await moveOldDeadLetters(views, notifications)).toBe(1);
    expect(await ids(views)).toEqual([]);
    expect(await notifications.prepare("SELECT reason FROM notification_dead_letters WHERE id = 'm1'").first("reason")).toBe("already here");
  });
});

describe("a ten-minute run's share of retiring the views' old log", () => {
  it("prunes the old log before the cut-off, and only there, and moves the dead letters", async () => {
    const insert = (db: D1Database, eventId: string, createdAt: number) =>
      db
        .prepare(
          `INSERT INTO notification_deliveries (event_id, channel, recipient, audience, ride_id, event, status, attempts, created_at, updated_at)
           VALUES (?1, 'webhook', 'r1', 'rider', 'rd_1', 'RideCompleted', 'sent', 1, ?2, ?2)`,
        )
        .bind(eventId, createdAt)
        .run();
    const cutoff = new Date(Date.UTC(2026, 10, 15));
    await insert(views, "old", cutoff.getTime() - 1);
    await insert(views, "young", cutoff.getTime());
    await insert(notifications, "old-but-new-log", cutoff.getTime() - 1);
    await letter(views, "m1", "2026-11-01T00:00:00.000Z");
    expect(await retireViewsLog({ VIEWS_DB: views, NOTIFICATIONS_DB: notifications }, cutoff)).toEqual({ pruned: 1, moved: 1 });
    const events = async (db: D1Database) =>
      (await db.prepare("SELECT event_id FROM notification_deliveries").all<{ event_id: string }>()).results.map((r) => r.event_id);
    expect(await events(views)).toEqual(["young"]);
    // The new log is the every-minute cron's: this run leaves it alone.
    expect(await events(notifications)).toEqual(["old-but-new-log"]);
  });
});
