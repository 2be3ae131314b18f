/** The payout runs' folded payout sums over the real ledger migrations (Node's SQLite). */
import { describe, expect, it } from "vitest";
import { payoutsDue, type EarningEntry } from "../../src/payments/payout";
import { payoutHistory, PAYOUTS_GROUPED_BEFORE, recordPayouts } from "../../test/support/ledger-history";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { answerPayout } from "./payout-store";
import { foldFinalPayouts, PAYOUT_TOTALS, payoutTotals } from "./payout-totals";

const cutoffOf = (n: number) => new Date(Date.parse("2026-01-01T00:00:00.000Z") + n * 86_400_000).toISOString();

/** `runs` daily runs paying about 70 % of `drivers` drivers, in seeded states. */
async function ledgerWithPayouts(seed: number, runs: number, drivers: number) {
  const d1 = await sqliteD1("migrations/payments");
  await recordPayouts(d1, payoutHistory(seed, { cutoffs: Array.from({ length: runs }, (_, run) => cutoffOf(run)), drivers, share: 0.7 }));
  return d1;
}

/** What the rules decide from the payouts (every driver earned 100,000), and each driver's row count. */
async function decided(d1: Awaited<ReturnType<typeof ledgerWithPayouts>>, cutoff: string, drivers: number, statement = PAYOUT_TOTALS) {
  const earned: EarningEntry[] = Array.from({ length: drivers }, (_, i) => ({ driverId: `d${i}`, earning: 100_000, createdAt: cutoff }));
  const { records, rows } = await payoutTotals(d1, cutoff, statement);
  return { due: payoutsDue(cutoff, earned, records), rows: Object.fromEntries(rows) };
}

describe("folded payout sums", () => {
  it("fold only final payouts, once: succeeded and refused for good; pending and retryable stay to be answered", async () => {
    const d1 = await ledgerWithPayouts(1, 6, 10);
    const final = await d1
      .prepare("SELECT count(*) AS n FROM payouts WHERE status = 'succeeded' OR (status = 'failed' AND retryable = 0)")
      .first<{ n: number }>();
    expect(await foldFinalPayouts(d1)).toBe(final?.n);
    expect(await foldFinalPayouts(d1)).toBe(0);
    const left = await d1.prepare("SELECT status, retryable FROM payouts WHERE folded = 0 GROUP BY status, retryable ORDER BY status").all();
    expect(left.results).toEqual([
      { status: "failed", retryable: 1 },
      { status: "pending", retryable: 0 },
    ]);
  });

  it("the rules decide the same from the folded sums as from every payout, for any cut-off, as payouts are answered and folded again", async () => {
    const drivers = 12;
    const d1 = await ledgerWithPayouts(7, 8, drivers);
    const cutoffs = [cutoffOf(0), cutoffOf(3), cutoffOf(7), cutoffOf(8)];
    const expectSame = async (when: string) => {
      for (const cutoff of cutoffs) {
        const before = await decided(d1, cutoff, drivers, PAYOUTS_GROUPED_BEFORE);
        expect(before.due.length, "some drivers are owed").toBeGreaterThan(0);
        expect(await decided(d1, cutoff, drivers), `${when}, cut-off ${cutoff}`).toEqual(before);
      }
    };
    await expectSame("nothing folded");
    await foldFinalPayouts(d1);
    await expectSame("folded");
    // The unknown ones answered: some paid, some refused for good; then folded again.
    const open = await d1.prepare("SELECT id FROM payouts WHERE folded = 0 ORDER BY id").all<{ id: string }>();
    for (const [i, { id }] of open.results.entries())
      await answerPayout(d1 as unknown as D1Database, id, {
        status: i % 2 ? "succeeded" : "failed",
        retryable: false,
        providerRef: null,
        detail: null,
        now: cutoffOf(9),
      });
    await expectSame("answered, not folded");
    await foldFinalPayouts(d1);
    await expectSame("answered and folded");
  });

  it("a run reads the folded sums, not the folded payouts: with those of other cut-offs gone the decisions hold", async () => {
    const drivers = 10;
    const d1 = await ledgerWithPayouts(3, 6, drivers);
    const cutoff = cutoffOf(4);
    const expected = await decided(d1, cutoff, drivers, PAYOUTS_GROUPED_BEFORE);
    await foldFinalPayouts(d1);
    // Were the folded payouts of other cut-offs read, the decisions would change now.
    await d1.prepare("DELETE FROM payouts WHERE folded = 1 AND cutoff <> ?1").bind(cutoff).run();
    expect((await decided(d1, cutoff, drivers)).due).toEqual(expected.due);
  });

  it("the statement searches the payouts not folded and those of the cut-off: no scan of all payouts", async () => {
    const d1 = await sqliteD1("migrations/payments");
    const plan = (await d1.prepare(`EXPLAIN QUERY PLAN ${PAYOUT_TOTALS}`).bind(cutoffOf(1)).all<{ detail: string }>()).results.map((r) => r.detail);
    expect(plan, plan.join("\n")).toContain("SEARCH payouts USING INDEX payouts_unfolded (folded=?)");
    expect(plan, plan.join("\n")).toContain("SEARCH payouts USING COVERING INDEX payouts_by_cutoff (cutoff=? AND folded=?)");
    expect(
      plan.filter((d) => /^SCAN payouts\b/.test(d)),
      plan.join("\n"),
    ).toEqual([]);
  });
});
