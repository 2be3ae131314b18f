/**
 * The refund and settle steps of the payment handler, in Node: the real ledger (its
 * migrations on Node's SQLite) and an in-memory provider that refuses like a real one.
 */
import { describe, expect, it, vi } from "vitest";
import { handlePaymentCommand } from "./handler";
import { krw, step, unitDeps } from "./test-fixtures";

/** A ride authorised and captured for `fare` (driver d1, so settled 80/20). */
async function capturedRide(fare = 10000) {
  const ctx = await unitDeps();
  const rideId = `rd_${Math.random().toString(36).slice(2, 10)}`;
  await handlePaymentCommand(step(rideId, "authorize", fare), ctx.deps);
  const capture = await handlePaymentCommand(step(rideId, "capture", fare), ctx.deps);
  expect(capture).toMatchObject({ outcome: "succeeded", settlement: { earning: krw(fare - Math.round(fare * 0.2)) } });
  return { ...ctx, rideId };
}

const refunds = (calls: { op: string }[]) => calls.filter((c) => c.op === "refund").length;

describe("refund", () => {
  it("gives back the whole capture, and takes the settlement back with it", async () => {
    const { deps, provider, reported, rideId } = await capturedRide(10000);
    const result = await handlePaymentCommand(step(rideId, "refund", 10000, { key: `${rideId}:refund:full` }), deps);
    expect(result).toMatchObject({
      action: "refund",
      outcome: "succeeded",
      amount: krw(10000),
      adjustment: { driverId: "d1", fare: krw(-10000), commission: krw(-2000), earning: krw(-8000) },
    });
    expect(result.providerRef).toMatch(/^re_/);
    expect(reported.at(-1)).toEqual(result);
    expect(refunds(provider.calls)).toBe(1);
    expect(await deps.ledger.adjustment(`${rideId}:refund:full`)).toEqual(result.adjustment);
  });

  it("gives back a part, split in the settlement's proportion", async () => {
    const { deps, rideId } = await capturedRide(12300);
    const result = await handlePaymentCommand(step(rideId, "refund", 1000, { key: `${rideId}:refund:p1` }), deps);
    // the driver earned 9840 of 12300: 800 of every 1000
    expect(result).toMatchObject({ outcome: "succeeded", amount: krw(1000), adjustment: { fare: krw(-1000), commission: krw(-200), earning: krw(-800) } });
  });

  it("a repeated key does nothing twice: one provider call, one ledger row, one adjustment", async () => {
    const { d1, deps, provider, rideId } = await capturedRide(10000);
    const command = step(rideId, "refund", 3000, { key: `${rideId}:refund:same` });
    const first = await handlePaymentCommand(command, deps);
    const second = await handlePaymentCommand(command, deps);
    expect(second).toEqual(first);
    expect(refunds(provider.calls)).toBe(1);
    const rows = await d1.prepare("SELECT count(*) AS n FROM payment_operations WHERE kind = 'refund' AND ride_id = ?").bind(rideId).first<{ n: number }>();
    expect(rows?.n).toBe(1);
    const adjustments = await d1.prepare("SELECT count(*) AS n FROM settlement_adjustments WHERE ride_id = ?").bind(rideId).first<{ n: number }>();
    expect(adjustments?.n).toBe(1);
    expect(await deps.ledger.refunded(rideId)).toBe(3000);
  });

  it("declines a refund that would take the refunds past the capture, without asking the provider", async () => {
    const { deps, provider, rideId } = await capturedRide(10000);
    await handlePaymentCommand(step(rideId, "refund", 6000, { key: `${rideId}:refund:a` }), deps);
    const over = await handlePaymentCommand(step(rideId, "refund", 4001, { key: `${rideId}:refund:b` }), deps);
    expect(over).toMatchObject({ outcome: "declined", adjustment: null, amount: krw(4001) });
    expect(over.detail).toContain("exceeds");
    expect(refunds(provider.calls)).toBe(1);
    // the rest is still there to give back
    const rest = await handlePaymentCommand(step(rideId, "refund", 4000, { key: `${rideId}:refund:c` }), deps);
    expect(rest.outcome).toBe("succeeded");
    expect(await deps.ledger.refunded(rideId)).toBe(10000);
  });

  it("a declined refund is logged once, as an error on-call can alert on; a taken one and a repeat are not", async () => {
    const { deps, rideId } = await capturedRide(10000);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await handlePaymentCommand(step(rideId, "refund", 4000, { key: `${rideId}:refund:ok` }), deps);
      const over = step(rideId, "refund", 7000, { key: `${rideId}:refund:over` });
      await handlePaymentCommand(over, deps);
      await handlePaymentCommand(over, deps);
      const lines = errors.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);
      expect(lines).toEqual([
        { msg: "refund declined", rideId, key: `${rideId}:refund:over`, amount: 7000, detail: expect.stringContaining("exceeds"), provider: "platform" },
      ]);
    } finally {
      errors.mockRestore();
    }
  });

  it("declines a refund of a ride that was never captured", async () => {
    const { deps, provider } = await unitDeps();
    await handlePaymentCommand(step("rd_held", "authorize", 5000), deps);
    const result = await handlePaymentCommand(step("rd_held", "refund", 1000, { key: "rd_held:refund:x" }), deps);
    expect(result).toMatchObject({ outcome: "declined", detail: "no captured payment to refund", adjustment: null });
    expect(result.letGo).toBeUndefined();
    expect(refunds(provider.calls)).toBe(0);
  });

  it("pieces of a refund add up to the whole settlement, never a won more", async () => {
    const { deps, rideId } = await capturedRide(9999);
    const earned = (await deps.ledger.settlementOf(rideId))!.earning;
    let earning = 0;
    for (const [i, amount] of [3333, 3333, 3333].entries()) {
      const part = await handlePaymentCommand(step(rideId, "refund", amount, { key: `${rideId}:refund:${i}` }), deps);
      earning += part.adjustment!.earning.amount;
    }
    expect(earning).toBe(-earned);
  });

  it("a capture with no settlement (no driver: a rental) is refunded with no adjustment: what was never split is not taken back", async () => {
    const { d1, deps } = await unitDeps();
    await handlePaymentCommand(step("rn_nodriver", "authorize", 5000, { driverId: null }), deps);
    await handlePaymentCommand(step("rn_nodriver", "capture", 5000, { driverId: null }), deps);
    const result = await handlePaymentCommand(step("rn_nodriver", "refund", 5000, { key: "rn_nodriver:refund:1", driverId: null }), deps);
    expect(result).toMatchObject({ outcome: "succeeded", adjustment: null, amount: krw(5000) });
    const rows = await d1.prepare("SELECT COUNT(*) AS n FROM settlement_adjustments WHERE ride_id = 'rn_nodriver'").first();
    expect(rows).toEqual({ n: 0 });
  });
});

describe("void", () => {
  it("a void the provider refuses is answered declined and logged once as a warning; its repeat asks nobody and logs nothing", async () => {
    const { deps, provider, rideId } = await capturedRide(10000);
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const command = step(rideId, "void", 10000);
      const first = await handlePaymentCommand(command, deps);
      expect(first).toMatchObject({ action: "void", outcome: "declined", detail: "not cancelable" });
      expect(await handlePaymentCommand(command, deps)).toEqual(first);
      expect(provider.calls.filter((c) => c.op === "void")).toHaveLength(1);
      const lines = warnings.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);
      expect(lines).toEqual([{ msg: "void refused by the provider", rideId, key: command.idempotencyKey, detail: "not cancelable" }]);
    } finally {
      warnings.mockRestore();
    }
  });
});

describe("settle", () => {
  it("pays the driver's share of a fare the rider did not pay, with no provider call", async () => {
    const { d1, deps, provider, reported } = await unitDeps();
    await handlePaymentCommand(step("rd_unpaid", "authorize", 12300, { paymentMethod: "pm_card_chargeDeclined" }), deps);
    reported.length = 0;
    provider.calls.length = 0;
    const result = await handlePaymentCommand(step("rd_unpaid", "settle", 12300), deps);
    expect(result).toMatchObject({
      action: "settle",
      outcome: "succeeded",
      providerRef: null,
      settlement: { driverId: "d1", fare: krw(12300), commission: krw(2460), earning: krw(9840) },
    });
    expect(provider.calls).toEqual([]);
    expect(reported).toEqual([result]);
    const op = await d1.prepare("SELECT kind, provider, outcome, provider_ref FROM payment_operations WHERE ride_id = 'rd_unpaid' AND kind = 'settle'").first();
    expect(op).toEqual({ kind: "settle", provider: "platform", outcome: "succeeded", provider_ref: null });
  });

  it("is idempotent, and never settles a ride twice (a later capture finds the settlement)", async () => {
    const { d1, deps } = await unitDeps();
    await handlePaymentCommand(step("rd_s", "authorize", 10000), deps);
    const first = await handlePaymentCommand(step("rd_s", "settle", 10000), deps);
    expect(first.outcome).toBe("succeeded");
    expect(await handlePaymentCommand(step("rd_s", "settle", 10000), deps)).toEqual(first);
    const capture = await handlePaymentCommand(step("rd_s", "capture", 10000), deps);
    expect(capture.settlement).toEqual(first.settlement);
    const n = await d1.prepare("SELECT count(*) AS n FROM settlements WHERE ride_id = 'rd_s'").first<{ n: number }>();
    expect(n?.n).toBe(1);
  });

  it("declines a settle with no driver", async () => {
    const { deps } = await unitDeps();
    await handlePaymentCommand(step("rd_x", "authorize", 10000, { paymentMethod: "pm_card_chargeDeclined" }), deps);
    expect(await handlePaymentCommand(step("rd_x", "settle", 10000, { driverId: null }), deps)).toMatchObject({
      outcome: "declined",
      detail: "no driver to settle with",
      settlement: null,
    });
  });
});

describe("a step's result", () => {
  it("carries the correlation id of the command that made the step; a repeat (the watchdog's, under the ride's) is answered with the first's", async () => {
    const { deps, reported, rideId } = await capturedRide(10000);
    const command = { ...step(rideId, "refund", 1000, { key: `${rideId}:refund:c` }), correlationId: "req-refund" };
    expect(await handlePaymentCommand(command, deps)).toMatchObject({ outcome: "succeeded", correlationId: "req-refund" });
    expect(reported.at(-1)).toMatchObject({ correlationId: "req-refund" });
    expect(await handlePaymentCommand({ ...command, correlationId: "ride-own" }, deps)).toMatchObject({ correlationId: "req-refund" });
    // A step the platform answers itself (a settle) keeps its command's too.
    const settle = { ...step(`${rideId}x`, "settle", 5000), correlationId: "req-complete" };
    expect(await handlePaymentCommand(settle, deps)).toMatchObject({ correlationId: "req-complete" });
  });
});
