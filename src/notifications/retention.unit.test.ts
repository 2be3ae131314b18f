import { beforeEach, describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { deliveryCutoff, PRUNE_CHUNK, pruneDeliveries, pruneLetters } from "./retention";
import { keepLetter } from "./dead-letters.fixture";

let db: D1Database;
const day = (d: number) => new Date(Date.UTC(2026, 10, 1 + d));

/** Records `n` deliveries created at `createdAt`, after every one there (the next `seq`s). */
async function deliveries(n: number, createdAt: Date, prefix: string) {
  const statements = Array.from({ length: n }, (_, i) =>
    db
      .prepare(
        `INSERT INTO notification_deliveries (event_id, channel, recipient, audience, ride_id, event, status, attempts, created_at, updated_at)
         VALUES (?1, 'push', 'r1', 'rider', 'rd_1', 'DriverAssigned', 'sent', 1, ?2, ?2)`,
      )
      .bind(`${prefix}-${i}`, createdAt.getTime()),
  );
  await db.batch(statements);
}
const left = async () =>
  (await db.prepare("SELECT event_id FROM notification_deliveries ORDER BY event_id").all<{ event_id: string }>()).results.map((r) => r.event_id);

beforeEach(async () => {
  db = (await sqliteD1("migrations/notifications")) as unknown as D1Database;
});

describe("the delivery log's retention", () => {
  it("the cut-off is 30 days before now by default", () => {
    expect(deliveryCutoff(day(40))).toEqual(day(10));
    expect(deliveryCutoff(day(40), 7)).toEqual(day(33));
  });

  it("deletes only deliveries created before the cut-off, a delivery made at it kept", async () => {
    await deliveries(2, day(1), "old");
    await deliveries(1, day(10), "edge");
    await deliveries(2, day(20), "new");
    expect(await pruneDeliveries(db, day(10), 1000)).toBe(2);
    expect(await left()).toEqual(["edge-0", "new-0", "new-1"]);
    expect(await pruneDeliveries(db, day(10), 1000)).toBe(0);
  });

  it("stops at the run's bound, oldest first, and the next run goes on from there", async () => {
    await deliveries(PRUNE_CHUNK + 20, day(1), "a");
    await deliveries(30, day(2), "b");
    await deliveries(5, day(30), "keep");
    expect(await pruneDeliveries(db, day(10), PRUNE_CHUNK + 10)).toBe(PRUNE_CHUNK + 10);
    const after = await left();
    expect(after.filter((id) => id.startsWith("a-"))).toHaveLength(10);
    expect(after.filter((id) => id.startsWith("b-"))).toHaveLength(30);
    expect(await pruneDeliveries(db, day(10), 10_000)).toBe(40);
    expect(await left()).toEqual(["keep-0", "keep-1", "keep-2", "keep-3", "keep-4"]);
  });

  it("a delivery recorded a little out of order (a consumer's clock behind) goes at the next run, and nothing after the cut-off goes", async () => {
    await deliveries(PRUNE_CHUNK, day(1), "old");
    await deliveries(PRUNE_CHUNK, day(20), "new");
    // Recorded after the new ones, created before the cut-off. The run stops at the first chunk
    // of new ones: a prune that looked past them (filtering on time inside the LIMIT) would scan
    // the whole log whenever nothing is old, and would delete this one now.
    await deliveries(1, day(2), "late");
    expect(await pruneDeliveries(db, day(10), 10_000)).toBe(PRUNE_CHUNK);
    const after = await left();
    expect(after).toHaveLength(PRUNE_CHUNK + 1);
    expect(after).toContain("late-0");
    await db.prepare("DELETE FROM notification_deliveries WHERE event_id LIKE 'new-%'").run();
    expect(await pruneDeliveries(db, day(10), 10_000)).toBe(1);
    expect(await left()).toEqual([]);
  });
});

describe("the dead letters' retention", () => {
  it("deletes the letters received before the cut-off (too old to replay), open or replayed, at most the bound; later ones stay", async () => {
    await keepLetter(db, { id: "old-open", rideId: "rd_1", eventId: "ev_1", receivedAt: day(1).toISOString() });
    await keepLetter(db, { id: "old-replayed", rideId: "rd_2", eventId: "ev_2", receivedAt: day(2).toISOString() });
    await keepLetter(db, { id: "old-third", rideId: "rd_3", eventId: "ev_3", receivedAt: day(3).toISOString() });
    await keepLetter(db, { id: "at-cutoff", rideId: "rd_4", eventId: "ev_4", receivedAt: day(10).toISOString() });
    await db.prepare("UPDATE notification_dead_letters SET replayed_at = ?1 WHERE id = 'old-replayed'").bind(day(2).toISOString()).run();
    expect(await pruneLetters(db, day(10), 2)).toBe(2);
    expect(await pruneLetters(db, day(10), 2)).toBe(1);
    const ids = (await db.prepare("SELECT id FROM notification_dead_letters").all<{ id: string }>()).results.map((r) => r.id);
    expect(ids).toEqual(["at-cutoff"]);
  });
});
