/**
 * An owner's list filtered by status (`GET /v1/rides?status=`, `GET /v1/rentals?status=`) over the
 * real views migrations in Node's SQLite: it walks the owner's own rows (their index), never every
 * ride or rental of that status kept.
 */
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { queryPlan, sqliteD1, type D1Like } from "../../test/support/sqlite-d1";
import { ridesAfter } from "./queries";
import { listRentals } from "./rental-queries";

/** The database, recording every statement prepared (to ask SQLite its plan). */
async function recorded() {
  const db = await sqliteD1("migrations/views");
  const prepared: string[] = [];
  const spy = { ...db, prepare: (query: string) => (prepared.push(query), db.prepare(query)) } as D1Like;
  return { db, spy: spy as unknown as D1Database, prepared };
}

describe("an owner's list filtered by status", () => {
  it("a rider's rides: by rides_by_rider, the rider's rows alone, and only those of the status", async () => {
    const { db, spy } = await recorded();
    for (const [id, rider, status] of [
      ["rd_1", "r1", "completed"],
      ["rd_2", "r1", "cancelled"],
      ["rd_3", "r2", "completed"],
    ])
      await db
        .prepare(
          "INSERT INTO rides (id, rider_id, status, product, version, created_at, updated_at, snapshot) VALUES (?1, ?2, ?3, 'standard', 1, ?1, ?1, '{}')",
        )
        .bind(id, rider, status)
        .run();
    const query = ridesAfter(drizzle(spy), { riderId: "r1", status: "completed", limit: 20 });
    expect((await query).map((r) => r.id)).toEqual(["rd_1"]);
    const { sql, params } = query.toSQL();
    const plan = await queryPlan(db, sql, params);
    expect(plan).toMatch(/SEARCH rides USING INDEX rides_by_rider \(rider_id=\?/);
    expect(plan).not.toMatch(/rides_by_status/);
    const all = ridesAfter(drizzle(spy), { status: "completed", limit: 20 }).toSQL();
    expect(await queryPlan(db, all.sql, all.params), "the operators' list, no owner: by status").toMatch(/rides_by_status/);
  });

  it("a rider's rentals: by rentals_by_rider", async () => {
    const { db, spy, prepared } = await recorded();
    await db
      .prepare(
        "INSERT INTO rentals (id, rider_id, vehicle_id, status, version, created_at, updated_at, snapshot) VALUES ('rn_1', 'r1', 'rv_1', 'completed', 1, 'a', 'a', '{}')",
      )
      .run();
    expect((await listRentals(spy, { riderId: "r1", status: "completed", limit: 20 })).items).toHaveLength(1);
    const plan = await queryPlan(db, prepared.at(-1)!, ["r1", "completed", 21]);
    expect(plan).toMatch(/SEARCH rentals USING INDEX rentals_by_rider \(rider_id=\?/);
    expect(plan).not.toMatch(/rentals_by_status/);
  });
});
