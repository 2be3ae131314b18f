/**
 * A rides page's query (`ridesAfter`) over the real views migrations in Node's SQLite: a
 * parcel's sealed handover code is read for its sender's list only; a driver's list and the
 * operators' never read the column.
 */
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { ridesAfter } from "./queries";

async function withParcel() {
  const db = await sqliteD1("migrations/views");
  await db
    .prepare(
      "INSERT INTO rides (id, rider_id, driver_id, status, product, version, created_at, updated_at, snapshot, handover_sealed) VALUES ('rd_1', 'r1', 'd1', 'in_progress', 'parcel_small', 4, 'a', 'a', '{}', 'iv.sealed')",
    )
    .run();
  return drizzle(db as unknown as D1Database);
}

describe("a rides page's query", () => {
  it("reads the sealed handover code for the sender's list", async () => {
    const d = await withParcel();
    const query = ridesAfter(d, { riderId: "r1", limit: 20 });
    expect((await query).map((r) => [r.id, r.handoverSealed])).toEqual([["rd_1", "iv.sealed"]]);
    expect(query.toSQL().sql).toMatch(/"handover_sealed"/);
  });

  it("never reads it for the courier's list or the operators'", async () => {
    const d = await withParcel();
    for (const filter of [{ driverId: "d1", limit: 20 }, { limit: 20 }, { status: "in_progress" as const, limit: 20 }]) {
      const query = ridesAfter(d, filter);
      expect((await query).map((r) => [r.id, r.handoverSealed])).toEqual([["rd_1", null]]);
      expect(query.toSQL().sql).not.toMatch(/handover_sealed/);
    }
  });
});
