/**
 * Which payouts their drivers are told of (the ledger's side of workers/gateway/payout-notices.ts),
 * over the real ledger migrations (Node's SQLite): those answered for good, once, oldest first.
 * The migration that added `told_at`: ./payout-told-migration.unit.test.ts.
 */
import { describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { answerPayout, claimPayout } from "./payout-store";
import { markPayoutsTold, untoldPayouts } from "./payout-told";

const cutoff = "2026-12-01T00:00:00.000Z";

async function claimed(d1: Awaited<ReturnType<typeof sqliteD1>>, id: string, driverId: string, at: string) {
  expect(await claimPayout(d1 as unknown as D1Database, { id, runId: "pr_1", driverId, amount: 5000, cutoff, provider: "fake", now: at }, 0)).toBe(true);
}
const answer = (status: "succeeded" | "failed", retryable: boolean, now: string) => ({ status, retryable, providerRef: null, detail: null, now });

describe("the payouts their drivers are told of", () => {
  it("a payout pending, or failed with no answer (to be sent again), is not told; one paid or refused for good is, oldest answer first", async () => {
    const d1 = (await sqliteD1("migrations/payments")) as unknown as D1Database;
    await claimed(d1 as never, "po_pending", "d1", "2026-12-01T00:01:00.000Z");
    await claimed(d1 as never, "po_unknown", "d2", "2026-12-01T00:01:00.000Z");
    await claimed(d1 as never, "po_refused", "d3", "2026-12-01T00:01:00.000Z");
    await claimed(d1 as never, "po_paid", "d4", "2026-12-01T00:01:00.000Z");
    await answerPayout(d1, "po_unknown", answer("failed", true, "2026-12-01T00:02:00.000Z"));
    await answerPayout(d1, "po_paid", answer("succeeded", false, "2026-12-01T00:03:00.000Z"));
    await answerPayout(d1, "po_refused", answer("failed", false, "2026-12-01T00:04:00.000Z"));
    expect(await untoldPayouts(d1, 10)).toEqual([
      { id: "po_paid", driverId: "d4", amount: { amount: 5000, currency: "KRW" }, cutoff, status: "succeeded", answeredAt: "2026-12-01T00:03:00.000Z" },
      { id: "po_refused", driverId: "d3", amount: { amount: 5000, currency: "KRW" }, cutoff, status: "failed", answeredAt: "2026-12-01T00:04:00.000Z" },
    ]);
    expect((await untoldPayouts(d1, 1)).map((p) => p.id)).toEqual(["po_paid"]);

    await markPayoutsTold(d1, ["po_paid"], "2026-12-01T00:05:00.000Z");
    expect((await untoldPayouts(d1, 10)).map((p) => p.id)).toEqual(["po_refused"]);
    // The unknown one paid at last: now it is told.
    await answerPayout(d1, "po_unknown", answer("succeeded", false, "2026-12-01T00:06:00.000Z"));
    expect((await untoldPayouts(d1, 10)).map((p) => p.id)).toEqual(["po_refused", "po_unknown"]);
  });

  it("a payout refused for a reason of the platform's own (balance_insufficient) is told as such; another refusal is not", async () => {
    const d1 = (await sqliteD1("migrations/payments")) as unknown as D1Database;
    await claimed(d1 as never, "po_short", "d1", "2026-12-01T00:01:00.000Z");
    await claimed(d1 as never, "po_closed", "d2", "2026-12-01T00:01:00.000Z");
    await answerPayout(d1, "po_short", { ...answer("failed", false, "2026-12-01T00:02:00.000Z"), detail: "balance_insufficient" });
    await answerPayout(d1, "po_closed", { ...answer("failed", false, "2026-12-01T00:03:00.000Z"), detail: "account_closed" });
    expect((await untoldPayouts(d1, 10)).map((p) => [p.id, p.onOurSide ?? false])).toEqual([
      ["po_short", true],
      ["po_closed", false],
    ]);
  });

  it("marks a page of 150 told in one statement (more ids than D1 binds values), and only those", async () => {
    const d1 = (await sqliteD1("migrations/payments")) as unknown as D1Database;
    for (let i = 0; i < 160; i++) {
      const id = `po_${String(i).padStart(3, "0")}`;
      await claimed(d1 as never, id, `d${i}`, "2026-12-01T00:01:00.000Z");
      await answerPayout(d1, id, answer("succeeded", false, `2026-12-01T00:02:${String(i % 60).padStart(2, "0")}.${String(i).padStart(3, "0")}Z`));
    }
    const page = await untoldPayouts(d1, 150);
    await markPayoutsTold(
      d1,
      page.map((p) => p.id),
      "2026-12-01T01:00:00.000Z",
    );
    const left = await untoldPayouts(d1, 200);
    expect(left).toHaveLength(10);
    expect(left.some((p) => page.some((q) => q.id === p.id))).toBe(false);
  });
});
