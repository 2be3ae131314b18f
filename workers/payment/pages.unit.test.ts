/** The ledger's read pages for the views' repair, on the real schema in Node's SQLite. */
import { describe, expect, it } from "vitest";
import { chargeDues } from "./dues";
import { handlePaymentCommand } from "./handler";
import { earningsPage, heldRidesPage, rideIdsPage } from "./pages";
import { step, unitDeps } from "./test-fixtures";

async function all<T>(read: (after: string | null) => Promise<{ items: T[]; next: string | null }>): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | null = null;
  do {
    const page: { items: T[]; next: string | null } = await read(after);
    pages.push(page.items);
    after = page.next;
  } while (after !== null);
  return pages;
}

describe("earningsPage", () => {
  it("reads settlements and refund adjustments together in (createdAt, id) order, page by page", async () => {
    const { d1 } = await unitDeps();
    const insert = (table: string, id: string, at: string, fare: number) =>
      table === "settlements"
        ? d1.prepare("INSERT INTO settlements VALUES (?, 'd1', ?, 0, ?, 'KRW', ?)").bind(id, fare, fare, at).run()
        : d1.prepare("INSERT INTO settlement_adjustments VALUES (?, 'rd_a', 'd1', ?, 0, ?, 'KRW', ?)").bind(id, fare, fare, at).run();
    await insert("settlements", "rd_b", "2026-07-01T10:00:01.000Z", 100);
    await insert("settlements", "rd_a", "2026-07-01T10:00:00.000Z", 200);
    await insert("settlement_adjustments", "rd_a:refund:1", "2026-07-01T10:00:01.000Z", -50);
    await insert("settlement_adjustments", "rd_a:refund:0", "2026-07-01T10:00:00.500Z", -20);
    await insert("settlements", "rd_c", "2026-07-01T10:00:02.000Z", 300);
    const pages = await all((after) => earningsPage(d1, after, 2));
    expect(pages.map((p) => p.map((i) => i.id))).toEqual([["rd_a", "rd_a:refund:0"], ["rd_a:refund:1", "rd_b"], ["rd_c"]]);
    expect(pages[0]![1]).toEqual({
      id: "rd_a:refund:0",
      rideId: "rd_a",
      driverId: "d1",
      fare: -20,
      commission: 0,
      earning: -20,
      currency: "KRW",
      createdAt: "2026-07-01T10:00:00.500Z",
    });
    // one more page size: everything at once, no empty page after it
    expect(await earningsPage(d1, null, 5)).toMatchObject({ next: null });
    expect((await earningsPage(d1, null, 5)).items).toHaveLength(5);
  });

  it("shows a refund's adjustment next to its settlement", async () => {
    const { d1, deps } = await unitDeps();
    await handlePaymentCommand(step("rd_r", "authorize", 10000), deps);
    await handlePaymentCommand(step("rd_r", "capture", 10000), deps);
    await handlePaymentCommand(step("rd_r", "refund", 2500, { key: "rd_r:refund:k" }), deps);
    const { items } = await earningsPage(d1, null, 10);
    expect(items.map((i) => [i.id, i.fare, i.commission, i.earning])).toEqual([
      ["rd_r", 10000, 2000, 8000],
      ["rd_r:refund:k", -2500, -500, -2000],
    ]);
  });
});

describe("rideIdsPage", () => {
  it("lists each ride of the ledger once, in id order, without dues accounts", async () => {
    const { d1, deps } = await unitDeps();
    for (const id of ["rd_3", "rd_1", "rd_2"]) await handlePaymentCommand(step(id, "authorize", 1000), deps);
    await handlePaymentCommand(step("rd_1", "capture", 1000), deps);
    await chargeDues(deps, { riderId: "r1", amount: { amount: 500, currency: "KRW" }, paymentMethod: "pm_card_visa", idempotencyKey: "k", correlationId: "c" });
    const pages = await all((after) => rideIdsPage(d1, after, 2));
    expect(pages).toEqual([["rd_1", "rd_2"], ["rd_3"]]);
  });
});

describe("heldRidesPage", () => {
  it("lists each ride with an authorisation once, in the order the ledger recorded them, without dues accounts", async () => {
    const { d1, deps } = await unitDeps();
    for (const id of ["rd_3", "rd_1", "rd_2"]) {
      await handlePaymentCommand(step(id, "authorize", 1000), deps);
      await new Promise((r) => setTimeout(r, 2)); // distinct created_at
    }
    await handlePaymentCommand(step("rd_3", "capture", 1000), deps);
    await chargeDues(deps, { riderId: "r1", amount: { amount: 500, currency: "KRW" }, paymentMethod: "pm_card_visa", idempotencyKey: "k", correlationId: "c" });
    const pages = await all((after) => heldRidesPage(d1, after, 2));
    expect(pages).toEqual([["rd_3", "rd_1"], ["rd_2"]]);
  });

  it("lists none recorded after `before`: a row that lands late, stamped before the newest, is read by a later pass, not passed by its cursor", async () => {
    const { d1, deps } = await unitDeps();
    for (const id of ["rd_old", "rd_young"]) await handlePaymentCommand(step(id, "authorize", 1000), deps);
    await d1.prepare("UPDATE payment_operations SET created_at = ? WHERE ride_id = 'rd_old'").bind("2026-12-06T10:00:00.000Z").run();
    await d1.prepare("UPDATE payment_operations SET created_at = ? WHERE ride_id = 'rd_young'").bind("2026-12-06T10:05:00.000Z").run();
    const before = "2026-12-06T10:02:00.000Z";
    const first = await heldRidesPage(d1, null, 10, before);
    expect(first).toEqual({ items: ["rd_old"], next: null });
    // Landed now, stamped a minute before the threshold and after the row the pass read.
    await handlePaymentCommand(step("rd_late", "authorize", 1000), deps);
    await d1.prepare("UPDATE payment_operations SET created_at = ? WHERE ride_id = 'rd_late'").bind("2026-12-06T10:01:00.000Z").run();
    expect((await heldRidesPage(d1, null, 10, before)).items).toEqual(["rd_old", "rd_late"]);
    expect((await heldRidesPage(d1, null, 10)).items).toEqual(["rd_old", "rd_late", "rd_young"]);
  });
});
