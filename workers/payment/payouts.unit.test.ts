/** Payout runs over the real ledger migrations (Node's SQLite) and an in-memory provider. */
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { handlePaymentCommand } from "./handler";
import { claimPayout, commissionReport, driverTotals, payoutsPage } from "./payout-store";
import { runPayouts } from "./payouts";
import { recordEarnings, type EarningRow } from "../../test/support/ledger-history";
import { checkpointThrough, EARNINGS_SETTLED_MS } from "./earnings-checkpoint";
import { capturedRide, payoutUnit, step } from "./test-fixtures";

const DAY = 86_400_000;

const setup = payoutUnit;

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("payout runs", () => {
  it("a provider that is down leaves the payout failed; the next run retries it under the same key and pays it once", async () => {
    const { deps, provider, payoutDeps, balance, payoutCalls } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    await tick();
    provider.down = true;
    const first = await runPayouts(payoutDeps, new Date().toISOString());
    expect(first).toMatchObject({ drivers: 0, total: { amount: 0 }, failed: 1 });
    expect(await balance("d1")).toEqual({ owed: 8000, paid: 0 });
    const [failed] = (await payoutsPage(payoutDeps.db, { driverId: "d1", after: null, limit: 10 })).items;
    expect(failed).toMatchObject({ status: "failed", amount: { amount: 8000 } });

    provider.down = false;
    await tick();
    const second = await runPayouts(payoutDeps, new Date().toISOString());
    expect(second).toMatchObject({ drivers: 1, total: { amount: 8000 }, failed: 0 });
    expect(new Set(payoutCalls().map((c) => c.key))).toEqual(new Set([failed!.id]));
    expect(provider.transfers.size).toBe(1);
    expect(await balance("d1")).toEqual({ owed: 0, paid: 8000 });
    const third = await runPayouts(payoutDeps, new Date().toISOString());
    expect(third).toMatchObject({ drivers: 0, total: { amount: 0 } });
  });

  it("a failed payout's line says whether the provider refused it for good or did not answer", async () => {
    const { deps, provider, payoutDeps } = await setup();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    onTestFinished(() => warn.mockRestore());
    const failedLines = () => warn.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>).filter((l) => l.msg === "payout failed");
    await capturedRide(deps, "rd_1", 10000);
    await tick();
    provider.down = true;
    await runPayouts(payoutDeps, new Date().toISOString());
    expect(failedLines()).toMatchObject([{ driverId: "d1", outcome: "unknown" }]);

    provider.down = false;
    await capturedRide(deps, "rd_2", 10000, "d2");
    await tick();
    const refuse = vi.spyOn(provider, "payout").mockResolvedValue({ outcome: "declined", ref: null, detail: "account_closed" });
    onTestFinished(() => refuse.mockRestore());
    await runPayouts(payoutDeps, new Date().toISOString());
    expect(failedLines().filter((l) => l.driverId === "d2")).toMatchObject([{ outcome: "refused", detail: "account_closed" }]);

    // The platform's balance short: an error of its own, for the on-call to top it up (the driver is told it is not theirs).
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    onTestFinished(() => error.mockRestore());
    await capturedRide(deps, "rd_3", 10000, "d3");
    await tick();
    refuse.mockResolvedValue({ outcome: "declined", ref: null, detail: "balance_insufficient" });
    await runPayouts(payoutDeps, new Date().toISOString());
    const errors = error.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);
    const ours = errors.filter((l) => l.msg === "payout refused on our side");
    expect(ours.filter((l) => l.driverId === "d3")).toMatchObject([{ outcome: "refused", detail: "balance_insufficient" }]);
    expect(failedLines().filter((l) => l.driverId === "d3")).toEqual([]);
  });

  it("pays each driver the sum of their earnings up to the cut-off; the same cut-off again pays nobody", async () => {
    const { deps, provider, payoutDeps, balance } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    await capturedRide(deps, "rd_2", 5000);
    await capturedRide(deps, "rd_3", 20000, "d2");
    await tick();
    const cutoff = new Date().toISOString();
    const run = await runPayouts(payoutDeps, cutoff);
    expect(run).toMatchObject({ cutoff, drivers: 2, total: { amount: 8000 + 4000 + 16000, currency: "KRW" }, failed: 0, more: false });
    expect(await balance("d1")).toEqual({ owed: 0, paid: 12000 });
    expect(await balance("d2")).toEqual({ owed: 0, paid: 16000 });
    await capturedRide(deps, "rd_4", 1000);
    const again = await runPayouts(payoutDeps, cutoff);
    expect(again).toMatchObject({ id: run.id, drivers: 0, total: { amount: 0 } });
    expect(provider.transfers.size).toBe(2);
    expect(await balance("d1")).toEqual({ owed: 800, paid: 12000 });
  });

  it("a refund after a payout makes the balance negative: nothing is paid until more is earned, then only the net", async () => {
    const { deps, payoutDeps, balance } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    await tick();
    await runPayouts(payoutDeps, new Date().toISOString());
    await handlePaymentCommand(step("rd_1", "refund", 5000, { key: "rd_1:refund:a" }), deps);
    expect(await balance("d1")).toEqual({ owed: -4000, paid: 8000 });
    await tick();
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 0, total: { amount: 0 } });
    await capturedRide(deps, "rd_2", 10000);
    await tick();
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 4000 } });
    expect(await balance("d1")).toEqual({ owed: 0, paid: 12000 });
  });

  it("a run of a past cut-off after a refund and a later run pays nothing more: never more than the balance", async () => {
    const { deps, provider, payoutDeps, balance } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    await tick();
    const past = new Date().toISOString();
    await tick();
    await handlePaymentCommand(step("rd_1", "refund", 5000, { key: "rd_1:refund:a" }), deps);
    await tick();
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 4000 } });
    // An operator resumes (or runs) the earlier cut-off: 8,000 was earned by then, but 4,000 of it was refunded since.
    expect(await runPayouts(payoutDeps, past)).toMatchObject({ drivers: 0, total: { amount: 0 } });
    expect(await balance("d1")).toEqual({ owed: 0, paid: 4000 });
    expect([...provider.transfers.values()].reduce((sum, t) => sum + t.amount, 0)).toBe(4000);
  });

  it("two runs at once with different cut-offs pay the earnings once between them", async () => {
    const { deps, provider, payoutDeps, balance } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    await capturedRide(deps, "rd_2", 10000, "d2");
    await tick();
    const early = new Date().toISOString();
    await tick();
    const runs = await Promise.all([runPayouts(payoutDeps, early), runPayouts(payoutDeps, new Date().toISOString())]);
    expect(runs[0].total.amount + runs[1].total.amount).toBe(16000);
    expect([...provider.transfers.values()].reduce((sum, t) => sum + t.amount, 0)).toBe(16000);
    expect(await balance("d1")).toEqual({ owed: 0, paid: 8000 });
  });

  it("runs after the earnings checkpoint pay its sums plus what came after, each earning once, a late refund included", async () => {
    const { deps, d1, provider, payoutDeps, balance } = await setup();
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const history: EarningRow[] = [
      { kind: "settlement", id: "rd_a", driverId: "d1", earning: 8000, at: ago(3 * DAY) },
      { kind: "settlement", id: "rd_b", driverId: "d2", earning: 5000, at: ago(3 * DAY) },
    ];
    await recordEarnings(d1, history);
    // A past cut-off: the checkpoint moves to its last millisecond (what was earned before it), and holds both settlements.
    const first = await runPayouts(payoutDeps, ago(2 * DAY));
    expect(first).toMatchObject({ drivers: 2, total: { amount: 13000 } });
    expect(await checkpointThrough(d1)).toBe(new Date(Date.parse(first.cutoff) - 1).toISOString());

    await recordEarnings(d1, [
      { kind: "settlement", id: "rd_c", driverId: "d1", earning: 4000, at: ago(DAY) },
      { kind: "adjustment", id: "rd_b:refund:a", driverId: "d2", earning: -1000, at: ago(3_600_000) },
    ]);
    await capturedRide(deps, "rd_d", 1000);
    await tick();
    // Now: the checkpoint moves to ten minutes ago (rd_c, the refund); rd_d, just recorded, is summed after it.
    const second = await runPayouts(payoutDeps, new Date().toISOString());
    expect(second).toMatchObject({ drivers: 1, total: { amount: 4000 + 800 } });
    const lag = Date.now() - Date.parse(await checkpointThrough(d1));
    expect(lag).toBeGreaterThanOrEqual(EARNINGS_SETTLED_MS);
    expect(lag).toBeLessThan(EARNINGS_SETTLED_MS + 5_000);
    expect(await d1.prepare("SELECT driver_id, earned FROM driver_earnings ORDER BY driver_id").all()).toMatchObject({
      results: [
        { driver_id: "d1", earned: 12000 },
        { driver_id: "d2", earned: 4000 },
      ],
    });
    expect(await balance("d1")).toEqual({ owed: 0, paid: 12800 });
    expect(await balance("d2")).toEqual({ owed: -1000, paid: 5000 });
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 0 });
    expect([...provider.transfers.values()].reduce((sum, t) => sum + t.amount, 0)).toBe(17800);
  });

  it("a payout claimed over 23 h ago is looked up before it is sent again: found, it is recorded paid and not sent twice", async () => {
    const { deps, d1, provider, payoutDeps, balance, payoutCalls } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    const claimedAt = new Date(Date.now() - 25 * 3_600_000).toISOString();
    const claim = { id: "po_old", runId: "pr_old", driverId: "d1", amount: 8000, cutoff: new Date().toISOString(), provider: "fake", now: claimedAt };
    expect(await claimPayout(d1, claim, 0)).toBe(true);
    // The transfer was made but its answer was lost, and the provider has since forgotten the key.
    await d1.prepare("UPDATE payouts SET requested = 1 WHERE id = 'po_old'").run();
    await provider.payout({ amount: { amount: 8000, currency: "KRW" }, destination: null, reference: "d1" }, "po_old");
    provider.forget("po_old");
    await tick();
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 8000 }, failed: 0 });
    expect(payoutCalls()).toHaveLength(1);
    expect(provider.transferCount).toBe(1);
    const [paid] = (await payoutsPage(d1, { driverId: "d1", after: null, limit: 10 })).items;
    expect(paid).toMatchObject({ id: "po_old", status: "succeeded", providerRef: provider.transfers.get("po_old")!.ref });
    expect(await balance("d1")).toEqual({ owed: 0, paid: 8000 });
  });

  it("an old payout the provider never made is sent again; when the lookup gets no answer nothing is sent", async () => {
    const { deps, d1, provider, payoutDeps, balance, payoutCalls } = await setup();
    await capturedRide(deps, "rd_1", 10000);
    const claimedAt = new Date(Date.now() - 25 * 3_600_000).toISOString();
    expect(
      await claimPayout(
        d1,
        { id: "po_old", runId: "pr_old", driverId: "d1", amount: 8000, cutoff: new Date().toISOString(), provider: "fake", now: claimedAt },
        0,
      ),
    ).toBe(true);
    // Its request went out once, unanswered (a payout never requested is not looked up: payout-resize.unit).
    await d1.prepare("UPDATE payouts SET requested = 1 WHERE id = 'po_old'").run();
    await tick();
    provider.down = true;
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 0, failed: 1 });
    expect(payoutCalls()).toHaveLength(0);
    expect((await payoutsPage(d1, { driverId: "d1", after: null, limit: 10 })).items[0]).toMatchObject({ status: "failed" });
    provider.down = false;
    expect(await runPayouts(payoutDeps, new Date().toISOString())).toMatchObject({ drivers: 1, total: { amount: 8000 } });
    expect(provider.calls.filter((c) => c.key === "po_old").map((c) => c.op)).toEqual(["findPayout", "findPayout", "payout"]);
    expect(provider.transferCount).toBe(1);
    expect(await balance("d1")).toEqual({ owed: 0, paid: 8000 });
  });

  it("pays what was earned before the cut-off: an earning made at the cut-off itself is the next cut-off's", async () => {
    const { d1, provider, payoutDeps } = await setup();
    const cutoff = new Date(Date.now() - DAY).toISOString();
    const at = (ms: number) => new Date(Date.parse(cutoff) + ms).toISOString();
    await recordEarnings(d1, [
      { kind: "settlement", id: "rd_before", driverId: "d1", earning: 8000, at: at(-1) },
      { kind: "settlement", id: "rd_at", driverId: "d1", earning: 4000, at: at(0) },
      { kind: "settlement", id: "rd_at_d2", driverId: "d2", earning: 2000, at: at(0) },
    ]);
    expect(await runPayouts(payoutDeps, cutoff)).toMatchObject({ drivers: 1, total: { amount: 8000 } });
    expect(await runPayouts(payoutDeps, at(1))).toMatchObject({ drivers: 2, total: { amount: 6000 } });
    expect([...provider.transfers.values()].map((t) => t.amount).sort((a, b) => a - b)).toEqual([2000, 4000, 8000]);
  });

  it("a claim steps back when another run claimed for the driver in between", async () => {
    const { d1 } = await setup();
    const claim = {
      id: "po_a",
      runId: "pr_a",
      driverId: "d1",
      amount: 100,
      cutoff: "2026-01-01T00:00:00.000Z",
      provider: "fake",
      now: "2026-01-01T00:00:00.000Z",
    };
    expect(await claimPayout(d1, claim, 0)).toBe(true);
    expect(await claimPayout(d1, { ...claim, id: "po_b", cutoff: "2026-01-01T00:00:01.000Z" }, 0)).toBe(false);
    expect(await claimPayout(d1, claim, 1)).toBe(false);
  });

  it("the commission report counts captured rides only: a ride the platform settled (card declined after boarding) is reported apart", async () => {
    const { deps, d1 } = await setup();
    const from = new Date(Date.now() - 1000).toISOString();
    await capturedRide(deps, "rd_1", 10000);
    await handlePaymentCommand(step("rd_2", "authorize", 5000, { driverId: "d2" }), deps);
    await handlePaymentCommand(step("rd_2", "settle", 5000, { driverId: "d2" }), deps);
    await handlePaymentCommand(step("rd_1", "refund", 1000, { key: "rd_1:refund:a" }), deps);
    await tick();
    const to = new Date(Date.now() + 1).toISOString();
    expect(await commissionReport(d1, from, to)).toEqual({ fares: 9000, commission: 1800, earnings: 7200, rides: 1, settled: { earnings: 4000, rides: 1 } });
    expect(await driverTotals(d1, "d2")).toMatchObject({ earned: 4000 });
  });

  it("the commission report sums the splits in the range, refunds included; payouts page with a cursor", async () => {
    const { deps, d1, payoutDeps } = await setup();
    const from = new Date(Date.now() - 1000).toISOString();
    await capturedRide(deps, "rd_1", 10000);
    await capturedRide(deps, "rd_2", 5000, "d2");
    await handlePaymentCommand(step("rd_1", "refund", 1000, { key: "rd_1:refund:a" }), deps);
    await tick();
    const to = new Date(Date.now() + 1).toISOString();
    const none = { earnings: 0, rides: 0 };
    expect(await commissionReport(d1, from, to)).toEqual({ fares: 14000, commission: 2800, earnings: 11200, rides: 2, settled: none });
    expect(await commissionReport(d1, to, new Date(Date.now() + 60_000).toISOString())).toEqual({
      fares: 0,
      commission: 0,
      earnings: 0,
      rides: 0,
      settled: none,
    });

    await runPayouts(payoutDeps, new Date().toISOString());
    const first = await payoutsPage(d1, { driverId: null, after: null, limit: 1 });
    expect(first.items).toHaveLength(1);
    const second = await payoutsPage(d1, { driverId: null, after: first.next, limit: 1 });
    expect(second.items).toHaveLength(1);
    expect(second.next).toBeNull();
    expect(new Set([...first.items, ...second.items].map((p) => p.driverId))).toEqual(new Set(["d1", "d2"]));
    await expect(payoutsPage(d1, { driverId: null, after: "%%%", limit: 1 })).rejects.toThrow("invalid page cursor");
  });
});
