/**
 * A refund or settle that finds its ride let go by the ledger's window, in Node: the real
 * ledger (its migrations on Node's SQLite), the window's own let-go and restore
 * (ledger-window.ts), and an in-memory provider. Nothing is recorded or paid while the ledger
 * holds nothing of the ride; once the Ride DO's copy is back, the step is answered from it
 * (a repeat) or carried out (a step the ride still waited for).
 */
import { describe, expect, it, onTestFinished, vi } from "vitest";
import type { RideLedger } from "../../src/payments/kept-ledger";
import { handlePaymentCommand } from "./handler";
import { letGoOfLedger, restoreLedger } from "./ledger-window";
import { krw, step, unitDeps } from "./test-fixtures";

type Deps = Awaited<ReturnType<typeof unitDeps>>;
const TABLES = ["payment_operations", "settlements", "settlement_adjustments"] as const;
const DAY = 86_400_000;
const LATER = new Date(Date.now() + DAY).toISOString();
/** The window's cut-off: 30 days ago. */
const CUTOFF = new Date(Date.now() - 30 * DAY).toISOString();

/** Makes the ride's rows, and the pin its settle or refund left, 40 days old: past the window. */
async function age(d1: Deps["d1"], rideId: string) {
  const old = new Date(Date.now() - 40 * DAY).toISOString();
  for (const table of TABLES) await d1.prepare(`UPDATE ${table} SET created_at = ? WHERE ride_id = ?`).bind(old, rideId).run();
  await d1.prepare("UPDATE ledger_restores SET restored_at = ? WHERE ride_id = ?").bind(old, rideId).run();
}

/** Lets the ride go as the window does, answering the copy its Ride DO would keep. */
async function letGo(d1: Deps["d1"], rideId: string): Promise<RideLedger> {
  await age(d1, rideId);
  const copy = {} as RideLedger;
  for (const table of TABLES)
    copy[table] = (await d1.prepare(`SELECT * FROM ${table} WHERE ride_id = ?`).bind(rideId).all()).results as RideLedger[typeof table];
  expect(await letGoOfLedger(d1, { kept: [rideId], later: [], never: [] }, CUTOFF, null, new Date().toISOString())).toBe(1);
  return copy;
}

const count = async (d1: Deps["d1"], table: string, rideId: string) =>
  (await d1.prepare(`SELECT count(*) AS n FROM ${table} WHERE ride_id = ?`).bind(rideId).first<{ n: number }>())?.n;

describe("a payment step whose ride the ledger's window let go", () => {
  it("a settle delivered again a window late pays the driver nothing twice: answered letGo, nothing recorded; once the rows are back, answered from them", async () => {
    const { d1, deps, provider, reported } = await unitDeps();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await handlePaymentCommand(step("rd_unpaid", "authorize", 12300, { paymentMethod: "pm_card_chargeDeclined" }), deps);
      const settled = await handlePaymentCommand(step("rd_unpaid", "settle", 12300), deps);
      expect(settled).toMatchObject({ outcome: "succeeded", settlement: { earning: krw(9840) } });
      const copy = await letGo(d1, "rd_unpaid");
      expect(await count(d1, "payment_operations", "rd_unpaid")).toBe(0);

      const again = await handlePaymentCommand(step("rd_unpaid", "settle", 12300), deps);
      expect(again).toMatchObject({ rideId: "rd_unpaid", action: "settle", outcome: "declined", letGo: true });
      expect(again.settlement).toBeUndefined();
      expect(reported.at(-1)).toEqual(again);
      expect(await count(d1, "settlements", "rd_unpaid")).toBe(0);
      expect(await count(d1, "payment_operations", "rd_unpaid")).toBe(0);
      expect(provider.calls.filter((c) => c.op !== "authorize")).toEqual([]);
      expect(warn.mock.calls.map((c) => JSON.parse(String(c[0])) as { msg: string }).map((l) => l.msg)).toContain(
        "payment step for a ride let go: its rows are asked back",
      );

      await restoreLedger(d1, "rd_unpaid", copy, LATER, new Date().toISOString());
      expect(await handlePaymentCommand(step("rd_unpaid", "settle", 12300), deps)).toEqual(settled);
      expect(await count(d1, "settlements", "rd_unpaid")).toBe(1);
    } finally {
      warn.mockRestore();
    }
  });

  it("a refund still waiting when its ride was let go is not declined for want of the capture: answered letGo, and refunded once the rows are back", async () => {
    const { d1, deps, provider } = await unitDeps();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    onTestFinished(() => warn.mockRestore());
    await handlePaymentCommand(step("rd_late", "authorize", 10000), deps);
    await handlePaymentCommand(step("rd_late", "capture", 10000), deps);
    const copy = await letGo(d1, "rd_late");

    const refund = step("rd_late", "refund", 4000, { key: "rd_late:refund:a" });
    expect(await handlePaymentCommand(refund, deps)).toMatchObject({ outcome: "declined", letGo: true });
    expect(provider.calls.filter((c) => c.op === "refund")).toEqual([]);
    expect(await count(d1, "payment_operations", "rd_late")).toBe(0);

    await restoreLedger(d1, "rd_late", copy, LATER, new Date().toISOString());
    const refunded = await handlePaymentCommand(refund, deps);
    expect(refunded).toMatchObject({ outcome: "succeeded", amount: krw(4000), adjustment: { earning: krw(-3200) } });
    expect(refunded.letGo).toBeUndefined();
  });

  it("a let-go that comes while a refund is carried out skips its ride: the step pins it before it reads, so the refund finds its capture and takes back the driver's share", async () => {
    const { d1, deps } = await unitDeps();
    await handlePaymentCommand(step("rd_race", "authorize", 10000), deps);
    await handlePaymentCommand(step("rd_race", "capture", 10000), deps);
    await age(d1, "rd_race");
    // The window's run commits between the refund's first reads: right before it asks whether the ledger knows the ride.
    const knows = deps.ledger.knows.bind(deps.ledger);
    const tried: number[] = [];
    deps.ledger.knows = async (rideId) => {
      tried.push(await letGoOfLedger(d1, { kept: [rideId], later: [], never: [] }, CUTOFF, null, new Date().toISOString()));
      return knows(rideId);
    };
    const refunded = await handlePaymentCommand(step("rd_race", "refund", 5000, { key: "rd_race:refund:a" }), deps);
    expect(tried).toEqual([0]);
    expect(refunded).toMatchObject({ outcome: "succeeded", adjustment: { earning: krw(-4000) } });
    expect(await count(d1, "payment_operations", "rd_race")).toBe(3);
  });

  it("a rental's step is never answered letGo: only a ride's rows are let go", async () => {
    const { deps } = await unitDeps();
    const refund = await handlePaymentCommand(step("rn_gone", "refund", 1000, { key: "rn_gone:refund:x", driverId: null }), deps);
    expect(refund).toMatchObject({ outcome: "declined", detail: "no captured payment to refund" });
    expect(refund.letGo).toBeUndefined();
  });

  it("a step the ledger has an answer for is answered from it, whatever else of the ride is gone; a ride it knows is never answered letGo", async () => {
    const { d1, deps } = await unitDeps();
    await handlePaymentCommand(step("rd_known", "authorize", 10000), deps);
    const held = await handlePaymentCommand(step("rd_known", "refund", 1000, { key: "rd_known:refund:x" }), deps);
    expect(held).toMatchObject({ outcome: "declined", detail: "no captured payment to refund" });
    expect(held.letGo).toBeUndefined();
    // Only the refund's row left (the others gone by hand): its repeat still has its recorded answer.
    await d1.prepare("DELETE FROM payment_operations WHERE ride_id = 'rd_known' AND kind <> 'refund'").run();
    expect(await handlePaymentCommand(step("rd_known", "refund", 1000, { key: "rd_known:refund:x" }), deps)).toEqual(held);
  });
});
