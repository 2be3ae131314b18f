/**
 * Payout claims between calls, over the real ledger migrations (Node's SQLite) and an in-memory
 * provider: a claim a dead call left is sent once it is stale, one of a call still sending is not;
 * a payout two calls read at once is sent by one of them and counted once.
 */
import { describe, expect, it } from "vitest";
import { claimPayout } from "./payout-store";
import { resendUnansweredPayouts, runPayouts, STALE_CLAIM_MS } from "./payouts";
import { capturedRide, payoutUnit } from "./test-fixtures";

const setup = payoutUnit;
const tick = () => new Promise((r) => setTimeout(r, 5));

describe("payout claims between calls", () => {
  it("a claim left pending by a run that died is sent by a later run, once it is stale", async () => {
    const { deps, d1, provider, payoutDeps, balance } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    const cutoff = new Date().toISOString();
    const claim = { id: "po_left", runId: "pr_left", driverId: "d1", amount: 8000, cutoff, provider: "fake", now: cutoff };
    expect(await claimPayout(d1, claim, 0)).toBe(true);
    expect(await runPayouts(payoutDeps, cutoff)).toMatchObject({ drivers: 0, total: { amount: 0 } });
    const later = { ...payoutDeps, now: () => new Date(Date.now() + STALE_CLAIM_MS + 1000) };
    expect(await runPayouts(later, cutoff)).toMatchObject({ drivers: 1, total: { amount: 8000 } });
    expect([...provider.transfers.keys()]).toEqual(["po_left"]);
    expect(await balance("d1")).toEqual({ owed: 0, paid: 8000 });
  });

  it("a claim of a call still sending (younger than a call can take) is not sent by another call, however long its call has run", async () => {
    const { deps, d1, provider, payoutDeps } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    const cutoff = new Date().toISOString();
    expect(await claimPayout(d1, { id: "po_busy", runId: "pr_busy", driverId: "d1", amount: 8000, cutoff, provider: "fake", now: cutoff }, 0)).toBe(true);
    const fiveMinutesOn = { ...payoutDeps, now: () => new Date(Date.now() + 5 * 60_000) };
    expect(await resendUnansweredPayouts(fiveMinutesOn)).toMatchObject({ drivers: 0, failed: 0 });
    expect(provider.transfers.size).toBe(0);
  });

  it("an unanswered payout two calls read at once (the cron's resend, an operator's run) is sent by one of them only", async () => {
    const { deps, provider, payoutDeps, payoutCalls } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    await tick();
    provider.down = true;
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ failed: 1 });
    provider.down = false;
    const before = payoutCalls().length;
    const reports = await Promise.all([resendUnansweredPayouts(payoutDeps), resendUnansweredPayouts(payoutDeps)]);
    expect(payoutCalls().length - before, "one send, not two under the same key").toBe(1);
    expect(reports.map((r) => r.drivers).sort()).toEqual([0, 1]);
  });

  it("a stale claim two calls send at once (the provider pays its key once) is counted in one call's report, not both", async () => {
    const { deps, d1, provider, payoutDeps, balance } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    const cutoff = new Date().toISOString();
    const claim = { id: "po_twice", runId: "pr_twice", driverId: "d1", amount: 8000, cutoff, provider: "fake", now: cutoff };
    expect(await claimPayout(d1, claim, 0)).toBe(true);
    const later = { ...payoutDeps, now: () => new Date(Date.now() + STALE_CLAIM_MS + 1000) };
    const reports = await Promise.all([resendUnansweredPayouts(later), resendUnansweredPayouts(later)]);
    expect(reports.map((r) => r.drivers).sort()).toEqual([0, 1]);
    expect(reports.reduce((sum, r) => sum + r.total, 0)).toBe(8000);
    expect(reports.reduce((sum, r) => sum + r.failed, 0)).toBe(0);
    expect(provider.transfers.size).toBe(1);
    expect(await balance("d1")).toEqual({ owed: 0, paid: 8000 });
  });
});
