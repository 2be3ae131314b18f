/** The payouts lists over the real ledger migrations: a driver's walks their own payouts (payouts_by_driver), never everyone's. */
import { describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { claimPayout, payoutsPage } from "./payout-store";

describe("payoutsPage", () => {
  it("a driver's page by payouts_by_driver; everyone's by payouts_by_time; both newest first, paged", async () => {
    const db = await sqliteD1("migrations/payments");
    const prepared: string[] = [];
    const d1 = { ...db, prepare: (query: string) => (prepared.push(query), db.prepare(query)) } as unknown as D1Database;
    for (const [i, driverId] of ["d1", "d2", "d1", "d2", "d1"].entries()) {
      const now = `2026-12-0${i + 1}T00:00:00.000Z`;
      const claim = { id: `po_${i}`, runId: `pr_${i}`, driverId, amount: 1000, cutoff: now, provider: "fake", now };
      expect(await claimPayout(d1, claim, driverId === "d1" ? Math.ceil(i / 2) : Math.floor(i / 2))).toBe(true);
    }
    const first = await payoutsPage(d1, { driverId: "d1", after: null, limit: 2 });
    expect(first.items.map((p) => p.id)).toEqual(["po_4", "po_2"]);
    const plan = async (params: unknown[]) =>
      (
        await db
          .prepare(`EXPLAIN QUERY PLAN ${prepared.at(-1)!}`)
          .bind(...params)
          .all<{ detail: string }>()
      ).results
        .map((r) => r.detail)
        .join("\n");
    expect(await plan(["d1", "\uffff", "", 3])).toMatch(/SEARCH payouts USING INDEX payouts_by_driver \(driver_id=\?/);
    expect((await payoutsPage(d1, { driverId: "d1", after: first.next, limit: 2 })).items.map((p) => p.id)).toEqual(["po_0"]);
    expect((await payoutsPage(d1, { driverId: null, after: null, limit: 10 })).items.map((p) => p.id)).toEqual(["po_4", "po_3", "po_2", "po_1", "po_0"]);
    expect(await plan([null, "\uffff", "", 11])).toMatch(/payouts_by_time/);
  });
});
