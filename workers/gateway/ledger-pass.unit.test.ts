/**
 * One ledger pass of the repair sweep (ledger-passes.ts, `ledgerPass`) over fake pages: a page
 * whose objects keep failing holds the pass for `WALK_STUCK_MS` (tried again every run), then is
 * left behind, logged, and the rows after it heal.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_REPAIR, type RepairDeps } from "./views-repair";
import { WALK_STUCK_MS } from "../../src/payments/walk-stuck";
import { copyEarnings, ledgerPass, restoreLost, rideWrites, type PageStep } from "./ledger-passes";
import { earning, snapshotOf } from "./repair-fixtures";

const PAGES = [["rd_1", "rd_poison"], ["rd_2"], ["rd_3"]];

function pass(broken: Set<string>) {
  let saved: string | null = null;
  const done = new Set<string>();
  const store = { read: async () => saved, save: async (c: string | null) => void (saved = c) };
  const page = async (after: string | null) => {
    const i = after === null ? 0 : Number(after);
    return { items: PAGES[i] ?? [], next: i + 1 < PAGES.length ? String(i + 1) : null };
  };
  const apply = async (ids: string[]): Promise<PageStep> => {
    const failed = ids.filter((id) => broken.has(id));
    ids.filter((id) => !failed.includes(id)).forEach((id) => done.add(id));
    return { added: ids.length - failed.length, ...(failed.length ? { error: failed.map((id) => `${id}: object broken`).join("; ") } : {}) };
  };
  return { run: () => ledgerPass(store, page, apply, DEFAULT_REPAIR), done, saved: () => saved };
}

afterEach(() => vi.useRealTimers());

describe("ledgerPass", () => {
  it("an object failing for good holds its page an hour, tried every run; then the page is left behind, logged, and the pass goes on", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-12-06T10:00:00.000Z"), toFake: ["Date"] });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const p = pass(new Set(["rd_poison"]));
    expect((await p.run()).error).toMatch(/rd_poison: object broken/);
    expect(p.done).toEqual(new Set(["rd_1"]));
    vi.setSystemTime(Date.parse("2026-12-06T10:59:00.000Z"));
    await p.run();
    expect(p.done.has("rd_2"), "still within the hour: the page is tried again, nothing after it").toBe(false);
    expect(logged).not.toHaveBeenCalled();
    vi.setSystemTime(Date.parse("2026-12-06T10:00:00.000Z") + WALK_STUCK_MS);
    await p.run();
    expect(p.done).toEqual(new Set(["rd_1", "rd_2", "rd_3"]));
    expect(JSON.parse(String(logged.mock.calls[0]?.[0]))).toMatchObject({
      msg: "views repair left a page behind",
      error: expect.stringContaining("rd_poison"),
    });
    expect(p.saved(), "past the stuck page, and no longer stuck").toBe("2");
  });

  it("a page that fails a while and then heals is never left behind, and the next failure waits its own hour", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-12-06T10:00:00.000Z"), toFake: ["Date"] });
    const broken = new Set(["rd_poison"]);
    const p = pass(broken);
    await p.run();
    broken.clear();
    vi.setSystemTime(Date.parse("2026-12-06T10:30:00.000Z"));
    expect((await p.run()).error).toBeNull();
    expect(p.done).toEqual(new Set(["rd_1", "rd_poison", "rd_2", "rd_3"]));
    expect(p.saved()).toBe("2");
  });

  it("a ride past the views' window: the earnings pass projects it (to its owners, a refund of an old ride), the lost pass reads and leaves it", async () => {
    const projected: string[] = [];
    const deps = {
      rideSnapshot: async (id: string) => snapshotOf(id),
      rentalWrites: async () => null,
      missingEarnings: async (rows: unknown[]) => rows,
      insertEarnings: async (rows: unknown[]) => rows.length,
      project: async (writes: { kind: string; ride?: { id: string } }[]) => void projected.push(...writes.flatMap((w) => (w.ride ? [w.ride.id] : []))),
      pastWindow: () => true,
      missingRides: async (ids: string[]) => ids,
      missingRentals: async () => [],
    } as unknown as RepairDeps;
    await copyEarnings(deps, [earning("rd_refunded")], { before: "9999-12-31T00:00:00.000Z", budget: { left: 5 } });
    expect(new Set(projected)).toEqual(new Set(["rd_refunded"]));
    projected.length = 0;
    expect(await restoreLost(deps, ["rd_lost"], { left: 5 })).toMatchObject({ added: 0 });
    expect(projected).toEqual([]);
  });
});

describe("a ride's writes from its object", () => {
  it("carry the parcel's sealed handover code on every ride row, and on nothing else", () => {
    const snapshot = { ...snapshotOf("rd_1", 2), handoverSealed: "iv.sealed" };
    const money = (amount: number) => ({ amount, currency: "KRW" });
    const settlement = { driverId: "d1", fare: money(100), commission: money(20), earning: money(80) };
    snapshot.timeline[1] = { ...snapshot.timeline[1]!, type: "PaymentCaptured", data: { settlement } };
    const writes = rideWrites(snapshot);
    expect(writes.map((w) => w.kind)).toEqual(["ride", "ride", "earning"]);
    expect(writes.map((w) => w.kind === "ride" && w.handoverSealed)).toEqual(["iv.sealed", "iv.sealed", false]);
    expect(JSON.stringify(writes[2])).not.toContain("sealed");
  });

  it("carry no copy for a ride without one", () => {
    expect(rideWrites(snapshotOf("rd_1", 2)).some((w) => "handoverSealed" in w)).toBe(false);
  });
});
