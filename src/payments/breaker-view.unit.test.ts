import { describe, expect, it } from "vitest";
import { acquire, CLOSED, record, type BreakerState } from "./breaker";
import { BreakerView, type BreakerRemote } from "./breaker-view";

const settings = { failureThreshold: 3, cooldownMs: 10_000, probeTimeoutMs: 10_000 };

/** The breaker object as the pure machine, counting the calls made to it. */
function remoteAt(clock: { t: number }) {
  let state: BreakerState = CLOSED;
  const calls = { acquire: 0, record: 0 };
  const remote: BreakerRemote = {
    async acquire() {
      calls.acquire += 1;
      const next = acquire(state, clock.t, settings);
      state = next.state;
      return next.permit.allowed ? { ...next.permit, failures: state.failures } : next.permit;
    },
    async record(success, probe) {
      calls.record += 1;
      state = record(state, success, clock.t, settings, probe);
    },
  };
  return { remote, calls, state: () => state };
}

describe("BreakerView", () => {
  it("a healthy provider: one acquire per second and no record, however many calls", async () => {
    const clock = { t: 0 };
    const { remote, calls } = remoteAt(clock);
    const view = new BreakerView(1000, () => clock.t);
    for (let i = 0; i < 100; i++) {
      clock.t = i * 20; // 100 calls over 2 s
      expect(await view.acquire(remote)).toEqual({ allowed: true, probe: false });
      await view.record(remote, true);
    }
    expect(calls).toEqual({ acquire: 2, record: 0 });
  });

  it("failures are all recorded and the breaker opens at the same count as without the view; once open, it is asked every time", async () => {
    const clock = { t: 0 };
    const { remote, calls, state } = remoteAt(clock);
    const view = new BreakerView(1000, () => clock.t);
    for (let i = 0; i < 3; i++) {
      expect((await view.acquire(remote)).allowed).toBe(true);
      await view.record(remote, false);
    }
    expect(state().mode).toBe("open");
    expect(calls.record).toBe(3);
    const before = calls.acquire;
    expect((await view.acquire(remote)).allowed).toBe(false);
    expect((await view.acquire(remote)).allowed).toBe(false);
    expect(calls.acquire).toBe(before + 2);
  });

  it("a success after failures is recorded (it resets the count), then successes are not", async () => {
    const clock = { t: 0 };
    const { remote, calls, state } = remoteAt(clock);
    const view = new BreakerView(1000, () => clock.t);
    await view.acquire(remote);
    await view.record(remote, false);
    await view.acquire(remote);
    await view.record(remote, true);
    expect(state()).toEqual(CLOSED);
    expect(calls.record).toBe(2);
    await view.acquire(remote);
    await view.record(remote, true);
    expect(calls.record).toBe(2);
  });

  it("a probe is never cached: after the cooldown one probe goes, its success closes the breaker", async () => {
    const clock = { t: 0 };
    const { remote, state } = remoteAt(clock);
    const view = new BreakerView(1000, () => clock.t);
    for (let i = 0; i < 3; i++) {
      await view.acquire(remote);
      await view.record(remote, false);
    }
    clock.t = 11_000;
    expect(await view.acquire(remote)).toEqual({ allowed: true, probe: true });
    const other = new BreakerView(1000, () => clock.t);
    expect((await other.acquire(remote)).allowed).toBe(false);
    // A call let through before the breaker opened answers late, from an isolate that saw no failure: it is not the probe.
    await new BreakerView(1000, () => clock.t).record(remote, true);
    expect(state().mode).toBe("half_open");
    await view.record(remote, true, true);
    expect(state().mode).toBe("closed");
  });

  it("another isolate's failures are seen within the time an answer is kept", async () => {
    const clock = { t: 0 };
    const { remote } = remoteAt(clock);
    const a = new BreakerView(1000, () => clock.t);
    const b = new BreakerView(1000, () => clock.t);
    await a.acquire(remote);
    for (let i = 0; i < 3; i++) {
      await b.acquire(remote);
      await b.record(remote, false);
    }
    expect((await a.acquire(remote)).allowed).toBe(true); // kept answer, up to a second
    clock.t = 1000;
    expect((await a.acquire(remote)).allowed).toBe(false);
  });
});
