import { describe, expect, it } from "vitest";
import { acquire, CLOSED, record, type BreakerState } from "./breaker";

const s = { failureThreshold: 3, cooldownMs: 10_000, probeTimeoutMs: 5_000 };

function failTimes(state: BreakerState, n: number, now = 0) {
  let st = state;
  for (let i = 0; i < n; i++) st = record(st, false, now, s);
  return st;
}

describe("circuit breaker", () => {
  it("stays closed below the threshold, and a success resets the count", () => {
    const two = failTimes(CLOSED, 2);
    expect(two).toMatchObject({ mode: "closed", failures: 2 });
    expect(acquire(two, 0, s).permit.allowed).toBe(true);
    expect(record(two, true, 0, s)).toEqual(CLOSED);
    expect(failTimes(record(two, true, 0, s), 2).mode).toBe("closed");
  });

  it("opens at the threshold and sheds calls with the time left to wait", () => {
    const open = failTimes(CLOSED, 3, 1000);
    expect(open).toMatchObject({ mode: "open", openedAt: 1000 });
    const { permit, state } = acquire(open, 4000, s);
    expect(permit).toEqual({ allowed: false, retryAfterMs: 7000 });
    expect(state).toBe(open);
  });

  it("half-opens after the cooldown and lets exactly one probe through", () => {
    const open = failTimes(CLOSED, 3, 0);
    const first = acquire(open, 10_000, s);
    expect(first.permit).toEqual({ allowed: true, probe: true });
    expect(first.state.mode).toBe("half_open");
    const second = acquire(first.state, 10_500, s);
    expect(second.permit.allowed).toBe(false);
  });

  it("closes when the probe succeeds, reopens when it fails", () => {
    const probing = acquire(failTimes(CLOSED, 3, 0), 10_000, s).state;
    expect(record(probing, true, 10_100, s, true)).toEqual(CLOSED);
    const reopened = record(probing, false, 10_100, s, true);
    expect(reopened).toMatchObject({ mode: "open", openedAt: 10_100 });
    expect(acquire(reopened, 10_200, s).permit.allowed).toBe(false);
  });

  it("replaces a probe that never reported back", () => {
    const probing = acquire(failTimes(CLOSED, 3, 0), 10_000, s).state;
    expect(acquire(probing, 14_000, s).permit.allowed).toBe(false);
    expect(acquire(probing, 15_001, s).permit).toEqual({ allowed: true, probe: true });
  });

  it("ignores a late failure while already open", () => {
    const open = failTimes(CLOSED, 3, 0);
    expect(record(open, false, 5000, s)).toBe(open);
  });

  it("ignores a late success while open or probing: only the probe's answer moves it (a partly-down provider stays shed)", () => {
    const open = failTimes(CLOSED, 3, 1000);
    // A call let through before it opened succeeds late: still open, still shedding until the cooldown.
    expect(record(open, true, 1200, s)).toBe(open);
    expect(acquire(record(open, true, 1200, s), 1300, s).permit.allowed).toBe(false);
    // While the probe is out, another late answer (success or failure) changes nothing; the probe's does.
    const probing = acquire(open, 11_000, s).state;
    expect(record(probing, true, 11_100, s)).toBe(probing);
    expect(record(probing, false, 11_100, s)).toBe(probing);
    expect(record(probing, true, 11_200, s, true)).toEqual(CLOSED);
  });
});
