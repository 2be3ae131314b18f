/**
 * The crash test's invariants (scripts/crash/invariants.ts) on small hand-made cases: a
 * healthy world passes every check, and each check fails on the store answers that break it.
 */
import { describe, expect, it } from "vitest";
import {
  checkAll,
  checkDoubleCaptures,
  checkDrivers,
  checkEarnings,
  checkLedger,
  checkLost,
  checkOpenHolds,
  checkStats,
  checkStuck,
  checkViews,
  countViolations,
  notOver,
  outcomes,
  type LedgerEntry,
  type Observed,
  type RideView,
} from "../scripts/crash/invariants.ts";

const ride = (id: string, status: string, payment: string, driver: string | null = "d1", fare: number | null = 10_000): RideView => ({
  id,
  status,
  riderId: "r1",
  driver: driver ? { id: driver } : null,
  fare: fare === null ? null : { amount: fare, currency: "KRW" },
  payment: { status: payment },
});
const op = (id: string, kind: string, outcome = "succeeded"): LedgerEntry => ({ idempotencyKey: `${id}:${kind}`, kind, amount: 10_000, outcome });
const earning = (rideId: string, fare = 10_000) => ({
  rideId,
  fare: { amount: fare },
  commission: { amount: fare * 0.2 },
  earning: { amount: fare * 0.8 },
});

/** Three rides that ended well: completed and captured by d1, cancelled and voided, cancelled on a declined card. */
function healthy(): Observed {
  const done = ride("rd_done", "completed", "captured");
  const voided = ride("rd_void", "cancelled", "voided", null, null);
  const declined = ride("rd_decl", "cancelled", "declined", null, null);
  const all = [done, voided, declined];
  return {
    accepted: all.map((r) => r.id),
    owners: Object.fromEntries(all.map((r) => [r.id, "r1"])),
    rides: Object.fromEntries(all.map((r) => [r.id, r])),
    ledgers: {
      rd_done: [op("rd_done", "authorize"), op("rd_done", "capture")],
      rd_void: [op("rd_void", "authorize"), op("rd_void", "void")],
      rd_decl: [op("rd_decl", "authorize", "declined")],
    },
    riderLists: { r1: all.map((r) => ({ ...r })) },
    opsList: all.map((r) => ({ ...r })),
    stats: { completed: 1, cancelled: 2 },
    drivers: { d1: { id: "d1", status: "available", currentRideId: null } },
    driverViews: [{ id: "d1", status: "available", currentRideId: null }],
    earnings: { d1: { items: [earning("rd_done")], total: { amount: 8_000 } } },
  };
}

/** The ride as every store shows it (the Ride DO and both lists). */
function everywhere(o: Observed, r: RideView): void {
  o.rides[r.id] = r;
  const swap = (list: RideView[]) => list.map((x) => (x.id === r.id ? { ...r } : x));
  o.riderLists.r1 = swap(o.riderLists.r1 ?? []);
  o.opsList = swap(o.opsList);
}

describe("crash invariants", () => {
  it("a healthy world breaks none", () => {
    const o = healthy();
    expect(checkAll(o)).toEqual([]);
    expect(Object.values(countViolations([])).every((n) => n === 0)).toBe(true);
    expect(outcomes(o)).toMatchObject({ accepted: 3, completed: 1, cancelled: 2, other: 0 });
  });

  it("lost: an accepted ride the Ride DO no longer knows", () => {
    const o = healthy();
    o.rides.rd_void = null;
    expect(checkLost(o)).toEqual([expect.objectContaining({ invariant: "lost", rideId: "rd_void" })]);
  });

  it("stuck: a ride not over, a declined fare left pending, a cancelled ride with a pending payment the ledger answered", () => {
    const o = healthy();
    o.rides.rd_done = ride("rd_done", "payment_pending", "declined");
    o.rides.rd_decl = { ...ride("rd_decl", "cancelled", "pending", null, null), cancellation: { by: "rider", reason: "changed my mind" } };
    o.rides.rd_new = ride("rd_new", "driver_assigned", "authorized");
    o.ledgers.rd_new = [op("rd_new", "authorize")];
    const stuck = checkStuck(o);
    expect(stuck.map((v) => v.rideId).sort()).toEqual(["rd_decl", "rd_done", "rd_new"]);
    expect(stuck.find((v) => v.rideId === "rd_decl")?.stores).toEqual({
      ride: "cancelled/pending",
      cancelledBy: "rider: changed my mind",
      ledger: "authorize:declined",
    });
  });

  it("what counts as over", () => {
    expect(notOver(ride("a", "completed", "captured"), [])).toBeNull();
    expect(notOver(ride("a", "completed", "failed"), [])).toBeNull(); // a late decline: the rider's dues
    expect(notOver(ride("a", "cancelled", "declined"), [])).toBeNull(); // the hold was never taken
    expect(notOver(ride("a", "cancelled", "voided"), [op("a", "authorize")])).toBeNull();
    // the hold's outcome is still unknown: the ride's watchdog has not learnt it yet
    expect(notOver(ride("a", "cancelled", "pending"), [])).toMatch(/cancelled with payment pending/);
    expect(notOver(ride("a", "cancelled", "authorized"), [op("a", "authorize")])).toMatch(/cancelled with payment authorized/);
    expect(notOver(ride("a", "completed", "authorized"), [])).toMatch(/completed with payment authorized/);
  });

  it("double captures: two successful captures of one ride", () => {
    const o = healthy();
    o.ledgers.rd_done!.push(op("rd_done", "capture"), { ...op("rd_done", "capture"), idempotencyKey: "rd_done:capture:2" });
    expect(checkDoubleCaptures(o)).toEqual([expect.objectContaining({ invariant: "doubleCaptures", rideId: "rd_done", detail: "3 successful captures" })]);
  });

  it("open holds: a hold of an ended ride never released, or released twice", () => {
    const o = healthy();
    o.ledgers.rd_void = [op("rd_void", "authorize")];
    o.ledgers.rd_done!.push(op("rd_done", "void"));
    const holds = checkOpenHolds(o);
    expect(holds.map((v) => [v.rideId, v.detail])).toEqual([
      ["rd_done", "hold settled 2 times"],
      ["rd_void", "hold neither captured nor voided"],
    ]);
    // a ride still under way may hold its authorisation
    o.rides.rd_void = ride("rd_void", "in_progress", "authorized");
    expect(checkOpenHolds(o).map((v) => v.rideId)).toEqual(["rd_done"]);
    // a void the provider refused (the hold lapsed) closes a cancelled ride's hold; not one that was captured
    o.rides.rd_void = ride("rd_void", "cancelled", "voided", null, null);
    o.ledgers.rd_void = [op("rd_void", "authorize"), op("rd_void", "void", "declined")];
    expect(checkOpenHolds(o).map((v) => v.rideId)).toEqual(["rd_done"]);
    expect(checkLedger(o).map((v) => v.rideId)).not.toContain("rd_void");
    o.ledgers.rd_void.push(op("rd_void", "capture"));
    expect(
      checkLedger(o)
        .filter((v) => v.rideId === "rd_void")
        .map((v) => v.detail),
    ).toEqual(["the ledger captured, the ride says voided"]);
  });

  it("ledger mismatches: the ride and the ledger tell different stories", () => {
    const o = healthy();
    o.ledgers.rd_done = [op("rd_done", "authorize"), op("rd_done", "capture", "declined")];
    o.rides.rd_void = ride("rd_void", "cancelled", "authorized", null, null);
    expect(checkLedger(o).map((v) => [v.rideId, v.detail])).toEqual([
      ["rd_done", "ride says captured, the ledger has no successful capture"],
      ["rd_void", "the ledger voided, the ride says authorized"],
    ]);
  });

  it("busy drivers: on a trip with no ride under way, or the driver of two", () => {
    const o = healthy();
    o.drivers.d1 = { id: "d1", status: "on_trip", currentRideId: "rd_done" };
    o.driverViews = [{ id: "d1", status: "available", currentRideId: null }];
    const one = checkDrivers(o);
    expect(one).toEqual([expect.objectContaining({ invariant: "busyDrivers", driverId: "d1", rideId: "rd_done" })]);
    expect(one[0]!.detail).toMatch(/driver says on_trip with ride rd_done, which is completed\/captured/);

    const two = healthy();
    two.rides.rd_a = ride("rd_a", "driver_assigned", "authorized", "d2");
    two.rides.rd_b = ride("rd_b", "in_progress", "authorized", "d2");
    two.drivers.d2 = { id: "d2", status: "on_trip", currentRideId: "rd_b" };
    expect(checkDrivers(two)).toEqual([expect.objectContaining({ driverId: "d2", detail: "driver of 2 rides under way: rd_a, rd_b" })]);
  });

  it("view mismatches: a list behind the ride, a ride missing from a list, the drivers' view behind", () => {
    const o = healthy();
    o.riderLists.r1 = o.riderLists.r1!.filter((r) => r.id !== "rd_void");
    o.opsList = o.opsList.map((r) => (r.id === "rd_done" ? { ...r, status: "payment_pending", payment: { status: "authorized" } } : r));
    o.driverViews = [{ id: "d1", status: "on_trip", currentRideId: "rd_done" }];
    const views = checkViews(o);
    expect(views.map((v) => [v.rideId ?? v.driverId, v.detail])).toEqual([
      ["rd_done", "ops list disagrees with the ride"],
      ["rd_void", "rider's list disagrees with the ride"],
      ["d1", "drivers' view disagrees with the driver"],
    ]);
    expect(views[0]!.stores).toEqual({ ride: "completed/captured", riderList: "completed/captured", opsList: "payment_pending/authorized" });
  });

  it("stats mismatches: counts by status that are not the rides'", () => {
    const o = healthy();
    o.stats = { completed: 1, cancelled: 1, payment_pending: 1 };
    expect(checkStats(o).map((v) => v.detail)).toEqual(["cancelled: stats say 1, the rides 2", "payment_pending: stats say 1, the rides 0"]);
  });

  it("earnings mismatches: a captured ride missing, one listed twice or not captured, a wrong total", () => {
    const o = healthy();
    o.earnings.d1 = { items: [], total: { amount: 0 } };
    expect(checkEarnings(o)[0]!.detail).toBe("missing rd_done");

    o.earnings.d1 = { items: [earning("rd_done"), earning("rd_done"), earning("rd_void")], total: { amount: 8_000 } };
    expect(checkEarnings(o)[0]!.detail).toBe("not theirs or not taken rd_void; listed twice rd_done; total 8000, the items sum to 24000");

    o.earnings.d1 = { items: [earning("rd_done", 9_000)], total: { amount: 7_200 } };
    expect(checkEarnings(o)[0]!.detail).toBe("rd_done fare 9000, the ride's 10000");

    // a late-declined fare the platform settled counts as taken
    const late = healthy();
    everywhere(late, ride("rd_done", "completed", "failed"));
    late.ledgers.rd_done = [op("rd_done", "authorize", "declined"), op("rd_done", "settle")];
    expect(checkAll(late)).toEqual([]);
  });
});
