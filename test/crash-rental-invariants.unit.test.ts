/**
 * The crash test's rental checks (scripts/crash/rental-invariants.ts) on small hand-made
 * cases: rentals that ended well pass every check, and each check fails on the store answers
 * that break it.
 */
import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../scripts/crash/invariants.ts";
import {
  checkRentalEnds,
  checkRentalLedger,
  checkRentals,
  checkRentalViews,
  checkVehicles,
  rentalNotOver,
  rentalOutcomes,
  type ObservedRentals,
  type RentalView,
} from "../scripts/crash/rental-invariants.ts";

const rental = (id: string, status: string, payment: string, vehicleId = `rv_${id}`): RentalView => ({
  id,
  vehicleId,
  status,
  price: { amount: 3000 },
  payment: { status: payment },
  version: 4,
});
const op = (id: string, kind: string, outcome = "succeeded", amount = 3000): LedgerEntry => ({ idempotencyKey: `${id}:${kind}`, kind, amount, outcome });

/** Three rentals that ended well: returned, cancelled and refunded, declined. */
function healthy(): ObservedRentals {
  const all = [rental("rn_done", "completed", "captured"), rental("rn_cancel", "cancelled", "refunded"), rental("rn_decl", "declined", "declined")];
  return {
    accepted: all.map((r) => r.id),
    rentals: Object.fromEntries(all.map((r) => [r.id, r])),
    ledgers: {
      rn_done: [op("rn_done", "authorize"), op("rn_done", "capture")],
      rn_cancel: [op("rn_cancel", "authorize"), op("rn_cancel", "capture"), op("rn_cancel", "refund")],
      rn_decl: [op("rn_decl", "authorize", "declined")],
    },
    opsList: all.map((r) => ({ ...r })),
    vehicles: all.map((r) => ({ id: r.vehicleId, status: "available" })),
  };
}
const vehicleIds = (o: ObservedRentals) => o.vehicles.map((v) => v.id);

describe("the crash test's rental invariants", () => {
  it("rentals that ended well pass every check", () => {
    const o = healthy();
    expect(checkRentals(o, vehicleIds(o))).toEqual([]);
    expect(rentalOutcomes(o)).toEqual({ "completed/captured": 1, "cancelled/refunded": 1, "declined/declined": 1 });
  });

  it("over: completed and captured; cancelled or declined with nothing kept; nothing else", () => {
    expect(rentalNotOver({ status: "completed", payment: { status: "captured" } })).toBeNull();
    for (const p of ["refunded", "voided", "declined"]) {
      expect(rentalNotOver({ status: "cancelled", payment: { status: p } })).toBeNull();
      expect(rentalNotOver({ status: "declined", payment: { status: p } })).toBeNull();
    }
    expect(rentalNotOver({ status: "cancelled", payment: { status: "captured" } })).toBe("cancelled with payment captured");
    expect(rentalNotOver({ status: "confirmed", payment: { status: "captured" } })).toBe("confirmed with payment captured");
    expect(rentalNotOver({ status: "requested", payment: { status: "pending" } })).toBe("requested with payment pending");
  });

  it("an accepted rental no object knows is lost; one under way, or waiting for its refund, is stuck", () => {
    const o = healthy();
    o.rentals.rn_done = null;
    o.rentals.rn_cancel = rental("rn_cancel", "cancelled", "captured");
    const found = checkRentalEnds(o).map((v) => [v.invariant, v.rentalId]);
    expect(found).toEqual([
      ["rentalsLost", "rn_done"],
      ["rentalsStuck", "rn_cancel"],
    ]);
  });

  it("the ledger: two captures, a capture of another amount, a refund missing, a declined rental charged", () => {
    const o = healthy();
    o.ledgers.rn_done = [op("rn_done", "capture"), op("rn_done:again", "capture")];
    o.ledgers.rn_cancel = [op("rn_cancel", "capture")];
    o.ledgers.rn_decl = [op("rn_decl", "capture")];
    o.rentals.rn_decl = rental("rn_decl", "declined", "voided");
    const found = checkRentalLedger(o).map((v) => [v.rentalId, v.detail]);
    expect(found).toEqual([
      ["rn_done", "2 captures"],
      ["rn_cancel", "payment refunded but refunds none of 3000"],
      ["rn_decl", "payment voided but captured and not refunded"],
    ]);
    const short = healthy();
    short.ledgers.rn_done = [op("rn_done", "capture", "succeeded", 1000)];
    expect(checkRentalLedger(short).map((v) => v.detail)).toEqual(["payment captured but captured 1000 of 3000"]);
  });

  it("the operators' list must show each rental as its object has it, version included", () => {
    const o = healthy();
    o.opsList = o.opsList.filter((r) => r.id !== "rn_decl").map((r) => (r.id === "rn_done" ? { ...r, version: 3 } : r));
    expect(checkRentalViews(o).map((v) => [v.rentalId, v.stores])).toEqual([
      ["rn_done", { rental: "completed/captured/v4", ops: "completed/captured/v3" }],
      ["rn_decl", { rental: "declined/declined/v4", ops: "absent" }],
    ]);
  });

  it("a vehicle still rented, or missing from the list, with no rental under way is held; one a live rental holds is left to that rental", () => {
    const o = healthy();
    o.vehicles = [
      { id: "rv_rn_done", status: "rented" },
      { id: "rv_rn_cancel", status: "available" },
    ];
    expect(checkVehicles(o, ["rv_rn_done", "rv_rn_cancel", "rv_rn_decl"]).map((v) => v.detail)).toEqual([
      "vehicle rv_rn_done rented with no rental under way",
      "vehicle rv_rn_decl not listed with no rental under way",
    ]);
    o.rentals.rn_done = rental("rn_done", "confirmed", "captured");
    expect(checkVehicles(o, ["rv_rn_done"])).toEqual([]);
  });
});
