/**
 * Where a payout goes: the account its first send pinned, so a send again under its key after a
 * lost answer goes there too (Stripe refuses a key reused with other parameters); the account on
 * file now when nothing was sent (the breaker held it back) or the provider made nothing under a
 * key it has forgotten. Over the real ledger migrations (Node's SQLite) and an in-memory provider.
 */
import { describe, expect, it } from "vitest";
import { setPayoutAccount } from "./payout-accounts";
import { claimPayout, payoutsPage, pinnedDestination } from "./payout-store";
import { runPayouts } from "./payouts";
import { capturedRide, payoutUnit } from "./test-fixtures";

async function setup() {
  const unit = await payoutUnit();
  const account = (id: string) => setPayoutAccount(unit.d1, "d1", id, new Date().toISOString());
  return { ...unit, account };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("a payout's account", () => {
  it("a payout whose answer was lost goes again to the account it was first sent to, even after an operator changed the driver's", async () => {
    const { deps, provider, payoutDeps, balance, payoutCalls, account } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    await tick();
    await account("acct_A");
    // The transfer is made, its answer lost: the outcome is unknown, the payout retryable.
    provider.loseAnswers = 1;
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 0, failed: 1 });
    await account("acct_B");
    await tick();
    // Sent again under its key to acct_A (to acct_B, Stripe would refuse the reused key, and a refusal
    // for good would owe the 8,000 again: paid twice at the next cut-off).
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 8000 }, failed: 0 });
    expect(payoutCalls().map((c) => c.destination)).toEqual(["acct_A", "acct_A"]);
    expect(provider.transferCount).toBe(1);
    expect(await balance("d1")).toEqual({ owed: 0, paid: 8000 });
    // The next payout goes to the account on file now.
    await capturedRide(deps, "rd_2", 5000);
    await tick();
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 4000 } });
    expect(payoutCalls().at(-1)?.destination).toBe("acct_B");
  });

  it("where the provider needs an account, a driver with none is not claimed (no refused payout, no notice): their balance waits for one", async () => {
    const { deps, provider, payoutDeps, payoutCalls, balance, d1 } = await setup();
    provider.payoutAccountRequired = true;
    await capturedRide(deps, "rd_1", 10000); // d1, no account
    await capturedRide(deps, "rd_2", 10000, "d2");
    await setPayoutAccount(d1, "d2", "acct_2", new Date().toISOString());
    await tick();
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, failed: 0, waitingForAccount: 1 });
    expect(payoutCalls().map((c) => c.destination)).toEqual(["acct_2"]);
    expect((await payoutsPage(d1, { driverId: "d1", after: null, limit: 10 })).items, "no payout row for d1").toEqual([]);
    expect(await balance("d1")).toEqual({ owed: 8000, paid: 0 });
    await setPayoutAccount(d1, "d1", "acct_1", new Date().toISOString());
    await tick();
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 8000 }, waitingForAccount: 0 });
    expect(await balance("d1")).toEqual({ owed: 0, paid: 8000 });
  });

  it("is not pinned by a send the breaker held back: nothing left, the next send goes to the account on file then", async () => {
    const { deps, payoutDeps, payoutCalls, account } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    await tick();
    await account("acct_A");
    const closed = { ...payoutDeps, breaker: { acquire: async () => ({ allowed: false, probe: false, retryAfterMs: 1000 }), record: async () => {} } };
    expect(await runPayouts(closed, new Date().toISOString())).toMatchObject({ drivers: 0, failed: 1 });
    expect(payoutCalls()).toEqual([]);
    await account("acct_B");
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 8000 } });
    expect(payoutCalls().map((c) => c.destination)).toEqual(["acct_B"]);
  });

  it("an old payout the provider never made (its key forgotten) goes to the account on file now, not the one pinned", async () => {
    const { deps, d1, payoutDeps, payoutCalls, account } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    const claimedAt = new Date(Date.now() - 25 * 3_600_000).toISOString();
    const claim = { id: "po_old", runId: "pr_old", driverId: "d1", amount: 8000, cutoff: new Date().toISOString(), provider: "fake", now: claimedAt };
    expect(await claimPayout(d1, claim, 0)).toBe(true);
    // Its first send pinned acct_A and never reached the provider; the operator has replaced the account since.
    await account("acct_A");
    expect(await pinnedDestination(d1, "po_old", "d1")).toBe("acct_A");
    await account("acct_B");
    await tick();
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 8000 } });
    expect(payoutCalls().map((c) => c.destination)).toEqual(["acct_B"]);
  });
});
