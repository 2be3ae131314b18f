/** Onboarding in the driver machine: vehicle changes that need review, decisions with reasons, products at reservation. */
import { describe, expect, it } from "vitest";
import type { Driver } from "../domain/events";
import { driverRecord, testOffer, planContext } from "./fixtures";
import { decideDriver, planDriver } from "./machine";
import type { DriverCommand, DriverRecord } from "./types";

const NOW = new Date("2026-11-21T10:00:00Z");
const offer = (rideId: string) => testOffer(rideId);
const rec = (patch: Partial<Driver> = {}, held = false): DriverRecord => driverRecord(NOW, patch, held ? offer("rd_1") : null);
const FIXTURES = { offered: () => rec({ status: "offered", currentRideId: "rd_1" }, true) };
const COMMANDS: Record<string, DriverCommand> = {
  register: { type: "register", driverId: "d1", profile: { name: "Lee", vehicle: { plate: "1", model: "K5", product: "standard" } }, autoApprove: false },
  registerPlate: { type: "register", driverId: "d1", profile: { name: "Kim", vehicle: { plate: "2", model: "m", product: "standard" } }, autoApprove: false },
};
const ctx = planContext(NOW);

describe("driver machine: onboarding", () => {
  it("an approval names the vehicle reviewed: a driver whose plate or products changed since is refused, nothing changed; a new model alone is approved", () => {
    const pending = rec({ approval: "pending", status: "offline" });
    const seen = pending.driver.vehicle;
    const approve = (reviewed: typeof seen): DriverCommand => ({ type: "approve", reason: "documents checked", reviewed });
    expect(decideDriver(pending, approve({ ...seen, plate: "99허9999" }), NOW)).toMatchObject({
      kind: "refused",
      code: "invalid_transition",
      detail: "the driver changed their vehicle since it was reviewed: review it again",
    });
    expect(decideDriver(pending, approve({ ...seen, products: ["standard", "parcel_large"] }), NOW)).toMatchObject({ kind: "refused" });
    const approved = decideDriver(pending, approve({ ...seen, model: "another model" }), NOW);
    expect(approved.kind === "applied" && approved.record.driver).toMatchObject({ approval: "approved", approvalReason: "documents checked" });
    const unnamed = decideDriver(pending, { type: "approve" }, NOW);
    expect(unnamed.kind === "applied" && unnamed.record.driver.approval, "no vehicle named: as before").toBe("approved");
  });

  const products = (list: ("standard" | "parcel_small" | "parcel_large")[]): DriverCommand => ({
    type: "register",
    driverId: "d1",
    profile: { name: "Kim", vehicle: { plate: "1", model: "m", product: list[0]!, products: list } },
    autoApprove: false,
  });

  it("a new plate or other products send an approved driver back to pending, offline, with the reason; a new name does not", () => {
    const renamed = decideDriver(
      rec(),
      { ...COMMANDS.register!, profile: { name: "Park", vehicle: { plate: "1", model: "m", product: "standard" } } } as DriverCommand,
      NOW,
    );
    expect(renamed.kind === "applied" && renamed.record.driver).toMatchObject({ name: "Park", approval: "approved", status: "available" });
    const replated = decideDriver(rec(), COMMANDS.registerPlate!, NOW);
    expect(replated.kind === "applied" && replated.record.driver).toMatchObject({ approval: "pending", approvalReason: "vehicle_changed", status: "offline" });
    const courier = decideDriver(rec(), products(["parcel_large", "parcel_small"]), NOW);
    expect(courier.kind === "applied" && courier.record.driver).toMatchObject({ approval: "pending", vehicle: { products: ["parcel_large", "parcel_small"] } });
    // The same products in another order are no change.
    const again = courier.kind === "applied" ? { ...courier.record, driver: { ...courier.record.driver, approval: "approved" as const } } : rec();
    const reordered = decideDriver(again, products(["parcel_large", "parcel_small"].reverse() as ("parcel_small" | "parcel_large")[]), NOW);
    expect(reordered.kind === "applied" && reordered.record.driver.approval, "another main product, no review").toBe("approved");
  });

  it("the profile the driver has, sent again, is a repeat in every state: no event, no version, nothing written", () => {
    const same = (driver: Driver) =>
      ({ type: "register", driverId: driver.id, profile: { name: driver.name, vehicle: { ...driver.vehicle } }, autoApprove: false }) as DriverCommand;
    const states: Partial<Driver>[] = [
      { approval: "pending", status: "offline" },
      { status: "offline" },
      {},
      { status: "on_trip", currentRideId: "rd_1" },
      { approval: "rejected", status: "offline" },
    ];
    for (const patch of states) {
      const record = rec(patch);
      expect(decideDriver(record, same(record.driver), NOW).kind, JSON.stringify(patch)).toBe("unchanged");
      // Another name, model or product is a change.
      const renamed = { ...same(record.driver), profile: { name: "Park", vehicle: record.driver.vehicle } } as DriverCommand;
      expect(decideDriver(record, renamed, NOW).kind).toBe("applied");
      const remodelled = { ...same(record.driver), profile: { name: record.driver.name, vehicle: { ...record.driver.vehicle, model: "K8" } } } as DriverCommand;
      expect(decideDriver(record, remodelled, NOW).kind).toBe("applied");
      // Another main product among the same products is a change too.
      const both = { ...record, driver: { ...record.driver, vehicle: { ...record.driver.vehicle, products: ["standard" as const, "deluxe" as const] } } };
      const premium = {
        ...same(both.driver),
        profile: { name: both.driver.name, vehicle: { ...both.driver.vehicle, product: "deluxe" as const } },
      } as DriverCommand;
      expect(decideDriver(both, premium, NOW).kind).toBe("applied");
    }
    // Where operators need not decide, the same profile of a pending driver approves them, as any registration does.
    const pending = rec({ approval: "pending", status: "offline" });
    const approving = decideDriver(pending, { ...same(pending.driver), autoApprove: true } as DriverCommand, NOW);
    expect(approving.kind === "applied" && approving.record.driver.approval).toBe("approved");
  });

  it("a new driver is listed in the fleet before their first commit, approved at once or not; a registered driver's changes ask no fleet", () => {
    const listed = [{ type: "listInFleet", driverId: "d1" }];
    for (const autoApprove of [false, true]) {
      const first = decideDriver(null, { ...COMMANDS.register!, autoApprove } as DriverCommand, NOW);
      expect(first.kind === "applied" && first.effects, `autoApprove ${autoApprove}`).toEqual(listed);
    }
    const renamed = decideDriver(
      rec(),
      { ...COMMANDS.register!, profile: { name: "Park", vehicle: { plate: "1", model: "m", product: "standard" } } } as DriverCommand,
      NOW,
    );
    expect(renamed.kind === "applied" && renamed.effects).toEqual([]);
    const replated = decideDriver(rec(), { ...COMMANDS.registerPlate!, autoApprove: true } as DriverCommand, NOW);
    expect(replated.kind === "applied" && replated.effects).toEqual([]);
    expect(decideDriver(rec(), { ...COMMANDS.register!, profile: { ...rec().driver, vehicle: rec().driver.vehicle } } as DriverCommand, NOW).kind).toBe(
      "unchanged",
    );
  });

  it("a new vehicle is approved again at once where operators need not decide (development)", () => {
    const d = decideDriver(rec(), { ...COMMANDS.registerPlate!, autoApprove: true } as DriverCommand, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.events.map((e) => [e.type, e.driver.approval])).toEqual([
      ["DriverUpdated", "pending"],
      ["DriverApproved", "approved"],
    ]);
    expect(d.record.driver.status).toBe("offline");
    // An automatic approval is no operator's decision: nothing to tell.
    const p = planDriver({ ...COMMANDS.registerPlate!, autoApprove: true } as DriverCommand, d.record, d.events, ctx);
    expect(p.messages.map((m) => m.queue)).toEqual(["ride-events", "ride-events"]);
  });

  it("a rejection with a reason keeps it, takes the offer back and tells the driver; an approval clears it", () => {
    const rejected = decideDriver(FIXTURES.offered!(), { type: "reject", reason: "documents expired" }, NOW);
    if (rejected.kind !== "applied") throw new Error(rejected.kind);
    expect(rejected.record.driver).toMatchObject({ approval: "rejected", approvalReason: "documents expired", status: "offline", currentRideId: null });
    expect(rejected.record.offer).toBeNull();
    const p = planDriver({ type: "reject", reason: "documents expired" }, rejected.record, rejected.events, ctx);
    const notice = p.messages.find((m) => m.queue === "notifications")?.body as { kind: string; event: { type: string }; driver: { approvalReason: string } };
    expect(notice).toMatchObject({ kind: "driver.notification", event: { type: "DriverRejected" }, driver: { approvalReason: "documents expired" } });
    expect(p.later.map((e) => e.type)).toEqual(["leaveOpsMap", "withdrawOffer"]);
    const approved = decideDriver(rejected.record, { type: "approve" }, NOW);
    expect(approved.kind === "applied" && approved.record.driver).toMatchObject({ approval: "approved", approvalReason: null });
  });

  it("a decision again without a reason, or with the one kept, is a repeat; with a new reason it is kept and told the driver", () => {
    const rejected = { ...rec({ approval: "rejected", approvalReason: null, status: "offline" }) };
    for (const c of [{ type: "reject" }, { type: "reject", reason: "documents expired" }] as const) {
      const first = decideDriver(rejected, c, NOW);
      expect(first.kind, JSON.stringify(c)).toBe(c.reason ? "applied" : "unchanged");
    }
    const given = decideDriver(rejected, { type: "reject", reason: "insurance expired" }, NOW);
    if (given.kind !== "applied") throw new Error(given.kind);
    expect(given.record.driver).toMatchObject({ approval: "rejected", approvalReason: "insurance expired" });
    const notice = planDriver({ type: "reject", reason: "insurance expired" }, given.record, given.events, ctx).messages.find(
      (m) => m.queue === "notifications",
    );
    expect(notice?.body).toMatchObject({ event: { type: "DriverRejected" }, driver: { approvalReason: "insurance expired" } });
    expect(decideDriver(given.record, { type: "reject", reason: "insurance expired" }, NOW).kind, "a double click").toBe("unchanged");
    const approved = rec({ approval: "approved", approvalReason: "documents checked" });
    expect(decideDriver(approved, { type: "approve", reason: "documents checked" }, NOW).kind).toBe("unchanged");
    expect(decideDriver(approved, { type: "approve" }, NOW).kind).toBe("unchanged");
    expect(decideDriver(approved, { type: "approve", reason: "re-checked in person" }, NOW).kind).toBe("applied");
  });

  it("a rejection on a trip keeps the driver held and asks the ride to go on without them (before the pickup it finds another driver)", () => {
    const d = decideDriver(rec({ status: "on_trip", currentRideId: "rd_9" }), { type: "reject", reason: "licence revoked" }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    // Held until the ride releases them (then offline): nobody else may reserve them meanwhile.
    expect(d.record.driver).toMatchObject({ approval: "rejected", status: "on_trip", currentRideId: "rd_9" });
    expect(d.events[0]).toMatchObject({ type: "DriverRejected", data: { reason: "licence revoked", leftRideId: "rd_9" } });
    const p = planDriver({ type: "reject", reason: "licence revoked" }, d.record, d.events, ctx);
    expect(p.later).toEqual([{ type: "withdrawOffer", rideId: "rd_9", driverId: "d1", reason: "driver_rejected", correlationId: "req-1" }]);
    // An approval, or a rejection of a driver with no ride, asks no ride anything (the latter, off duty now, tells the feed).
    const approved = decideDriver(rec({ status: "on_trip", currentRideId: "rd_9", approval: "pending" }), { type: "approve" }, NOW);
    if (approved.kind !== "applied") throw new Error(approved.kind);
    expect(planDriver({ type: "approve" }, approved.record, approved.events, ctx).later).toEqual([]);
    // A round started again after a crash reserves the driver it wrote ahead: not as a repeat once they are rejected.
    const again = { type: "reserve" as const, reservation: { kind: "assign" as const, rideId: "rd_9", product: "standard" as const }, freshnessS: 30 };
    expect(decideDriver(d.record, again, NOW)).toMatchObject({ kind: "refused", code: "driver_not_approved" });
    expect(decideDriver(rec({ status: "on_trip", currentRideId: "rd_9" }), again, NOW).kind).toBe("unchanged");
    const idle = decideDriver(rec(), { type: "reject" }, NOW);
    if (idle.kind !== "applied") throw new Error(idle.kind);
    expect(planDriver({ type: "reject" }, idle.record, idle.events, ctx).later).toEqual([{ type: "leaveOpsMap", driver: idle.record.driver }]);
  });

  it("going offline with an open offer lets it go and tells the ride after the command (driver_offline); the driver is free of it", () => {
    const d = decideDriver(FIXTURES.offered!(), { type: "offline" }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.record.driver).toMatchObject({ status: "offline", currentRideId: null });
    expect(d.record.offer).toBeNull();
    expect(d.events[0]).toMatchObject({ type: "DriverWentOffline", data: { withdrawnOfferRideId: "rd_1" } });
    const p = planDriver({ type: "offline" }, d.record, d.events, ctx);
    expect(p.later).toEqual([
      { type: "leaveOpsMap", driver: d.record.driver },
      { type: "withdrawOffer", rideId: "rd_1", driverId: "d1", reason: "driver_offline", correlationId: "req-1" },
    ]);
  });

  it("a reservation for a product the vehicle does not serve is refused, whatever the index said", () => {
    const parcelOffer = (product: "parcel_small" | "parcel_large") => ({
      type: "reserve" as const,
      reservation: { kind: "offer" as const, offer: { ...offer("rd_p"), product } },
      freshnessS: 30,
    });
    const courier = rec({ vehicle: { plate: "1", model: "Porter", product: "parcel_large", products: ["parcel_large", "parcel_small"] } });
    expect(decideDriver(courier, parcelOffer("parcel_small"), NOW).kind).toBe("applied");
    expect(decideDriver(rec(), parcelOffer("parcel_large"), NOW)).toMatchObject({ kind: "refused", code: "offer_not_available" });
    const assign = { type: "reserve" as const, reservation: { kind: "assign" as const, rideId: "rd_p", product: "parcel_large" as const }, freshnessS: 30 };
    expect(decideDriver(rec(), assign, NOW)).toMatchObject({ kind: "refused", code: "offer_not_available" });
    expect(decideDriver(courier, assign, NOW).kind).toBe("applied");
  });
});
