import { beforeEach, describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { deliveryCutoff, PRUNE_CHUNK, pruneDeliveries } from "./retention";

let db: D1Database;
const day = (d: number) => new Date(Date.UTC(2026, 10, 1 + d)).toISOString();

async function deliveries(n: number, createdAt: string, prefix: string) {
  const statements = Array.from({ length: n }, (_, i) =>
    db
      .prepare(
        `INSERT INTO notification_deliveries (event_id, channel, recipient, id, ride_id, event, locale, status, attempts, correlation_id, created_at, updated_at)
         VALUES (?1, 'push', 'r1', ?1, 'rd_1', 'DriverAssigned', 'ko', 'sent', 1, 'c', ?2, ?2)`,
      )
      .bind(`${prefix}-${i}`, createdAt),
  );
  await db.batch(statements);
}
const left = async () =>
  (await db.prepare("SELECT event_id FROM notification_deliveries ORDER BY event_id").all<{ event_id: string }>()).results.map((r) => r.event_id);

beforeEach(async () => {
  db = (await sqliteD1("migrations/views")) as unknown as D1Database;
});

describe("the delivery log's retention", () => {
  it("the cut-off is 30 days before now by default", () => {
    expect(deliveryCutoff(new Date(day(40)))).toBe(day(10));
    expect(deliveryCutoff(new Date(day(40)), 7)).toBe(day(33));
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
});
