/** The payout runs' earnings checkpoint over the real ledger migrations (Node's SQLite). */
import { describe, expect, it } from "vitest";
import { earningHistory, recordEarnings, summedUpTo, type EarningRow } from "../../test/support/ledger-history";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { advanceEarningsCheckpoint, checkpointThrough, EARNED_UP_TO, earnedUpTo, END_OF_TIME, moveCheckpoint } from "./earnings-checkpoint";

const DAY = 86_400_000;
const FROM = Date.parse("2026-01-01T00:00:00.000Z");
const day = (n: number) => new Date(FROM + n * DAY).toISOString();

async function ledgerWith(rows: readonly EarningRow[]) {
  const d1 = await sqliteD1("migrations/payments");
  await recordEarnings(d1, rows);
  return d1;
}

/** The entries at the cut-off (not those after it, dated END_OF_TIME), by driver. */
const sorted = (entries: { driverId: string; earning: number; createdAt: string }[]) =>
  entries
    .filter((e) => e.createdAt !== END_OF_TIME)
    .map(({ driverId, earning }) => ({ driverId, earning }))
    .sort((a, b) => a.driverId.localeCompare(b.driverId));

describe("earnings checkpoint", () => {
  it("a second run that read the checkpoint before the first moved it adds nothing: no earning counted twice", async () => {
    const rows = earningHistory(3, { rows: 60, drivers: 4, from: FROM, spanMs: 4 * DAY });
    const d1 = await ledgerWith(rows);
    expect(await moveCheckpoint(d1, "", day(2))).toBe(true);
    expect(await moveCheckpoint(d1, "", day(3))).toBe(false);
    expect(await checkpointThrough(d1)).toBe(day(2));
    expect(sorted(await earnedUpTo(d1, day(5)))).toEqual(summedUpTo(rows, day(5)));
    const base = await d1.prepare("SELECT sum(earned) AS n FROM driver_earnings").first<{ n: number }>();
    expect(base?.n).toBe(summedUpTo(rows, day(2)).reduce((sum, e) => sum + e.earning, 0));
  });

  it("answers what was recorded after the cut-off apart, dated END_OF_TIME, from either side of the checkpoint", async () => {
    const rows = earningHistory(5, { rows: 80, drivers: 3, from: FROM, spanMs: 6 * DAY });
    const d1 = await ledgerWith(rows);
    await advanceEarningsCheckpoint(d1, day(3));
    for (const cutoff of [day(1), day(3), day(5)]) {
      const entries = await earnedUpTo(d1, cutoff);
      const all = summedUpTo(rows, END_OF_TIME);
      const total = (driverId: string) => entries.filter((e) => e.driverId === driverId).reduce((sum, e) => sum + e.earning, 0);
      for (const { driverId, earning } of all) if (entries.some((e) => e.driverId === driverId)) expect(total(driverId), `${cutoff} ${driverId}`).toBe(earning);
      expect(entries.filter((e) => e.createdAt === END_OF_TIME).length, cutoff).toBeGreaterThan(0);
    }
  });

  it("never moves back; a target at the checkpoint moves nothing", async () => {
    const d1 = await ledgerWith(earningHistory(4, { rows: 20, drivers: 2, from: FROM, spanMs: 4 * DAY }));
    expect(await advanceEarningsCheckpoint(d1, day(3))).toEqual({ through: day(3), steps: 1 });
    expect(await advanceEarningsCheckpoint(d1, day(1))).toEqual({ through: day(3), steps: 0 });
    expect(await advanceEarningsCheckpoint(d1, day(3))).toEqual({ through: day(3), steps: 0 });
    expect(await checkpointThrough(d1)).toBe(day(3));
  });

  it("moves in steps of a bounded number of settlements, as far as one call may; the next call goes on", async () => {
    const rows = earningHistory(8, { rows: 100, drivers: 5, from: FROM, spanMs: 5 * DAY });
    const d1 = await ledgerWith(rows);
    const settlementTimes = rows
      .filter((r) => r.kind === "settlement")
      .map((r) => r.at)
      .sort();
    const limits = { stepRows: 10, steps: 3 };
    const first = await advanceEarningsCheckpoint(d1, day(5), limits);
    // Three steps of ten settlements each: it stands at the 30th settlement's time.
    expect(first).toEqual({ through: settlementTimes[29], steps: 3 });
    expect(sorted(await earnedUpTo(d1, day(5)))).toEqual(summedUpTo(rows, day(5)));
    const base = await d1.prepare("SELECT sum(earned) AS n FROM driver_earnings").first<{ n: number }>();
    expect(base?.n).toBe(summedUpTo(rows, first.through).reduce((sum, e) => sum + e.earning, 0));
    // The calls after the first, up to the one that reaches the target.
    let calls = 0;
    while (calls < 20) {
      calls += 1;
      if ((await advanceEarningsCheckpoint(d1, day(5), limits)).through === day(5)) break;
    }
    expect(calls).toBeLessThanOrEqual(Math.ceil((settlementTimes.length - 30) / 30) + 1);
    expect(await checkpointThrough(d1)).toBe(day(5));
    expect(sorted(await earnedUpTo(d1, day(6)))).toEqual(summedUpTo(rows, day(6)));
  });

  it("sums what a scan of all history sums, wherever the checkpoint stands and whatever the cut-off", async () => {
    const rows = earningHistory(11, { rows: 400, drivers: 9, from: FROM, spanMs: 10 * DAY });
    const d1 = await ledgerWith(rows);
    const times = rows.map((r) => r.at).sort();
    // A cut-off or a checkpoint exactly at a row's time counts that row.
    const cutoffs = [day(-1), day(1), day(3), times[150]!, day(5), times[250]!, day(7), day(9), day(11)];
    for (const checkpoint of [null, day(3), times[200]!, day(7), day(12)]) {
      if (checkpoint !== null) await advanceEarningsCheckpoint(d1, checkpoint);
      for (const cutoff of cutoffs)
        expect(sorted(await earnedUpTo(d1, cutoff)), `checkpoint ${checkpoint}, cut-off ${cutoff}`).toEqual(summedUpTo(rows, cutoff));
    }
  });

  it("earnings recorded after the checkpoint are counted by the next run and folded in once when it moves", async () => {
    const first = earningHistory(5, { rows: 50, drivers: 3, from: FROM, spanMs: 2 * DAY });
    const d1 = await ledgerWith(first);
    await advanceEarningsCheckpoint(d1, day(2));
    const later = earningHistory(6, { rows: 30, drivers: 4, from: FROM + 2 * DAY + 1, spanMs: DAY, prefix: "late" });
    await recordEarnings(d1, later);
    const all = [...first, ...later];
    expect(sorted(await earnedUpTo(d1, day(3)))).toEqual(summedUpTo(all, day(3)));
    await advanceEarningsCheckpoint(d1, day(3));
    expect(sorted(await earnedUpTo(d1, day(3)))).toEqual(summedUpTo(all, day(3)));
    expect(sorted(await earnedUpTo(d1, day(4)))).toEqual(summedUpTo(all, day(4)));
  });

  it("a cut-off after the checkpoint, or before it (a run resumed once the cron moved on), reads only the gap: with the history before it gone the sums hold", async () => {
    const rows = earningHistory(12, { rows: 300, drivers: 6, from: FROM, spanMs: 10 * DAY });
    const d1 = await ledgerWith(rows);
    await advanceEarningsCheckpoint(d1, day(6));
    const expected = [day(5), day(6), day(7)].map((cutoff) => summedUpTo(rows, cutoff));
    // Were any of the first four days read, they would be missing now.
    await d1.batch([
      d1.prepare("DELETE FROM settlements WHERE created_at <= ?1").bind(day(4)),
      d1.prepare("DELETE FROM settlement_adjustments WHERE created_at <= ?1").bind(day(4)),
    ]);
    expect(await d1.prepare("SELECT count(*) AS n FROM settlements").first<{ n: number }>()).not.toEqual({
      n: rows.filter((r) => r.kind === "settlement").length,
    });
    expect([sorted(await earnedUpTo(d1, day(5))), sorted(await earnedUpTo(d1, day(6))), sorted(await earnedUpTo(d1, day(7)))]).toEqual(expected);
  });

  it("a run reads only the rows recorded since the checkpoint: a range of the time indexes, no scan of the ledger", async () => {
    const d1 = await ledgerWith([]);
    const plan = (await d1.prepare(`EXPLAIN QUERY PLAN ${EARNED_UP_TO}`).bind(day(1)).all<{ detail: string }>()).results.map((r) => r.detail);
    expect(
      plan.some((d) => /SEARCH settlements USING INDEX settlements_by_time \(created_at>\? AND created_at<\?\)/.test(d)),
      plan.join("\n"),
    ).toBe(true);
    expect(
      plan.some((d) => /SEARCH settlement_adjustments USING INDEX adjustments_by_time \(created_at>\? AND created_at<\?\)/.test(d)),
      plan.join("\n"),
    ).toBe(true);
    expect(plan.filter((d) => /^SCAN (settlements|settlement_adjustments)\b/.test(d))).toEqual([]);
  });
});
