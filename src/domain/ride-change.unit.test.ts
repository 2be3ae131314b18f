/** Several commands decided as one change: one version, all or nothing (api-contract.md). */
import { describe, expect, it } from "vitest";
import { decideAll } from "./ride-machine";
import { COMMANDS, NOW, record } from "./ride/fixtures";

describe("several commands as one change", () => {
  it("applies all in order, as one version", () => {
    const r = record("requested", "pending");
    const d = decideAll(r, [{ type: "startDispatch" }, COMMANDS.assignDriver], NOW);
    expect(d.kind).toBe("applied");
    if (d.kind !== "applied") return;
    expect(d.record.ride.status).toBe("driver_assigned");
    expect(d.events.map((e) => e.type)).toEqual(["DispatchStarted", "DriverAssigned"]);
    expect(d.record.ride.version).toBe(r.ride.version + 1);
  });

  it("counts one version for the change when a command in it is a repeat and another makes two events", () => {
    const r = record("in_progress", "authorized", { driver: true });
    const d = decideAll(r, [COMMANDS.start, COMMANDS.complete], NOW);
    expect(d.kind === "applied" && [d.events.map((e) => e.type), d.record.ride.version]).toEqual([["TripEnded", "DriverReleased"], r.ride.version + 1]);
  });

  it("applies none when one is refused", () => {
    const r = record("requested", "pending");
    expect(decideAll(r, [{ type: "startDispatch" }, COMMANDS.arrive], NOW)).toMatchObject({ kind: "refused" });
  });

  it("skips repeats and is unchanged when everything was a repeat", () => {
    const cancelled = record("cancelled", "authorized");
    expect(decideAll(cancelled, [COMMANDS.cancel, COMMANDS.dispatchTimeout], NOW).kind).toBe("unchanged");
  });
});
