/**
 * Payouts behind a breaker that opens (src/payments/breaker.ts, the real state machine): a few
 * payouts whose failure the provider replays under their keys for a day (Stripe keeps a 5xx
 * with its key) must not hold back every payout behind them at every pass.
 */
import { describe, expect, it, vi } from "vitest";
import { acquire, CLOSED, record, type BreakerState } from "../../src/payments/breaker";
import { payoutsPage } from "./payout-store";
import { resendUnansweredPayouts, runPayouts } from "./payouts";
import { ProviderUnavailable } from "./provider";
import { capturedRide, payoutUnit } from "./test-fixtures";

const tick = () => new Promise((r) => setTimeout(r, 5));
const SETTINGS = { failureThreshold: 3, cooldownMs: 60_000, probeTimeoutMs: 10_000 };

describe("payouts behind an opening breaker", () => {
  it("stop at the breaker and leave the rest untouched, so the payouts that keep failing go behind the others at the next pass", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const { deps, provider, payoutDeps } = await payoutUnit();
    let state: BreakerState = CLOSED;
    const breaker = {
      acquire: async () => {
        const r = acquire(state, Date.now(), SETTINGS);
        state = r.state;
        return r.permit;
      },
      record: async (ok: boolean, probe?: boolean) => void (state = record(state, ok, Date.now(), SETTINGS, probe)),
    };
    const pd = { ...payoutDeps, breaker };
    for (let i = 1; i <= 5; i++) await capturedRide(deps, `rd_${i}`, 10000, `d${i}`);
    await tick();
    // An incident: the run's every transfer gets a 5xx; the provider keeps that answer under the first three keys.
    provider.down = true;
    expect(await runPayouts(pd, new Date().toISOString())).toMatchObject({ drivers: 0, failed: 5 });
    expect(
      provider.calls.filter((c) => c.op === "payout"),
      "the breaker opened after three: the other two were never sent",
    ).toHaveLength(3);
    const all = async () => (await payoutsPage(pd.db, { driverId: null, after: null, limit: 10 })).items;
    expect((await all()).map((p) => p.status)).toEqual(Array(5).fill("failed"));
    provider.down = false;
    const sent = new Set(provider.calls.filter((c) => c.op === "payout").map((c) => c.key));
    const sticky = new Set((await all()).filter((p) => sent.has(p.id)).map((p) => p.id));
    expect(sticky.size).toBe(3);
    const real = provider.payout.bind(provider);
    vi.spyOn(provider, "payout").mockImplementation(async (input, key) => {
      if (sticky.has(key)) throw new ProviderUnavailable("stripe answered 500 (replayed under the key)");
      return real(input, key);
    });
    // The next pass, the breaker cooled down (half open): the claims left untouched come first and are paid.
    state = { ...state, openedAt: Date.now() - SETTINGS.cooldownMs - 1 };
    await new Promise((r) => setTimeout(r, 20));
    const pass = await resendUnansweredPayouts({ ...pd, now: () => new Date(Date.now() + 61_000) });
    expect(pass.drivers, "the two payouts behind the sticky ones are paid").toBe(2);
    expect(
      (await all())
        .filter((p) => p.status === "succeeded")
        .map((p) => p.id)
        .sort(),
    ).toEqual(
      (await all())
        .filter((p) => !sticky.has(p.id))
        .map((p) => p.id)
        .sort(),
    );
  });
});
