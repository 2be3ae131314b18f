/**
 * A reservation a dispatch round wrote ahead and never committed (the ride's instance died
 * between the Driver DO's reservation and the ride's commit): the driver holds the ride, so a
 * cancellation or the deadline must release them (before its commit, as an offered driver), and the record forgets it once settled.
 */
import { describe, expect, it } from "vitest";
import { decide, decideAll } from "./decide";
import { COMMANDS, d1, NOW, record } from "./fixtures";
import { releaseAfterCommit } from "./plan";
import type { RideRecord } from "./types";

const leftBehind = (): RideRecord => ({ ...record("dispatching", "authorized"), reserving: "d9" });

describe("a reservation written ahead and never committed", () => {
  it("a rider's cancellation and the dispatch deadline release that driver first, and the record forgets it", () => {
    for (const command of [COMMANDS.cancel, COMMANDS.dispatchTimeout]) {
      const d = decide(leftBehind(), command, NOW);
      if (d.kind !== "applied") throw new Error(`${command.type}: ${d.kind}`);
      expect(d.effects).toEqual([{ type: "releaseDriver", driverId: "d9" }]);
      expect(releaseAfterCommit(leftBehind(), d.record)).toEqual([]);
      expect(d.record.ride.status).toBe("cancelled");
      expect(d.record.reserving).toBeUndefined();
      // The ride never showed the driver: its timeline says nothing of them.
      expect(d.events.map((e) => e.type)).toEqual(["RideCancelled"]);
    }
  });

  it("the assignment it led to settles it; a change while still dispatching keeps it", () => {
    const assigned = decideAll(leftBehind(), [{ type: "assignDriver", driver: { ...d1, id: "d9" }, etaSeconds: 60 }], NOW);
    if (assigned.kind !== "applied") throw new Error(assigned.kind);
    expect(assigned.record.reserving).toBeUndefined();
    // Held now, not reserved: nobody is released.
    expect(releaseAfterCommit(leftBehind(), assigned.record)).toEqual([]);
    const offered = decide(leftBehind(), { type: "offerDriver", driverId: "d9", expiresAt: "2026-11-21T10:00:15Z" }, NOW);
    if (offered.kind !== "applied") throw new Error(offered.kind);
    expect(offered.record.reserving).toBeUndefined();
    expect(releaseAfterCommit(leftBehind(), offered.record)).toEqual([]);
    // The hold's result, arriving after a crash and before the next round: still dispatching, still remembered.
    const held = decide({ ...leftBehind(), ride: { ...leftBehind().ride, payment: { status: "pending" } } }, COMMANDS.paymentAuthorized, NOW);
    expect(held.kind === "applied" && held.record.reserving).toBe("d9");
    // An offer in flight holds the ride's driver: its release is the offer's, as before.
    const offering = { ...record("dispatching", "authorized", { offer: true }), reserving: "d9" };
    const withOffer = decide(offering, COMMANDS.cancel, NOW);
    if (withOffer.kind !== "applied") throw new Error(withOffer.kind);
    expect(withOffer.effects).toEqual([{ type: "releaseDriver", driverId: "d1" }]);
    expect(releaseAfterCommit(offering, withOffer.record)).toEqual([]);
  });

  it("without one, a dispatching ride's cancellation releases nobody", () => {
    const d = decide(record("dispatching", "authorized"), COMMANDS.cancel, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.effects).toEqual([]);
    expect(releaseAfterCommit(record("dispatching", "authorized"), d.record)).toEqual([]);
  });
});
