/**
 * A payout no request went out for is re-sized to its driver's balance before its first request
 * (./payout-resize.ts): a refund between the claim and the send is not paid out. One the
 * provider may have seen keeps its amount. Over the real ledger migrations and the fake provider.
 */
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { applyMigration, sqliteD1 } from "../../test/support/sqlite-d1";
import { handlePaymentCommand } from "./handler";
import { claimPayout, payoutsPage, takePayout } from "./payout-store";
import { BALANCE_BESIDE, NOTHING_LEFT, resizePayout } from "./payout-resize";
import { untoldPayouts } from "./payout-told";
import { resendUnansweredPayouts, runPayouts } from "./payouts";
import { capturedRide, payoutUnit, step } from "./test-fixtures";

const tick = () => new Promise((r) => setTimeout(r, 5));
const shut = { acquire: async () => ({ allowed: false as const, retryAfterMs: 60_000 }), record: async () => {} };

/** A driver d1 with one ride captured (10,000: 8,000 earned) and its payout claimed but held back by an open breaker. */
async function heldBack() {
  const unit = await payoutUnit();
  const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  onTestFinished(() => void vi.restoreAllMocks());
  await capturedRide(unit.deps, "rd_1", 10000);
  await tick();
  expect(await runPayouts({ ...unit.payoutDeps, breaker: shut }, new Date().toISOString())).toMatchObject({ drivers: 0, failed: 1 });
  const [held] = (await payoutsPage(unit.d1, { driverId: "d1", after: null, limit: 10 })).items;
  expect(held).toMatchObject({ status: "failed", amount: { amount: 8000 } });
  expect(unit.payoutCalls(), "the breaker let no request out").toEqual([]);
  const lines = () => warn.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);
  return { ...unit, held: held!, lines };
}

/**
 * A driver d1 with one ride captured (8,000 earned) and payout `po_1` claimed `agoMs` ago for 8,000 and left unanswered;
 * `sent` (the send that went out, before the refund) runs next; then a refund of 4,000.
 */
async function claimedThenRefunded(agoMs: number, sent: (unit: Awaited<ReturnType<typeof payoutUnit>>) => Promise<unknown> = async () => undefined) {
  const unit = await payoutUnit();
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  onTestFinished(() => void vi.restoreAllMocks());
  await capturedRide(unit.deps, "rd_1", 10000);
  const claimedAt = new Date(Date.now() - agoMs).toISOString();
  const claim = { id: "po_1", runId: "pr_1", driverId: "d1", amount: 8000, cutoff: claimedAt, provider: "fake", now: claimedAt };
  expect(await claimPayout(unit.d1, claim, 0)).toBe(true);
  await sent(unit);
  await handlePaymentCommand(step("rd_1", "refund", 5000, { key: "rd_1:refund:a" }), unit.deps);
  await tick();
  return unit;
}

const A_DAY_AGO = 25 * 3_600_000;

describe("a payout re-sized before its first request", () => {
  it("held back by the breaker, then a refund: it pays the balance left, and the driver's balance does not go negative", async () => {
    const { deps, d1, provider, payoutDeps, balance, held, lines } = await heldBack();
    await handlePaymentCommand(step("rd_1", "refund", 5000, { key: "rd_1:refund:a" }), deps);
    expect(await balance("d1")).toEqual({ owed: 4000, paid: 0 });
    expect(await resendUnansweredPayouts(payoutDeps)).toMatchObject({ drivers: 1, total: 4000, failed: 0 });
    expect(provider.transfers.get(held.id)).toMatchObject({ amount: 4000 });
    expect((await payoutsPage(d1, { driverId: "d1", after: null, limit: 10 })).items[0]).toMatchObject({ status: "succeeded", amount: { amount: 4000 } });
    expect(await balance("d1")).toEqual({ owed: 0, paid: 4000 });
    expect(lines().filter((l) => l.msg === "payout lowered")).toMatchObject([{ payoutId: held.id, claimed: 8000, amount: 4000 }]);
    expect(
      (await untoldPayouts(d1, 10)).map((p) => p.amount.amount),
      "the driver is told what was paid",
    ).toEqual([4000]);
  });

  it("held back, then refunded whole: it is cancelled, nothing is sent, its driver is not told, and later earnings are paid", async () => {
    const { deps, d1, provider, payoutDeps, balance, held, lines, payoutCalls } = await heldBack();
    await handlePaymentCommand(step("rd_1", "refund", 10000, { key: "rd_1:refund:a" }), deps);
    expect(await resendUnansweredPayouts(payoutDeps)).toMatchObject({ drivers: 0, total: 0, failed: 0 });
    expect(payoutCalls()).toEqual([]);
    // Listed as what it pays (nothing), not as a failed payout of all the driver was once owed.
    expect((await payoutsPage(d1, { driverId: "d1", after: null, limit: 10 })).items[0]).toMatchObject({
      id: held.id,
      status: "failed",
      detail: NOTHING_LEFT,
      amount: { amount: 0 },
    });
    expect(await untoldPayouts(d1, 10)).toEqual([]);
    expect(lines().filter((l) => l.msg === "payout cancelled")).toMatchObject([{ payoutId: held.id, claimed: 8000 }]);
    expect(await resendUnansweredPayouts(payoutDeps), "cancelled for good").toMatchObject({ drivers: 0, failed: 0 });
    await capturedRide(deps, "rd_2", 5000);
    await tick();
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 4000 } });
    expect([...provider.transfers.values()].map((t) => t.amount)).toEqual([4000]);
    expect(await balance("d1")).toEqual({ owed: 0, paid: 4000 });
  });

  it("a payout whose request went out keeps its amount after a refund: the provider may have paid it under its key", async () => {
    const { deps, provider, payoutDeps, balance } = await payoutUnit();
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    onTestFinished(() => void vi.restoreAllMocks());
    await capturedRide(deps, "rd_1", 10000);
    await tick();
    provider.down = true;
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ failed: 1 });
    provider.down = false;
    await handlePaymentCommand(step("rd_1", "refund", 5000, { key: "rd_1:refund:a" }), deps);
    expect(await resendUnansweredPayouts(payoutDeps)).toMatchObject({ drivers: 1, total: 8000 });
    expect([...provider.transfers.values()].map((t) => t.amount)).toEqual([8000]);
    expect(await balance("d1")).toEqual({ owed: -4000, paid: 8000 });
  });

  it("claimed over 23 h ago and never requested: looked up, found never made, re-sized, and sent", async () => {
    const { provider, payoutDeps } = await claimedThenRefunded(A_DAY_AGO);
    expect(await resendUnansweredPayouts(payoutDeps)).toMatchObject({ drivers: 1, total: 4000 });
    expect(provider.calls.filter((c) => c.key === "po_1").map((c) => c.op)).toEqual(["findPayout", "payout"]);
    expect(provider.transfers.get("po_1")).toMatchObject({ amount: 4000 });
  });

  describe("after a rollback: a payment worker from before ledger migration 0012 sent a claim of this one's without marking it", () => {
    /** Sent by the previous worker (it pins the account, not `requested`), its answer lost, before the refund. */
    const sentByThePreviousWorker = (agoMs: number) =>
      claimedThenRefunded(agoMs, async ({ d1, provider }) => {
        await d1.prepare("UPDATE payouts SET destination = 'acct_A', status = 'failed', retryable = 1 WHERE id = 'po_1'").run();
        await provider.payout({ amount: { amount: 8000, currency: "KRW" }, destination: "acct_A", reference: "d1" }, "po_1");
      });

    it("within a day: sent again at its amount under its key, so the provider answers the first transfer; paid once", async () => {
      const { provider, payoutDeps, balance } = await sentByThePreviousWorker(60 * 60_000);
      expect(await resendUnansweredPayouts(payoutDeps)).toMatchObject({ drivers: 1, total: 8000, failed: 0 });
      expect(provider.transferCount).toBe(1);
      expect(await balance("d1")).toEqual({ owed: -4000, paid: 8000 });
    });

    it("past 23 h, its key forgotten: looked up, found, recorded paid; paid once", async () => {
      const { provider, payoutDeps, balance } = await sentByThePreviousWorker(A_DAY_AGO);
      provider.forget("po_1");
      expect(await resendUnansweredPayouts(payoutDeps)).toMatchObject({ drivers: 1, total: 8000, failed: 0 });
      expect(provider.calls.filter((c) => c.key === "po_1").map((c) => c.op)).toEqual(["payout", "findPayout"]);
      expect(provider.transferCount).toBe(1);
      expect(await balance("d1")).toEqual({ owed: -4000, paid: 8000 });
    });
  });

  it("claimed over 23 h ago, requested, and found never made: sent afresh at the balance left", async () => {
    const { provider, payoutDeps, balance } = await claimedThenRefunded(A_DAY_AGO, ({ d1 }) =>
      d1.prepare("UPDATE payouts SET requested = 1 WHERE id = 'po_1'").run(),
    );
    expect(await resendUnansweredPayouts(payoutDeps)).toMatchObject({ drivers: 1, total: 4000 });
    expect(provider.calls.filter((c) => c.key === "po_1").map((c) => c.op)).toEqual(["findPayout", "payout"]);
    expect(provider.transfers.get("po_1")).toMatchObject({ amount: 4000 });
    expect(await balance("d1")).toEqual({ owed: 0, paid: 4000 });
  });

  it("a payout another call took meanwhile is left to that call (`lost`), unchanged", async () => {
    const { deps, d1 } = await payoutUnit();
    await capturedRide(deps, "rd_1", 10000);
    const at = new Date().toISOString();
    const claim = { id: "po_1", runId: "pr_1", driverId: "d1", amount: 8000, cutoff: at, provider: "fake", now: at };
    expect(await claimPayout(d1, claim, 0)).toBe(true);
    await handlePaymentCommand(step("rd_1", "refund", 10000, { key: "rd_1:refund:a" }), deps);
    const other = new Date(Date.now() + 1000).toISOString();
    expect(await takePayout(d1, "po_1", at, other)).toBe(true);
    expect(await resizePayout(d1, { id: "po_1", driverId: "d1", amount: 8000 }, at, other)).toBe("lost");
    expect((await payoutsPage(d1, { driverId: "d1", after: null, limit: 10 })).items[0]).toMatchObject({ status: "pending", amount: { amount: 8000 } });
    expect(await resizePayout(d1, { id: "po_1", driverId: "d1", amount: 8000 }, other, other)).toBe("cancelled");
  });

  it("the balance is read by index: no scan of every payout or settlement ever made", async () => {
    const { d1 } = await payoutUnit();
    const plan = (await d1.prepare(`EXPLAIN QUERY PLAN ${BALANCE_BESIDE}`).bind("d1", "po_1").all<{ detail: string }>()).results.map((r) => r.detail);
    expect(plan.filter((d) => d.startsWith("SCAN") && d !== "SCAN CONSTANT ROW")).toEqual([]);
    expect(plan).toContain("SEARCH payouts USING INDEX payouts_unfolded (folded=? AND driver_id=?)");
  });

  it("ledger migration 0012: payouts made before it read as requested, so their amounts are kept", async () => {
    const d1 = await sqliteD1("migrations/payments", { before: "0012_payout_requested.sql" });
    await d1
      .prepare(
        `INSERT INTO payouts (id, run_id, driver_id, amount, currency, cutoff, status, retryable, provider, created_at, updated_at)
         VALUES ('po_old', 'pr_old', 'd1', 5000, 'KRW', '2026-11-01T00:00:00.000Z', 'failed', 1, 'fake', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')`,
      )
      .run();
    await applyMigration(d1, "migrations/payments", "0012_payout_requested.sql");
    expect(await d1.prepare("SELECT requested FROM payouts WHERE id = 'po_old'").first()).toEqual({ requested: 1 });
  });
});
