import { describe, expect, it } from "vitest";
import { can, decide } from "./decide";
import { COMMANDS, FIXTURES, NOW, record } from "./fixtures";
import { HANDOVER_ATTEMPTS, lockedNotice, newHandoverCode, parcelProblem, sameCode, withMissedHandover } from "./parcel";
import { releaseAfterCommit } from "./plan";
import type { RideCommand } from "./types";

const release = { type: "releaseDriver", driverId: "d1" };

const parcel = (weightKg: number) => ({ weightKg, recipient: { name: "Park", phone: "010-1234-5678" } });

describe("parcel classes", () => {
  it("refuses a weight that does not fit its class, in both directions, and over PARCEL_MAX_KG", () => {
    expect(parcelProblem("parcel_small", parcel(12), 100)).toContain("parcel_large");
    expect(parcelProblem("parcel_large", parcel(4.5), 100)).toContain("parcel_small");
    expect(parcelProblem("parcel_large", parcel(10), 100), "10 kg is small").toContain("not over 10 kg");
    expect(parcelProblem("parcel_large", parcel(101), 100)).toContain("PARCEL_MAX_KG");
    expect(parcelProblem("parcel_large", parcel(30), 20), "the configured maximum").toContain("over 20 kg");
    expect(parcelProblem("parcel_small", parcel(0), 100)).toContain("more than 0");
  });

  it("accepts the edges of each class", () => {
    expect(parcelProblem("parcel_small", parcel(10), 100)).toBeNull();
    expect(parcelProblem("parcel_small", parcel(0.1), 100)).toBeNull();
    expect(parcelProblem("parcel_large", parcel(10.5), 100)).toBeNull();
    expect(parcelProblem("parcel_large", parcel(100), 100)).toBeNull();
  });

  it("a parcel product needs a parcel; any other product takes none", () => {
    expect(parcelProblem("parcel_small", undefined, 100)).toContain("must carry");
    expect(parcelProblem("standard", parcel(3), 100)).toContain("only parcel_small and parcel_large");
    expect(parcelProblem("standard", undefined, 100)).toBeNull();
  });
});

describe("handover codes", () => {
  it("are four digits, padded, from the random source, skipping values that would bias the digits", () => {
    const values = [65_000, 60_000, 482];
    const random = (a: Uint16Array) => ((a[0] = values.shift()!), a);
    expect(newHandoverCode(random)).toBe("0482");
    for (let i = 0; i < 50; i++) expect(newHandoverCode()).toMatch(/^\d{4}$/);
    expect(new Set(Array.from({ length: 50 }, () => newHandoverCode())).size, "not a constant").toBeGreaterThan(1);
  });

  it("compare exactly", () => {
    expect(sameCode("4821", "4821")).toBe(true);
    expect(sameCode("4822", "4821")).toBe(false);
    expect(sameCode("482", "4821")).toBe(false);
    expect(sameCode(undefined, "4821")).toBe(false);
  });

  it("is no match, never a throw, for anything but a string (an object with a length, a number, null)", () => {
    for (const given of [{ length: 4 }, 4821, null, ["4", "8", "2", "1"]]) expect(sameCode(given, "4821")).toBe(false);
  });
});

describe("ride state machine: parcel handover", () => {
  const parcel = FIXTURES.in_progress_parcel!;
  const complete = (extra: Partial<Extract<RideCommand, { type: "complete" }>>) => ({ ...COMMANDS.complete, ...extra }) as RideCommand;

  it("no code or a wrong one: 409 handover_code_mismatch, nothing changes", () => {
    for (const c of [complete({}), complete({ handoverCode: "0000" }), complete({ handoverCode: "482" })]) {
      const d = decide(parcel(), c, NOW);
      expect(d).toMatchObject({ kind: "refused", code: "handover_code_mismatch" });
      expect(can(parcel(), c, NOW)).toMatchObject({ code: "handover_code_mismatch" });
    }
  });

  it("the right code completes like any trip, releasing the courier", () => {
    const d = decide(parcel(), complete({ handoverCode: "4821" }), NOW);
    expect(d.kind).toBe("applied");
    if (d.kind !== "applied") return;
    expect(d.record.ride.status).toBe("payment_pending");
    expect(d.events.map((e) => e.type)).toEqual(["TripEnded", "DriverReleased"]);
    // The courier is freed right after the commit, not before it.
    expect(d.effects).toEqual([]);
    expect(releaseAfterCommit(parcel(), d.record)).toEqual([release]);
  });

  it("only the ride's courier, even with the code; the system's stale-trip end needs none", () => {
    expect(decide(parcel(), complete({ handoverCode: "4821", driverId: "d2" }), NOW)).toMatchObject({ kind: "refused", code: "forbidden" });
    expect(decide(parcel(), complete({ bySystem: true }), NOW).kind).toBe("applied");
  });

  it("a ride that is no parcel needs no code", () => {
    expect(decide(record("in_progress", "authorized", { driver: true }), complete({ handoverCode: "9999" }), NOW).kind).toBe("applied");
  });

  it(`locks after ${HANDOVER_ATTEMPTS} wrong codes: even the right one is refused, the detail says an operator must act`, () => {
    const locked = { ...parcel(), handoverMisses: HANDOVER_ATTEMPTS };
    const d = decide(locked, complete({ handoverCode: "4821" }), NOW);
    expect(d).toMatchObject({ kind: "refused", code: "handover_code_mismatch" });
    expect(d.kind === "refused" && d.detail).toMatch(/locked.*operator/);
    expect(decide({ ...parcel(), handoverMisses: HANDOVER_ATTEMPTS - 1 }, complete({ handoverCode: "4821" }), NOW).kind).toBe("applied");
  });

  it("a locked parcel is still ended by the stale timer, and the lock changes no other command", () => {
    const locked = { ...parcel(), handoverMisses: HANDOVER_ATTEMPTS };
    const cancel: RideCommand = { type: "cancel", by: "ops", reason: "handover locked" };
    expect(decide(locked, cancel, NOW)).toEqual(decide(parcel(), cancel, NOW));
    expect(decide(locked, complete({ bySystem: true }), NOW).kind).toBe("applied");
  });

  it("a trip the stale timer ended says so in its TripEnded (its handover never confirmed); one its courier ended does not", () => {
    const tripEnded = (c: RideCommand) => {
      const d = decide(parcel(), c, NOW);
      return d.kind === "applied" ? d.events.find((e) => e.type === "TripEnded")?.data : undefined;
    };
    expect(tripEnded(complete({ bySystem: true }))).toMatchObject({ bySystem: true });
    expect(tripEnded(complete({ handoverCode: "4821" }))).not.toHaveProperty("bySystem");
  });

  it("the wrong code that spends the last try is logged, once: nothing else tells the operators", () => {
    const wrong = complete({ handoverCode: "0000" });
    const after = (misses: number) =>
      withMissedHandover({ ...parcel(), handoverMisses: misses }, wrong, decide({ ...parcel(), handoverMisses: misses }, wrong, NOW));
    expect(lockedNotice(after(HANDOVER_ATTEMPTS - 2)!, "req-4")).toBeNull();
    expect(JSON.parse(lockedNotice(after(HANDOVER_ATTEMPTS - 1)!, "req-5") ?? "null")).toEqual({
      msg: "parcel handover locked",
      rideId: parcel().ride.id,
      driverId: "d1",
      correlationId: "req-5",
    });
    expect(after(HANDOVER_ATTEMPTS), "past the lock nothing is counted, so nothing is logged again").toBeNull();
  });

  it("counts a wrong code beside the ride (same ride, same version); not a missing code, a right one, another driver's, or past the lock", () => {
    const count = (r: ReturnType<typeof parcel>, c: RideCommand) => withMissedHandover(r, c, decide(r, c, NOW))?.handoverMisses ?? null;
    const wrong = complete({ handoverCode: "0000" });
    const missed = withMissedHandover(parcel(), wrong, decide(parcel(), wrong, NOW));
    expect(missed).toEqual({ ...parcel(), handoverMisses: 1 });
    expect(count({ ...parcel(), handoverMisses: 3 }, wrong)).toBe(4);
    expect(count(parcel(), complete({}))).toBeNull();
    expect(count(parcel(), complete({ handoverCode: "4821" }))).toBeNull();
    expect(count(parcel(), complete({ handoverCode: "0000", driverId: "d2" }))).toBeNull();
    expect(count({ ...parcel(), handoverMisses: HANDOVER_ATTEMPTS }, wrong)).toBeNull();
    expect(count(record("in_progress", "authorized", { driver: true }), wrong)).toBeNull();
  });
});
