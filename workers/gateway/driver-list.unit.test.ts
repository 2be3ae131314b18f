/**
 * The operators' driver list (`GET /v1/ops/drivers?status=&approval=`) over the real views
 * migrations in Node's SQLite: each filter reads by an index, never by walking every driver kept
 * (abandoned sign-ups never leave the table), and pages follow the id.
 */
import { describe, expect, it } from "vitest";
import { queryPlan, sqliteD1, type D1Like } from "../../test/support/sqlite-d1";
import { listDrivers } from "./queries";

async function withDrivers(rows: [id: string, status: string, approval: string][]) {
  const db = await sqliteD1("migrations/views");
  for (const [id, status, approval] of rows)
    await db
      .prepare(
        "INSERT INTO drivers (id, name, status, approval, product, version, updated_at, snapshot) VALUES (?1, 'n', ?2, ?3, 'standard', 1, 'a', json_object('id', ?1))",
      )
      .bind(id, status, approval)
      .run();
  const prepared: string[] = [];
  const spy = { ...db, prepare: (query: string) => (prepared.push(query), db.prepare(query)) } as D1Like;
  return { db, spy: spy as unknown as D1Database, prepared };
}

describe("the operators' driver list", () => {
  const rows: [string, string, string][] = [
    ["d_1", "offline", "approved"],
    ["d_2", "offline", "pending"],
    ["d_3", "available", "approved"],
    ["d_4", "offline", "pending"],
    ["d_5", "offline", "rejected"],
  ];

  it("by approval alone: drivers_by_approval, the pending drivers in id order, page by page", async () => {
    const { db, spy, prepared } = await withDrivers(rows);
    const first = await listDrivers(spy, { approval: "pending", limit: 1 });
    expect(first.items.map((d) => d.id)).toEqual(["d_2"]);
    const second = await listDrivers(spy, { approval: "pending", limit: 1, cursor: first.nextCursor! });
    expect(second.items.map((d) => d.id)).toEqual(["d_4"]);
    expect(second.nextCursor).toBeNull();
    const plan = await queryPlan(db, prepared.at(-1)!, ["pending", "d_2", 2]);
    expect(plan).toMatch(/SEARCH drivers USING (COVERING )?INDEX drivers_by_approval \(approval=\? AND id>\?\)/);
    expect(plan).not.toMatch(/SCAN drivers/);
  });

  it("by status, or status and approval: an index, not a walk of every driver", async () => {
    const { db, spy, prepared } = await withDrivers(rows);
    expect((await listDrivers(spy, { status: "offline", approval: "pending", limit: 20 })).items.map((d) => d.id)).toEqual(["d_2", "d_4"]);
    expect(await queryPlan(db, prepared.at(-1)!, ["offline", "pending", 21])).not.toMatch(/SCAN drivers/);
    expect((await listDrivers(spy, { status: "available", limit: 20 })).items.map((d) => d.id)).toEqual(["d_3"]);
    expect(await queryPlan(db, prepared.at(-1)!, ["available", 21])).not.toMatch(/SCAN drivers/);
  });
});
