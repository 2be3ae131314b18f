/**
 * The calls a driver's change makes after the command has left the Driver DO's queue, beyond
 * the state × command matrix (machine.unit.test.ts): a trip's positions to its ride, and the
 * leaving of the map to the operators' feed.
 */
import { describe, expect, it } from "vitest";
import type { Driver } from "../domain/events";
import { driverRecord, planContext } from "./fixtures";
import { decideDriver, planDriver } from "./machine";
import { silenceStep } from "./silence";
import type { DriverCommand, DriverRecord } from "./types";

const NOW = new Date("2026-11-21T10:00:00Z");
const rec = (patch: Partial<Driver> = {}): DriverRecord => driverRecord(NOW, patch);
const ctx = planContext(NOW);
const locate: DriverCommand = { type: "locate", location: { lat: 37.52, lng: 127 } };
const offline: DriverCommand = { type: "offline" };
const reject: DriverCommand = { type: "reject" };

function applied(record: DriverRecord, command: DriverCommand) {
  const d = decideDriver(record, command, NOW);
  if (d.kind !== "applied") throw new Error(d.kind);
  return d;
}

describe("driver machine: calls after the command", () => {
  it("on a trip, positions go to the ride until it said it wants no more", () => {
    const moved = (record: DriverRecord) => {
      const d = applied(record, locate);
      return planDriver(locate, d.record, d.events, ctx).later.map((e) => e.type);
    };
    const onTrip = rec({ status: "on_trip", currentRideId: "rd_1" });
    expect(moved(onTrip)).toEqual(["driverMoved"]);
    expect(moved({ ...onTrip, etaDoneRideId: "rd_1" })).toEqual([]);
    // A later trip is fed again.
    expect(moved({ ...rec({ status: "on_trip", currentRideId: "rd_2" }), etaDoneRideId: "rd_1" })).toEqual(["driverMoved"]);
  });

  it("going off duty tells the operators' feed the driver as they now are (offline, at the new version), once: not again, not from off duty", () => {
    const d = applied(rec(), offline);
    const p = planDriver(offline, d.record, d.events, { ...ctx, statusBefore: "available" });
    expect(p.later).toEqual([{ type: "leaveOpsMap", driver: d.record.driver }]);
    expect(d.record.driver).toMatchObject({ status: "offline", version: rec().driver.version + 1 });
    // Already off duty (a rejection of a driver at home), or a status not known (no record before: a registration): nothing to tell.
    const again = applied(d.record, reject);
    expect(planDriver(reject, again.record, again.events, { ...ctx, statusBefore: "offline" }).later).toEqual([]);
    expect(planDriver(offline, d.record, d.events, { ...ctx, statusBefore: null }).later).toEqual([]);
  });

  it("taken off duty for silence (the silent timer's command) tells the feed as going offline does; a release back to duty does not", async () => {
    const silent = rec({ locationAt: new Date(NOW.getTime() - 601_000).toISOString() });
    const step = await silenceStep(silent, NOW, ctx.silence, async () => true);
    const command = step?.command;
    expect(command).toEqual({ type: "offline", reason: "silent" });
    const d = applied(silent, command!);
    expect(planDriver(command!, d.record, d.events, { ...ctx, statusBefore: silent.driver.status }).later).toEqual([
      { type: "leaveOpsMap", driver: d.record.driver },
    ]);
    const onTrip = rec({ status: "on_trip", currentRideId: "rd_1" });
    const release: DriverCommand = { type: "release", rideId: "rd_1" };
    const freed = applied(onTrip, release);
    expect(freed.record.driver.status).toBe("available");
    expect(planDriver(release, freed.record, freed.events, { ...ctx, statusBefore: "on_trip" }).later).toEqual([]);
  });
});
