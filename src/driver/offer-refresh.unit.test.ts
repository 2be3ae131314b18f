/**
 * A reservation for the ride the driver is offered already: the round after a crash between
 * the two commits reserves the driver written ahead again (src/durable-objects/ride.ts), and
 * the driver must see the offer the ride commits.
 */
import { describe, expect, it } from "vitest";
import { refreshesOffer } from "./driver-rules";
import { driverRecord, testOffer, planContext } from "./fixtures";
import { decideDriver, openOffers, planDriver } from "./machine";
import type { DriverCommand } from "./types";

const NOW = new Date("2026-11-21T10:00:00Z");
const LATER = "2026-11-21T10:00:15Z";
const offer = (rideId: string) => testOffer(rideId);
const ctx = planContext(NOW);

describe("driver machine: an offer reserved again", () => {
  it("an offer for the same ride expiring later (the round after a crash) replaces the first, and is pushed; an older one is a repeat", () => {
    const at = (s: number) => new Date(NOW.getTime() + s * 1000);
    const again = (expiresAt: Date, rideId = "rd_1"): DriverCommand => ({
      type: "reserve",
      reservation: { kind: "offer", offer: { ...offer(rideId), expiresAt: expiresAt.toISOString() } },
      freshnessS: 30,
    });
    // Offered until LATER (NOW + 15 s); the recovery's round runs at +20 s, the first offer gone, and offers until +35 s.
    const offered = driverRecord(NOW, { status: "offered", currentRideId: "rd_1" }, offer("rd_1"));
    expect(openOffers(offered, at(20))).toEqual([]);
    const d = decideDriver(offered, again(at(35)), at(20));
    if (d.kind !== "applied") throw new Error(d.kind);
    expect(d.events).toMatchObject([{ type: "DriverOffered", data: { rideId: "rd_1", expiresAt: at(35).toISOString() } }]);
    const refreshed = { ...offer("rd_1"), expiresAt: at(35).toISOString() };
    expect(openOffers(d.record, at(20))).toEqual([refreshed]);
    expect(planDriver(again(at(35)), d.record, d.events, ctx).after).toContainEqual({
      type: "broadcast",
      message: JSON.stringify({ type: "offer", offer: refreshed }),
    });
    // The same or an earlier expiry (a late copy of the first round's) changes nothing; another ride's is refused.
    expect(decideDriver(d.record, again(at(35)), at(21)).kind).toBe("unchanged");
    expect(decideDriver(d.record, again(new Date(LATER)), at(21)).kind).toBe("unchanged");
    expect(decideDriver(d.record, again(at(50), "rd_2"), at(21))).toMatchObject({ kind: "refused", code: "offer_not_available" });
    // A driver who accepted is on the trip: a round's reservation then is a repeat, not a new offer.
    expect(decideDriver(driverRecord(NOW, { status: "on_trip", currentRideId: "rd_1" }), again(at(35)), at(20)).kind).toBe("unchanged");
  });

  it("a driver gone silent past the freshness limit is not offered the ride again by the recovery's round: refused (the round then lets the driver go for that ride)", () => {
    const at = (s: number) => new Date(NOW.getTime() + s * 1000);
    const offered = driverRecord(NOW, { status: "offered", currentRideId: "rd_1" }, offer("rd_1"));
    const again: DriverCommand = {
      type: "reserve",
      reservation: { kind: "offer", offer: { ...offer("rd_1"), expiresAt: at(55).toISOString() } },
      freshnessS: 30,
    };
    expect(offered.driver.locationAt, "last reported 5 s before NOW").toBe(at(-5).toISOString());
    expect(decideDriver(offered, again, at(20)).kind, "still reporting").toBe("applied");
    expect(decideDriver(offered, again, at(40))).toMatchObject({ kind: "refused", code: "offer_not_available", detail: "driver location is stale" });
  });

  it("refreshesOffer: only an offer, for the ride offered, expiring later", () => {
    const offered = driverRecord(NOW, { status: "offered", currentRideId: "rd_1" }, offer("rd_1"));
    const later = { ...offer("rd_1"), expiresAt: "2026-11-21T10:00:40Z" };
    expect(refreshesOffer(offered, { kind: "offer", offer: later })).toBe(true);
    expect(refreshesOffer(offered, { kind: "offer", offer: offer("rd_1") })).toBe(false);
    expect(refreshesOffer(offered, { kind: "offer", offer: { ...later, rideId: "rd_2" } })).toBe(false);
    expect(refreshesOffer(offered, { kind: "assign", rideId: "rd_1", product: "standard" })).toBe(false);
    expect(refreshesOffer(driverRecord(NOW), { kind: "offer", offer: later })).toBe(false);
  });
});
