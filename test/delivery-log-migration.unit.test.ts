/**
 * Views migration 0006 (the slimmer delivery log) over rows written before it: each keeps its
 * key, status and attempts, gains its audience from the id it had, and its times become
 * milliseconds; `seq` follows the time the rows were created, whatever order they were stored in.
 */
import { describe, expect, it } from "vitest";
import { deliveryId } from "../src/notifications/delivery-id";
import { applyMigration, sqliteD1 } from "./support/sqlite-d1";

const MIGRATION = "0006_delivery_log_slim.sql";

describe("views migration 0006: the delivery log slimmed", () => {
  it("keeps every delivery, with its audience, its id and its times, in the order they were created", async () => {
    const db = await sqliteD1("migrations/views", { before: MIGRATION });
    const old = (eventId: string, audience: string, createdAt: string, status = "sent", attempts = 1, lastError: string | null = null) =>
      db
        .prepare(
          `INSERT INTO notification_deliveries (event_id, channel, recipient, id, ride_id, event, locale, status, attempts, last_error, correlation_id, created_at, updated_at)
           VALUES (?1, 'webhook', ?2, ?3, 'rd_1', 'DriverAssigned', 'ko', ?4, ?5, ?6, 'c1', ?7, ?7)`,
        )
        .bind(eventId, `${audience}_1`, `nt_${eventId}_webhook_${audience}`, status, attempts, lastError, createdAt)
        .run();
    // Stored out of time order: the copy must put them in order.
    await old("ev_b", "driver", "2026-11-02T10:00:00.250Z", "retrying", 2, "timeout");
    await old("ev_a", "rider", "2026-11-01T09:30:00.000Z");
    await old("ev_c", "rider", "2026-11-03T00:00:00.001Z", "failed", 3, "gone");

    await applyMigration(db, "migrations/views", MIGRATION);

    const rows = (await db.prepare("SELECT * FROM notification_deliveries ORDER BY seq").all()).results;
    expect(rows).toEqual([
      expect.objectContaining({
        event_id: "ev_a",
        audience: "rider",
        recipient: "rider_1",
        status: "sent",
        attempts: 1,
        last_error: null,
        created_at: Date.parse("2026-11-01T09:30:00.000Z"),
      }),
      expect.objectContaining({
        event_id: "ev_b",
        audience: "driver",
        status: "retrying",
        attempts: 2,
        last_error: "timeout",
        created_at: Date.parse("2026-11-02T10:00:00.250Z"),
      }),
      expect.objectContaining({
        event_id: "ev_c",
        audience: "rider",
        status: "failed",
        attempts: 3,
        last_error: "gone",
        updated_at: Date.parse("2026-11-03T00:00:00.001Z"),
      }),
    ]);
    // The ids the channels sent with before are the ids computed now.
    const typed = rows as { event_id: string; channel: string; audience: "rider" | "driver" }[];
    expect(typed.map((r) => deliveryId({ eventId: r.event_id, channel: r.channel, audience: r.audience }))).toEqual([
      "nt_ev_a_webhook_rider",
      "nt_ev_b_webhook_driver",
      "nt_ev_c_webhook_rider",
    ]);
    // The claim still holds: the same (event, channel, recipient) cannot be recorded twice.
    await expect(
      db
        .prepare(
          "INSERT INTO notification_deliveries (event_id, channel, recipient, audience, ride_id, event, status, attempts, created_at, updated_at) VALUES ('ev_a', 'webhook', 'rider_1', 'rider', 'rd_1', 'X', 'sent', 1, 0, 0)",
        )
        .run(),
    ).rejects.toThrow(/UNIQUE/);
  });
});

describe("the delivery log moved to the notification database", () => {
  /** Every table and index of the notification worker, as SQLite keeps their definitions (quoting aside: a table recreated by a migration keeps its name in double quotes). */
  const shapes = async (dir: string) =>
    (
      await (
        await sqliteD1(dir)
      )
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'notification%' OR name = 'deliveries_by_ride' ORDER BY name")
        .all<{ type: string; name: string; sql: string }>()
    ).results.map((r) => ({ ...r, sql: r.sql.replace(/["`]/g, "") }));

  it("the views keep the old log in the shape of the new one, so the same retention empties both (the dead letters but their replay mark)", async () => {
    const inViews = await shapes("migrations/views");
    expect(inViews.map((r) => r.name)).toEqual(["deliveries_by_ride", "notification_dead_letters", "notification_deliveries", "notification_faults"]);
    // Two columns more in the notification database: a replay claims a dead letter and marks it sent again there. The views' old letters need none: they are moved over, open.
    const inNotifications = await shapes("migrations/notifications");
    const letters = inNotifications.find((r) => r.name === "notification_dead_letters");
    expect(letters?.sql).toMatch(/, replayed_at text, replaying_until text\)$/);
    expect(inNotifications.map((r) => (r === letters ? { ...r, sql: r.sql.replace(", replayed_at text, replaying_until text)", ")") } : r))).toEqual(inViews);
  });
});
