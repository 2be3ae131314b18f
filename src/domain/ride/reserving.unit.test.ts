/**
 * A reservation a dispatch round wrote ahead and never committed (the ride's instance died
 * between the Driver DO's reservation and the ride's commit): the driver holds the ride, so a
 * cancellation or the deadline must release them, and the record forgets it once settled.
 */
import { describe, expect, it } from "vitest";
import { decide, decideAll } from "./decide";
import { COMMANDS, d1, NOW, record } from "./fixtures";
import type { RideRecord } from "./types";

const leftBehind = (): RideRecord => ({ ...record("dispatching", "authorized"), reserving: "d9" });

describe("a reservation written ahead and never committed", () => {
  it("a rider's cancellation and the dispatch deadline release that driver first, and the record forgets it", () => {
    for (const command of [COMMANDS.cancel, COMMANDS.dispatchTimeout]) {
      const d = decide(leftBehind(), command, NOW);
      if (d.kind !== "applied") throw new Error(`${command.type}: ${d.kind}`);
      expect(d.effects).toEqual([{ type: "releaseDriver", driverId: "d9" }]);
      expect(d.record.ride.status).toBe("cancelled");
      expect(d.record.reserving).toBeUndefined();
      // The ride never showed the driver: its timeline says nothing of them.
      expect(d.events.map((e) => e.type)).toEqual(["RideCancelled"]);
    }
  });

  it("the assignment it led to settles it; a change while still dispatching keeps it", () => {
    const assigned = decideAll(leftBehind(), [{ type: "assignDriver", driver: { ...d1, id: "d9" }, etaSeconds: 60 }], NOW);
    expect(assigned.kind === "applied" && assigned.record.reserving).toBeUndefined();
    const offered = decide(leftBehind(), { type: "offerDriver", driverId: "d9", expiresAt: "2026-11-21T10:00:15Z" }, NOW);
    expect(offered.kind === "applied" && offered.record.reserving).toBeUndefined();
    // The hold's result, arriving after a crash and before the next round: still dispatching, still remembered.
    const held = decide({ ...leftBehind(), ride: { ...leftBehind().ride, payment: { status: "pending" } } }, COMMANDS.paymentAuthorized, NOW);
    expect(held.kind === "applied" && held.record.reserving).toBe("d9");
    // An offer in flight holds the ride's driver: its release is the offer's, as before.
    const withOffer = decide({ ...record("dispatching", "authorized", { offer: true }), reserving: "d9" }, COMMANDS.cancel, NOW);
    expect(withOffer.kind === "applied" && withOffer.effects).toEqual([{ type: "releaseDriver", driverId: "d1" }]);
  });

  it("without one, a dispatching ride's cancellation releases nobody", () => {
    const d = decide(record("dispatching", "authorized"), COMMANDS.cancel, NOW);
    expect(d.kind === "applied" && d.effects).toEqual([]);
  });
});
