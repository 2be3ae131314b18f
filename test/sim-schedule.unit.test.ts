/** The simulator's plan (bench/sim/schedule.ts, area.ts): seeded, inside Seoul, at the asked rates and shares. */
import { describe, expect, it } from "vitest";
import { distanceM, HOT_SPOTS, inArea, uniformInArea } from "../bench/sim/area";
import { buildSchedule, DECLINED_CARD, GOOD_CARD, pauses, type ScheduleSettings } from "../bench/sim/schedule";
import { seeded } from "../scripts/crash/load";

const base: ScheduleSettings = {
  seed: 7,
  rate: 2,
  minutes: 5,
  drivers: 200,
  riders: 16,
  reportS: 4,
  cancelShare: 0.1,
  declinedShare: 0.05,
  silentShare: 0.05,
  hotShare: 0.7,
  viewSample: 0.1,
};

describe("the simulator's schedule", () => {
  it("refuses settings that make no sense", () => {
    expect(() => buildSchedule({ ...base, rate: 0 })).toThrow(/rate/);
    expect(() => buildSchedule({ ...base, cancelShare: 1.5 })).toThrow(/cancelShare/);
    expect(() => buildSchedule({ ...base, riders: 0 })).toThrow(/riders/);
    expect(() => buildSchedule({ ...base, seed: 1.5 })).toThrow(/seed/);
    expect(() => buildSchedule({ ...base, rate: 1000, minutes: 60 })).toThrow(/more than/);
  });

  it("is the same for the same seed and settings, hash included, and differs for another seed", () => {
    const a = buildSchedule(base);
    const b = buildSchedule({ ...base });
    expect(b).toEqual(a);
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    const c = buildSchedule({ ...base, seed: 8 });
    expect(c.hash).not.toBe(a.hash);
    expect(c.rides.map((r) => r.pickup)).not.toEqual(a.rides.map((r) => r.pickup));
    expect(c.drivers.map((d) => d.start)).not.toEqual(a.drivers.map((d) => d.start));
  });

  it("keeps the rides when only the drivers change, and the pickups when only a share changes; the hash sees both", () => {
    const a = buildSchedule(base);
    const fewer = buildSchedule({ ...base, drivers: 50 });
    expect(fewer.rides).toEqual(a.rides);
    expect(fewer.hash).not.toBe(a.hash);
    const cancelling = buildSchedule({ ...base, cancelShare: 0.5 });
    expect(cancelling.rides.map((r) => [r.atMs, r.pickup, r.dropoff])).toEqual(a.rides.map((r) => [r.atMs, r.pickup, r.dropoff]));
    expect(cancelling.rides.filter((r) => r.cancelAfterMs !== null).length).toBeGreaterThan(a.rides.filter((r) => r.cancelAfterMs !== null).length);
    expect(cancelling.hash).not.toBe(a.hash);
  });

  it("puts every pickup, drop-off, start point and waypoint inside the Seoul outline", () => {
    const { rides, drivers } = buildSchedule(base);
    for (const r of rides) {
      expect(inArea(r.pickup), JSON.stringify(r.pickup)).toBe(true);
      expect(inArea(r.dropoff), JSON.stringify(r.dropoff)).toBe(true);
    }
    for (const d of drivers) for (const p of [d.start, ...d.waypoints]) expect(inArea(p), JSON.stringify(p)).toBe(true);
  });

  it("knows inside from outside: the hot spots and City Hall are in, Incheon, Suwon and the sea are not", () => {
    for (const spot of HOT_SPOTS) expect(inArea(spot), spot.name).toBe(true);
    expect(inArea({ lat: 37.5663, lng: 126.9779 })).toBe(true);
    expect(inArea({ lat: 37.4563, lng: 126.7052 })).toBe(false);
    expect(inArea({ lat: 37.2636, lng: 127.0286 })).toBe(false);
    expect(inArea({ lat: 37.5, lng: 126.5 })).toBe(false);
    const random = seeded(3);
    for (let i = 0; i < 500; i++) expect(inArea(uniformInArea(random))).toBe(true);
  });

  it("arrives at λ per second, in order, within the run", () => {
    const { rides } = buildSchedule({ ...base, rate: 2, minutes: 10 });
    // Poisson: 1200 expected, σ ≈ 35
    expect(rides.length).toBeGreaterThan(1200 - 4 * 35);
    expect(rides.length).toBeLessThan(1200 + 4 * 35);
    expect(rides.every((r, i) => i === 0 || r.atMs >= rides[i - 1]!.atMs)).toBe(true);
    expect(rides.at(-1)!.atMs).toBeLessThan(10 * 60_000);
    expect(rides.every((r) => r.rider >= 0 && r.rider < base.riders)).toBe(true);
  });

  it("puts the asked share of pickups around the hot spots, each within a few km of its spot", () => {
    const { rides } = buildSchedule({ ...base, rate: 5, minutes: 10 });
    const hot = rides.filter((r) => r.spot !== null);
    expect(hot.length / rides.length).toBeGreaterThan(0.66);
    expect(hot.length / rides.length).toBeLessThan(0.74);
    for (const r of hot)
      expect(
        distanceM(
          r.pickup,
          HOT_SPOTS.find((s) => s.name === r.spot)!,
        ),
      ).toBeLessThan(5_000);
    // the busiest spot gets more than the quietest
    const at = (name: string) => hot.filter((r) => r.spot === name).length;
    expect(at("Gangnam")).toBeGreaterThan(at("Itaewon"));
  });

  it("declines, cancels, samples and silences about the asked shares", () => {
    const { rides, drivers } = buildSchedule({ ...base, rate: 5, minutes: 10, drivers: 2000 });
    const share = (n: number, of: number) => n / of;
    expect(share(rides.filter((r) => r.paymentMethod === DECLINED_CARD).length, rides.length)).toBeCloseTo(0.05, 1);
    expect(rides.every((r) => r.paymentMethod === DECLINED_CARD || r.paymentMethod === GOOD_CARD)).toBe(true);
    expect(share(rides.filter((r) => r.cancelAfterMs !== null).length, rides.length)).toBeCloseTo(0.1, 1);
    expect(share(rides.filter((r) => r.sampleView).length, rides.length)).toBeCloseTo(0.1, 1);
    const silent = drivers.filter((d) => d.silentAtMs !== null);
    expect(share(silent.length, drivers.length)).toBeCloseTo(0.05, 1);
    for (const d of silent) expect(d.silentAtMs!).toBeLessThan(10 * 60_000);
    for (const d of drivers) expect(d.phaseMs).toBeLessThanOrEqual(4_000);
    expect(
      buildSchedule({ ...base, silentShare: 0, declinedShare: 0, cancelShare: 0 }).rides.some(
        (r) => r.cancelAfterMs !== null || r.paymentMethod === DECLINED_CARD,
      ),
    ).toBe(false);
  });

  it("gives each driver its own replayable pauses", () => {
    const a = pauses(42);
    const b = pauses(42);
    const first = a();
    expect(b()).toEqual(first);
    expect(a()).not.toEqual(first);
    expect(first.toPickupMs).toBeGreaterThanOrEqual(3_000);
    expect(first.tripMs).toBeLessThanOrEqual(18_000);
  });
});
