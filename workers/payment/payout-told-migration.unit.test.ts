/**
 * Ledger migration 0007 (payouts.told_at): the payouts answered for good before drivers were
 * told of payouts count as told, so no driver hears of an old one; the pending and the unknown
 * are told once answered. And the untold are read over their own partial index.
 */
import { describe, expect, it } from "vitest";
import { applyMigration, sqliteD1 } from "../../test/support/sqlite-d1";
import { answerPayout } from "./payout-store";
import { UNTOLD_PAYOUTS_SQL, untoldPayouts } from "./payout-told";

const MIGRATION = "0007_payout_told.sql";
const cutoff = "2026-12-01T00:00:00.000Z";
const answer = (status: "succeeded" | "failed", retryable: boolean, now: string) => ({ status, retryable, providerRef: null, detail: null, now });

describe("ledger migration 0007: drivers told of their payouts", () => {
  it("the migration counts every payout answered for good before it as told, and leaves the pending and the unknown to be told", async () => {
    const d1 = await sqliteD1("migrations/payments", { before: MIGRATION });
    const db = d1 as unknown as D1Database;
    for (const [id, driverId] of [
      ["po_old_paid", "d1"],
      ["po_old_refused", "d2"],
      ["po_old_unknown", "d3"],
      ["po_old_pending", "d4"],
    ] as const) {
      // As a claim was written then (before ledger migration 0012's `requested`).
      await db
        .prepare(
          `INSERT INTO payouts (id, run_id, driver_id, amount, currency, cutoff, status, retryable, provider, created_at, updated_at)
           VALUES (?1, 'pr_old', ?2, 5000, 'KRW', ?3, 'pending', 0, 'fake', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')`,
        )
        .bind(id, driverId, cutoff)
        .run();
    }
    await answerPayout(d1 as unknown as D1Database, "po_old_paid", answer("succeeded", false, "2026-11-01T00:01:00.000Z"));
    await answerPayout(d1 as unknown as D1Database, "po_old_refused", answer("failed", false, "2026-11-01T00:01:00.000Z"));
    await answerPayout(d1 as unknown as D1Database, "po_old_unknown", answer("failed", true, "2026-11-01T00:01:00.000Z"));

    await applyMigration(d1, "migrations/payments", MIGRATION);

    const rows = (await d1.prepare("SELECT id, told_at FROM payouts ORDER BY id").all<{ id: string; told_at: string | null }>()).results;
    expect(rows).toEqual([
      { id: "po_old_paid", told_at: "2026-11-01T00:01:00.000Z" },
      { id: "po_old_pending", told_at: null },
      { id: "po_old_refused", told_at: "2026-11-01T00:01:00.000Z" },
      { id: "po_old_unknown", told_at: null },
    ]);
    expect(await untoldPayouts(d1 as unknown as D1Database, 10)).toEqual([]);
    // The untold are read over their own partial index, not by a scan of every payout.
    const plan = (await d1.prepare(`EXPLAIN QUERY PLAN ${UNTOLD_PAYOUTS_SQL}`).bind(10).all<{ detail: string }>()).results;
    expect(plan.map((p) => p.detail).join(" ")).toMatch(/SEARCH payouts USING INDEX payouts_untold|SCAN payouts USING INDEX payouts_untold/);
  });
});
