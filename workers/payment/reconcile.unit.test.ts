/**
 * Reconciliation's orphan holds, in Node: holds the provider placed whose ledger record
 * was lost. The real ledger on Node's SQLite, an in-memory provider, rides by lookup.
 */
import { describe, expect, it, vi } from "vitest";
import { WALK_STUCK_MS } from "../../src/payments/walk-stuck";
import { WALK_SCAN } from "./hold-walk";
import type { Ride } from "../../src/domain/types";
import { handlePaymentCommand } from "./handler";
import { PROVIDER_HOLDS_LISTED, reconcile } from "./reconcile";
import { rideIn, step, unitDeps } from "./test-fixtures";

const HOUR = 3_600_000;

async function withRides(rides: Record<string, Ride | null>) {
  const ctx = await unitDeps();
  const looked: string[] = [];
  const deps = {
    ...ctx.deps,
    ride: async (id: string) => {
      looked.push(id);
      return rides[id] ?? null;
    },
  };
  return { ...ctx, reconcileDeps: deps, looked };
}

/** More live rides' holds at the provider than a listing (the walk has a window to read), and where the walk stands. */
async function pastAListing() {
  const rides: Record<string, Ride | null> = {};
  const ctx = await withRides(rides);
  for (let i = 0; i <= PROVIDER_HOLDS_LISTED; i++) {
    rides[`rd_live${i}`] = rideIn("in_progress");
    ctx.provider.placeHold({ reference: `rd_live${i}`, amount: 5000, key: `rd_live${i}:authorize`, ageMs: 6 * 60_000 + i * 60 });
  }
  const walk = () =>
    ctx.d1.prepare("SELECT before_s, span_s, stuck_since FROM provider_hold_walk").first<{ before_s: number; span_s: number; stuck_since: number | null }>();
  return { ...ctx, walk };
}

describe("orphan holds", () => {
  it("voids the provider's hold of a cancelled ride the ledger never heard of, and leaves a live ride's alone", async () => {
    const { d1, provider, reconcileDeps } = await withRides({ rd_cancelled: rideIn("cancelled"), rd_live: rideIn("dispatching") });
    // the provider authorised, then the ledger write was lost
    const orphan = provider.placeHold({ reference: "rd_cancelled", amount: 9800, key: "rd_cancelled:authorize", ageMs: HOUR });
    const live = provider.placeHold({ reference: "rd_live", amount: 9800, key: "rd_live:authorize", ageMs: HOUR });
    const report = await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000 });
    expect(report.orphanHoldsVoided).toEqual(["rd_cancelled"]);
    expect(report.failures).toEqual([]);
    expect(provider.holds.get(orphan)?.status).toBe("canceled");
    expect(provider.holds.get(live)?.status).toBe("requires_capture");
    expect(provider.calls.find((c) => c.op === "void")?.key).toBe("rd_cancelled:void:orphan");
    const row = await d1.prepare("SELECT kind, outcome, provider_ref, idempotency_key FROM payment_operations WHERE ride_id = 'rd_cancelled'").first();
    expect(row).toEqual({ kind: "void", outcome: "succeeded", provider_ref: orphan, idempotency_key: "rd_cancelled:void:orphan" });

    // a second run voids nothing more
    const again = await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000 });
    expect(again.orphanHoldsVoided).toEqual([]);
    expect(provider.calls.filter((c) => c.op === "void")).toHaveLength(1);
  });

  it("voids the holds of completed and vanished rides; leaves young holds and holds the ledger knows to their own paths", async () => {
    const { deps, provider, reconcileDeps, looked } = await withRides({ rd_done: rideIn("completed"), rd_known: rideIn("dispatching") });
    provider.placeHold({ reference: "rd_done", amount: 5000, key: "rd_done:authorize", ageMs: HOUR });
    provider.placeHold({ reference: "rd_gone", amount: 5000, key: "rd_gone:authorize", ageMs: HOUR });
    const young = provider.placeHold({ reference: "rd_young", amount: 5000, key: "rd_young:authorize", ageMs: 1000 });
    await handlePaymentCommand(step("rd_known", "authorize", 5000), deps);
    const report = await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000 });
    expect(report.orphanHoldsVoided.sort()).toEqual(["rd_done", "rd_gone"]);
    expect(provider.holds.get(young)?.status).toBe("requires_capture");
    expect(looked).not.toContain("rd_young");
  });

  it("a ride that hears of its hold late has its own void answered by the orphan void, not refused by the provider", async () => {
    const { deps, provider, reconcileDeps } = await withRides({ rd_late: rideIn("cancelled") });
    const hold = provider.placeHold({ reference: "rd_late", amount: 7000, key: "rd_late:authorize", ageMs: HOUR });
    await reconcile(reconcileDeps, { minAgeMs: 0 });
    // the ride's watchdog asks again: the provider replays the hold, the ledger records it, the ride voids it
    expect((await handlePaymentCommand(step("rd_late", "authorize", 7000), deps)).outcome).toBe("succeeded");
    const voided = await handlePaymentCommand(step("rd_late", "void", 7000), deps);
    expect(voided).toMatchObject({ outcome: "succeeded", providerRef: hold });
    expect(provider.calls.filter((c) => c.op === "void")).toHaveLength(1);
  });

  it("a provider that cannot list its holds is a reported failure, not a failed run", async () => {
    const { provider, reconcileDeps } = await withRides({});
    provider.down = true;
    const report = await reconcile(reconcileDeps, { minAgeMs: 0 });
    expect(report.orphanHoldsVoided).toEqual([]);
    expect(report.failures).toEqual([{ rideId: "", error: expect.stringContaining("open holds") }]);
  });
});

describe("orphan holds at volume: the walk over the provider's holds", () => {
  it("reaches an orphan two days back though more live holds than a listing, all old enough, are newer; a run lists at most two listings", async () => {
    const rides: Record<string, Ride | null> = { rd_orphan: rideIn("cancelled") };
    const { provider, reconcileDeps } = await withRides(rides);
    const orphan = provider.placeHold({ reference: "rd_orphan", amount: 9800, key: "rd_orphan:authorize", ageMs: 48 * HOUR });
    // Trips in progress, placed 6 to 7 minutes ago: more than one listing holds.
    for (let i = 0; i < 2 * PROVIDER_HOLDS_LISTED; i++) {
      rides[`rd_live${i}`] = rideIn("in_progress");
      provider.placeHold({ reference: `rd_live${i}`, amount: 5000, key: `rd_live${i}:authorize`, ageMs: 6 * 60_000 + i * 60 });
    }
    let runs = 0;
    while (provider.holds.get(orphan)?.status === "requires_capture" && runs < 40) {
      const listed = provider.calls.filter((c) => c.op === "openHolds").length;
      const report = await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000 });
      expect(report.failures).toEqual([]);
      expect(provider.calls.filter((c) => c.op === "openHolds").length - listed).toBe(2); // the newest, and the walk's window
      runs += 1;
    }
    expect(provider.holds.get(orphan)?.status).toBe("canceled");
    expect(runs).toBeGreaterThan(1);
    expect(runs).toBeLessThanOrEqual(30); // five hours of the ten-minute cron
    expect([...provider.holds.values()].filter((h) => h.status === "canceled")).toHaveLength(1);
  });

  it("the walk stays on a window one of whose holds could not be judged, for up to WALK_STUCK_MS; an operator's run does not move it", async () => {
    const { provider, reconcileDeps, walk } = await pastAListing();
    const failing = { ...reconcileDeps, ride: async () => Promise.reject(new Error("ride object down")) };
    const now = Date.now();
    expect((await reconcile(failing, { minAgeMs: 5 * 60_000, now })).failures.length).toBeGreaterThan(0);
    const stuck = await walk();
    // On the window it could not judge, since this run; narrowed as a window read in part is (its 501 holds within a minute).
    expect(stuck).toMatchObject({ stuck_since: now, span_s: 1800 });
    const listings = () => provider.calls.filter((c) => c.op === "openHolds").length;
    const before = listings();
    await reconcile(reconcileDeps, { minAgeMs: 0, walk: false });
    expect([listings() - before, await walk()]).toEqual([1, stuck]);
    // Failing again, within the limit: at the same end, stuck since the first run.
    await reconcile(failing, { minAgeMs: 5 * 60_000, now: now + 60_000 });
    expect(await walk()).toEqual({ ...stuck, span_s: 900 });
    // Judged whole: on, no longer stuck.
    await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000, now: now + 120_000 });
    expect(await walk()).toEqual({ ...stuck, span_s: 450, stuck_since: null });
  });

  it("a window whose hold fails run after run is left behind after WALK_STUCK_MS, logged, so that the holds behind it are still reached", async () => {
    const { reconcileDeps, walk } = await pastAListing();
    const failing = { ...reconcileDeps, ride: async () => Promise.reject(new Error("ride object broken for good")) };
    const now = Date.now();
    await reconcile(failing, { minAgeMs: 5 * 60_000, now });
    const stuck = await walk();
    const warned = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await reconcile(failing, { minAgeMs: 5 * 60_000, now: now + WALK_STUCK_MS });
    expect(await walk(), "on, no longer stuck").toEqual({ ...stuck, span_s: stuck!.span_s / 2, stuck_since: null });
    const lines = warned.mock.calls.map((c) => JSON.parse(String(c[0])) as { msg: string; walk?: string; rideIds?: string[] });
    warned.mockRestore();
    const leftBehind = lines.find((l) => l.msg === "reconciliation walk left holds behind");
    expect(leftBehind?.walk).toBe("provider");
    expect(leftBehind?.rideIds?.length).toBeGreaterThan(0);
  });

  it("a quiet provider is listed once a run, the newest only, and the walk is not kept", async () => {
    const { d1, provider, reconcileDeps } = await withRides({ rd_cancelled: rideIn("cancelled") });
    provider.placeHold({ reference: "rd_cancelled", amount: 9800, key: "rd_cancelled:authorize", ageMs: 72 * HOUR });
    const report = await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000 });
    expect(report.orphanHoldsVoided).toEqual(["rd_cancelled"]);
    expect(provider.calls.filter((c) => c.op === "openHolds")).toHaveLength(1);
    expect(await d1.prepare("SELECT COUNT(*) AS n FROM provider_hold_walk").first("n")).toBe(0);
  });
});

describe("ledger holds", () => {
  it("a hold whose void the provider refused (it lapsed) is closed: later runs neither check it nor send it again", async () => {
    const { deps, provider, reconcileDeps } = await withRides({ rd_l: rideIn("cancelled") });
    await handlePaymentCommand(step("rd_l", "authorize", 5000), deps);
    for (const hold of provider.holds.values()) if (hold.reference === "rd_l") hold.status = "canceled"; // lapsed at the provider
    const first = await reconcile(reconcileDeps, { minAgeMs: 0 });
    expect(first).toMatchObject({ openHoldsChecked: 1, holdsVoided: [], failures: [] });
    expect(await deps.ledger.openHolds(new Date().toISOString())).toEqual([]);
    const again = await reconcile(reconcileDeps, { minAgeMs: 0 });
    expect(again.openHoldsChecked).toBe(0);
    expect(provider.calls.filter((c) => c.op === "void")).toHaveLength(1);
  });

  it("still voids a recorded hold of a cancelled ride, once", async () => {
    const { deps, provider, reconcileDeps, reported } = await withRides({ rd_c: rideIn("cancelled") });
    await handlePaymentCommand(step("rd_c", "authorize", 5000), deps);
    const report = await reconcile(reconcileDeps, { minAgeMs: 0 });
    expect(report).toMatchObject({ holdsVoided: ["rd_c"], orphanHoldsVoided: [], openHoldsChecked: 1 });
    expect(reported.at(-1)).toMatchObject({ rideId: "rd_c", action: "void", outcome: "succeeded" });
    expect(provider.calls.filter((c) => c.op === "void").map((c) => c.key)).toEqual(["rd_c:void"]);
  });

  it("voids the hold of a ride that ended unpaid (its capture refused for good), and leaves a live ride's hold alone", async () => {
    const { deps, provider, reconcileDeps } = await withRides({ rd_unpaid: rideIn("completed"), rd_riding: rideIn("in_progress") });
    await handlePaymentCommand(step("rd_unpaid", "authorize", 5000), deps);
    await handlePaymentCommand(step("rd_riding", "authorize", 5000), deps);
    const report = await reconcile(reconcileDeps, { minAgeMs: 0 });
    expect(report.holdsVoided).toEqual(["rd_unpaid"]);
    expect(provider.calls.filter((c) => c.op === "void").map((c) => c.key)).toEqual(["rd_unpaid:void"]);
  });

  it("leaves the hold of a ride that captured it since the open holds were read (a capture during the run): no void the provider would refuse", async () => {
    const captured = (status: Ride["status"], payment: Ride["payment"]["status"]) => ({ ...rideIn(status), payment: { status: payment } }) as Ride;
    const { deps, provider, reconcileDeps } = await withRides({
      rd_paid: captured("completed", "captured"),
      rd_refunded: captured("completed", "refunded"),
      rd_fee: { ...captured("cancelled", "captured"), fare: { amount: 3000, currency: "KRW" } },
      rd_unpaid: captured("completed", "failed"),
    });
    // The ledger read as the run began: each hold open (the capture's row not there yet).
    for (const id of ["rd_paid", "rd_refunded", "rd_fee", "rd_unpaid"]) await handlePaymentCommand(step(id, "authorize", 5000), deps);
    const report = await reconcile(reconcileDeps, { minAgeMs: 0 });
    expect(report.holdsVoided).toEqual(["rd_unpaid"]);
    expect(provider.calls.filter((c) => c.op === "void").map((c) => c.key)).toEqual(["rd_unpaid:void"]);
  });

  it("reports a capture again to its ride still waiting for it only once the capture is older than minAgeMs: a younger one's result is most likely on its way", async () => {
    const { deps, reconcileDeps, looked } = await withRides({ rd_waiting: rideIn("payment_pending") });
    await handlePaymentCommand(step("rd_waiting", "authorize", 5000), deps);
    await handlePaymentCommand(step("rd_waiting", "capture", 5000), deps);
    const young = await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000 });
    expect([young.capturesReported, looked.includes("rd_waiting")]).toEqual([[], false]);
    const later = await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000, now: Date.now() + 6 * 60_000 });
    expect(later.capturesReported).toEqual(["rd_waiting"]);
  });

  it("reaches a hold owed a void a day back though more live holds than a page, all old enough, are newer (the walk)", async () => {
    const rides: Record<string, Ride | null> = { rd_unpaid: rideIn("completed") };
    const { d1, deps, provider, reconcileDeps } = await withRides(rides);
    await handlePaymentCommand(step("rd_unpaid", "authorize", 5000), deps);
    await d1
      .prepare("UPDATE payment_operations SET created_at = ? WHERE ride_id = 'rd_unpaid'")
      .bind(new Date(Date.now() - 24 * HOUR).toISOString())
      .run();
    const live = Array.from({ length: 600 }, (_, i) => `rd_live${String(i).padStart(3, "0")}`);
    for (const id of live) rides[id] = rideIn("in_progress");
    await insertHolds(d1, live, Date.now() - HOUR);
    const report = await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000 });
    expect(report.holdsVoided).toEqual(["rd_unpaid"]);
    expect(report.openHoldsChecked).toBe(601); // the newest 500, and the walk's page of the rest, each once
    expect(provider.calls.filter((c) => c.op === "void").map((c) => c.key)).toEqual(["rd_unpaid:void"]);
  });

  it("the walk stays on a page one of whose holds could not be judged (its ride did not answer): the next run voids it, not a pass later", async () => {
    const rides: Record<string, Ride | null> = { rd_unpaid: rideIn("completed") };
    const { d1, deps, provider, reconcileDeps } = await withRides(rides);
    await handlePaymentCommand(step("rd_unpaid", "authorize", 5000), deps);
    await d1
      .prepare("UPDATE payment_operations SET created_at = ? WHERE ride_id = 'rd_unpaid'")
      .bind(new Date(Date.now() - 29 * HOUR).toISOString())
      .run();
    // More older authorisations than the walk's page (live rides' holds, behind the newest day), so that it has somewhere to go.
    const live = Array.from({ length: WALK_SCAN + 100 }, (_, i) => `rd_live${String(i).padStart(4, "0")}`);
    for (const id of live) rides[id] = rideIn("in_progress");
    await insertHolds(d1, live, Date.now() - 30 * HOUR);
    const walk = () =>
      d1.prepare("SELECT before_created_at, stuck_since FROM reconcile_walk").first<{ before_created_at: string; stuck_since: number | null }>();
    const lookupDown = {
      ...reconcileDeps,
      ride: async (id: string) => (id === "rd_unpaid" ? Promise.reject(new Error("ride object down")) : (rides[id] ?? null)),
    };
    const now = Date.now();
    const first = await reconcile(lookupDown, { minAgeMs: 5 * 60_000, now });
    expect(first.failures.map((f) => f.rideId)).toEqual(["rd_unpaid"]);
    expect(await walk(), "on the page it could not judge, since this run").toMatchObject({ stuck_since: now });
    const second = await reconcile(reconcileDeps, { minAgeMs: 5 * 60_000, now: now + 60_000 });
    expect(second.holdsVoided).toEqual(["rd_unpaid"]);
    expect(provider.calls.filter((c) => c.op === "void" && c.key === "rd_unpaid:void")).toHaveLength(1);
    expect((await walk())?.stuck_since ?? null).toBeNull();
  });

  it("the walk reads a bounded page a run, newest first from where it stopped, and starts again from the newest at the end", async () => {
    const { d1, deps } = await unitDeps();
    const ids = Array.from({ length: 250 }, (_, i) => `rd_w${String(i).padStart(3, "0")}`);
    await insertHolds(d1, ids, Date.now() - 2 * HOUR);
    // Every third hold closed: a page is `scan` authorisations, open or not.
    for (const id of ids.filter((_, i) => i % 3 === 0)) await handlePaymentCommand(step(id, "void", 5000), deps);
    // Open, and older than a provider's hold lifetime: a void would release nothing, and neither read takes it.
    await insertHolds(d1, ["rd_lapsed"], Date.now() - 9 * 24 * HOUR);
    const before = new Date(Date.now() - HOUR).toISOString();
    expect((await deps.ledger.openHolds(before)).map((h) => h.rideId).sort()).toEqual(ids.filter((_, i) => i % 3 !== 0));
    const runs: string[][] = [];
    for (let i = 0; i < 4; i++) {
      const page = await deps.ledger.olderOpenHolds(before, 100);
      await deps.ledger.keepHoldWalk(page.next, null);
      runs.push(page.open.map((h) => h.rideId).sort());
    }
    const open = ids.filter((_, i) => i % 3 !== 0);
    expect(runs.slice(0, 3).flat().sort()).toEqual(open);
    expect(runs.slice(0, 3).map((r) => r.length)).toEqual([
      open.filter((id) => id >= "rd_w150").length,
      open.filter((id) => id >= "rd_w050" && id < "rd_w150").length,
      open.filter((id) => id < "rd_w050").length,
    ]);
    expect(runs[3]).toEqual(runs[0]); // past the end: from the newest again
    // Nothing old enough: an empty page, and the walk stays at the start.
    expect(await deps.ledger.olderOpenHolds(new Date(Date.now() - 3 * HOUR).toISOString(), 100)).toMatchObject({ open: [], next: null });
  });
});

/** Authorised holds of `rideIds`, made at `at` one millisecond apart in id order (written as the handler writes them, in one batch). */
async function insertHolds(d1: D1Database, rideIds: string[], at: number): Promise<void> {
  const insert = d1.prepare(
    "INSERT INTO payment_operations (idempotency_key, ride_id, kind, amount, currency, outcome, provider, provider_ref, detail, correlation_id, created_at) VALUES (?1, ?2, 'authorize', 5000, 'KRW', 'succeeded', 'simulated', ?3, NULL, 'c', ?4)",
  );
  await d1.batch(rideIds.map((id, i) => insert.bind(`${id}:authorize`, id, `pi_${id}`, new Date(at + i).toISOString())));
}
