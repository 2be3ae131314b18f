/**
 * The live map's open rides and the 5 s figures' counts (src/views/ops-map.ts, stats.ts) over the
 * real views migrations in Node's SQLite: read by the partial index `rides_open`, so their cost
 * follows the rides under way, never every ride the views keep.
 */
import { describe, expect, it } from "vitest";
import { queryPlan, sqliteD1, type D1Like } from "../../test/support/sqlite-d1";
import { OPEN_RIDES, openRides } from "./ops-map";
import { countEnded, countOpen, OPEN_COUNTS } from "./stats";

const asD1 = (db: D1Like) => db as unknown as D1Database;

async function ride(db: D1Like, id: string, status: string, createdAt: string) {
  await db
    .prepare(`INSERT INTO rides (id, rider_id, status, product, version, created_at, updated_at, snapshot) VALUES (?1, 'r1', ?2, 'standard', 1, ?3, ?3, ?4)`)
    .bind(id, status, createdAt, JSON.stringify({ id, status }))
    .run();
}

describe("the rides under way", () => {
  it("are listed newest first and counted by status, the ended ones apart", async () => {
    const db = await sqliteD1("migrations/views");
    await ride(db, "rd_a", "requested", "2026-12-05T10:00:03.000Z");
    await ride(db, "rd_b", "in_progress", "2026-12-05T10:00:02.000Z");
    await ride(db, "rd_c", "completed", "2026-12-05T10:00:04.000Z");
    await ride(db, "rd_d", "cancelled", "2026-12-05T10:00:01.000Z");
    await ride(db, "rd_e", "requested", "2026-12-05T10:00:00.000Z");
    expect((await openRides(asD1(db))).map((r) => r.id)).toEqual(["rd_a", "rd_b", "rd_e"]);
    expect((await openRides(asD1(db), 1)).map((r) => r.id)).toEqual(["rd_a"]);
    const byStatus = (counts: { status: string; n: number }[]) => Object.fromEntries(counts.map((c) => [c.status, c.n]));
    expect(byStatus(await countOpen(asD1(db)))).toEqual({ requested: 2, in_progress: 1 });
    expect(byStatus(await countEnded(asD1(db)))).toEqual({ completed: 1, cancelled: 1 });
  });

  it("are read by rides_open alone: never a walk of every ride kept", async () => {
    const db = await sqliteD1("migrations/views");
    for (const [query, params] of [
      [OPEN_RIDES, [5000]],
      [OPEN_COUNTS, []],
    ] as const) {
      const plan = await queryPlan(db, query, [...params]);
      expect(plan).toMatch(/(SCAN|SEARCH) rides USING (COVERING )?INDEX rides_open/);
      expect(plan).not.toMatch(/rides_by_created|rides_by_status|SCAN rides\n|SCAN rides$/);
    }
  });
});
