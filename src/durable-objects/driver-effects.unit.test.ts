/**
 * A newly listed driver wakes the rides waiting near them (`wakeWaiting`), over a cell and
 * rides that answer from tables: rides served elsewhere or cancelled stay registered until
 * their deadline, and must not hide a ride still waiting behind them.
 */
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { driverRecord } from "../driver/fixtures";
import { PEER_CALL_MS } from "../lib/timeout";
import type { Wake } from "../ride/dispatch";
import { WAKE_CANDIDATES } from "./waiters";
import { listDriver, listInFleet, takeOffDriver, tellPeer, tellRide, WAKE_FAILURES, WAKE_PASSES, WAKE_SETTLES, wakeWaiting } from "./driver-effects";

/** A cell holding `waiting` (oldest first) and rides answering `answers` (unnamed: dispatching); what was woken and forgotten is recorded. */
function city(waiting: string[], answers: Record<string, Wake>) {
  const woken: string[] = [];
  let registered = [...waiting];
  const forget = (ids: string[]) => void (registered = registered.filter((id) => !ids.includes(id)));
  // The times the cell answered its pages at, and the one each forget named: a page's gone rides are forgotten as of that page's answer.
  let clock = 1000;
  const forgotAt: (number | undefined)[] = [];
  const cell = {
    forget: async (ids: string[], at?: number) => (forgotAt.push(at), forget(ids)),
    nextWaiting: async (_driverId: string, gone: string[], skip: string[], goneAt?: number) => {
      if (gone.length > 0) forgotAt.push(goneAt);
      forget(gone);
      return { waiting: registered.filter((id) => !skip.includes(id)).slice(0, WAKE_CANDIDATES), at: ++clock };
    },
  };
  const namespace = (make: (name: string) => object) => ({ idFromName: (name: string) => name, get: (id: string) => make(id) });
  const env = {
    RIDE: namespace((id) => ({
      wake: async () => {
        woken.push(id);
        if (id.startsWith("broken")) throw new Error("Durable Object reset because its code was updated");
        return answers[id] ?? "dispatching";
      },
    })),
    DISPATCH_CELL: namespace(() => cell),
  } as unknown as Parameters<typeof wakeWaiting>[0];
  const first = { cell: "wydm2", rideIds: waiting.slice(0, WAKE_CANDIDATES), at: clock };
  return { env, first, woken, registered: () => registered, forgotAt };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe("wakeWaiting", () => {
  it("rides that no longer wait at the head of the line are forgotten, and the driver goes on to the one still waiting behind them", async () => {
    const served = ids("served", 7);
    const c = city([...served, "waiting"], Object.fromEntries(served.map((id) => [id, "not_waiting" as const])));
    await wakeWaiting(c.env, "d1", c.first);
    expect(c.woken).toEqual([...served, "waiting"]);
    expect(c.registered()).toEqual(["waiting"]);
    // Each page's gone rides are forgotten as of when the cell answered that page (a ride registered again since is kept).
    expect(c.forgotAt).toEqual([c.first.at, c.first.at + 1]);
  });

  it("a ride whose round is on its way (another driver woke it a moment ago) is passed over, not forgotten: the next ride is woken", async () => {
    const c = city(["oldest", "next", "last"], { oldest: "queued" });
    await wakeWaiting(c.env, "d2", c.first);
    expect(c.woken).toEqual(["oldest", "next"]);
    expect(c.registered()).toEqual(["oldest", "next", "last"]);
  });

  it("rides that declined this driver are passed over, page after page, and stay registered for others", async () => {
    const declined = ids("declined", WAKE_CANDIDATES + 2);
    const c = city([...declined, "waiting"], Object.fromEntries(declined.map((id) => [id, "excluded" as const])));
    await wakeWaiting(c.env, "d1", c.first);
    expect(c.woken).toEqual([...declined, "waiting"]);
    expect(c.registered()).toEqual([...declined, "waiting"]);
  });

  it("a ride that cannot answer is passed over and stays registered: the rides behind it are still woken", async () => {
    const c = city(["gone", "broken", "waiting"], { gone: "not_waiting" });
    await wakeWaiting(c.env, "d1", c.first);
    expect(c.woken).toEqual(["gone", "broken", "waiting"]);
    expect(c.registered()).toEqual(["broken", "waiting"]);
  });

  it("a driver still free after a ride took the wake (another driver's listing won its round) wakes the next; one reserved stops", async () => {
    const c = city(["gone", "oldest", "next", "last"], { gone: "not_waiting" });
    const answers = [true, false];
    const registeredAtSettle: string[][] = [];
    const ask = () => (registeredAtSettle.push(c.registered()), answers.shift() ?? false);
    await wakeWaiting(c.env, "d1", c.first, { ask, afterMs: 0 });
    expect(c.woken).toEqual(["gone", "oldest", "next"]);
    // A ride that no longer waits is forgotten before the settle wait, not after it.
    expect(registeredAtSettle[0]).toEqual(["oldest", "next", "last"]);
  });

  it("stops after WAKE_FAILURES waiting rides in a row did not answer (Ride objects in trouble): the rest keep to their deadline", async () => {
    const broken = ids("broken", WAKE_FAILURES + 2);
    const c = city([...broken], {});
    await wakeWaiting(c.env, "d1", c.first);
    expect(c.woken).toEqual(broken.slice(0, WAKE_FAILURES));
  });

  it("goes on so at most WAKE_SETTLES times a listing, however long it stays free", async () => {
    const c = city(ids("r", 10), {});
    await wakeWaiting(c.env, "d1", c.first, { ask: () => true, afterMs: 0 });
    expect(c.woken).toHaveLength(WAKE_SETTLES + 1);
  });

  it("stops at the first ride that takes the wake, and asks the cell for no more", async () => {
    const c = city(["gone", "takes", "after"], { gone: "not_waiting" });
    await wakeWaiting(c.env, "d1", c.first);
    expect(c.woken).toEqual(["gone", "takes"]);
    expect(c.registered()).toEqual(["takes", "after"]);
  });

  it("is bounded: at most (1 + WAKE_PASSES) pages of wakes a listing, what no longer waits forgotten", async () => {
    const gone = ids("gone", 100);
    const c = city(gone, Object.fromEntries(gone.map((id) => [id, "not_waiting" as const])));
    await wakeWaiting(c.env, "d1", c.first);
    expect(c.woken).toHaveLength((1 + WAKE_PASSES) * WAKE_CANDIDATES);
    expect(c.registered()).toHaveLength(100 - (1 + WAKE_PASSES) * WAKE_CANDIDATES);
  });
});

describe("listDriver", () => {
  it("gives up on a cell that never answers after PEER_CALL_MS (the driver's next report tries again), rather than waiting for ever", async () => {
    vi.useFakeTimers();
    try {
      const never = new Promise<never>(() => undefined);
      const namespace = { idFromName: (name: string) => name, get: () => ({ upsert: () => never, remove: () => never }) };
      const env = { DISPATCH_CELL: namespace } as unknown as Parameters<typeof listDriver>[0];
      const now = new Date("2026-12-05T10:00:00.000Z");
      const moved = { ...driverRecord(now), indexedCell: "somewhere-else" };
      const listing = listDriver(env, moved, now, { cellRefreshS: 60, driverFreshnessS: 30 });
      const settled = listing.then(
        () => "answered",
        (error: unknown) => String(error),
      );
      await vi.advanceTimersByTimeAsync(PEER_CALL_MS);
      expect(await settled).toMatch(/unlist the driver: no answer within 10000 ms/);
      const renewal = listDriver(env, driverRecord(now), now, { cellRefreshS: 60, driverFreshnessS: 30 }).catch((error: unknown) => String(error));
      await vi.advanceTimersByTimeAsync(PEER_CALL_MS);
      expect(await renewal).toMatch(/list the driver: no answer within 10000 ms/);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("calls to objects that never answer", () => {
  const never = () => new Promise<never>(() => undefined);
  const namespace = (object: object) => ({ idFromName: (name: string) => name, get: () => object });

  it("a ride told its driver moved gives up after PEER_CALL_MS: the location report waiting on it answers", async () => {
    vi.useFakeTimers();
    try {
      const env = { RIDE: namespace({ driverMoved: never }) } as unknown as Parameters<typeof tellRide>[0];
      const told = tellRide(env, { type: "driverMoved", rideId: "rd_1", driverId: "d1", location: { lat: 37.5, lng: 127 } }).catch((e: unknown) => String(e));
      await vi.advanceTimersByTimeAsync(PEER_CALL_MS);
      expect(await told).toMatch(/tell the ride its driver moved: no answer within 10000 ms/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a wake whose cell stops answering (its next page, or a forget) ends after PEER_CALL_MS, logged, instead of hanging", async () => {
    vi.useFakeTimers();
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      // First: the only ride no longer waits, and the cell never gives the next page. Then: a ride gone, the one behind it
      // takes the wake, and the cell never answers the forget of the gone one.
      const cases: [string[], Record<string, string>][] = [
        [["rd_1"], { rd_1: "not_waiting" }],
        [["rd_1", "rd_2"], { rd_1: "not_waiting", rd_2: "dispatching" }],
      ];
      for (const [rideIds, answers] of cases) {
        const rides = { idFromName: (name: string) => name, get: (id: string) => ({ wake: async () => answers[id] }) };
        const env = { RIDE: rides, DISPATCH_CELL: namespace({ nextWaiting: never, forget: never }) } as unknown as Parameters<typeof wakeWaiting>[0];
        let settled = false;
        const woken = wakeWaiting(env, "d1", { cell: "wydm2", rideIds, at: 1 }).then(() => (settled = true));
        await vi.advanceTimersByTimeAsync(PEER_CALL_MS * 3);
        expect(settled, rideIds.join()).toBe(true);
        await woken;
      }
      expect(warnings.mock.calls.flat().join("\n")).toMatch(/next waiting rides: no answer within 10000 ms/);
    } finally {
      warnings.mockRestore();
      vi.useRealTimers();
    }
  });
});

describe("leaveOpsMap: a driver off duty tells the operators' feed", () => {
  it("answers at once and hands the driver, offline, to the driver's position push (which pushes unawaited: ops-push.unit.test.ts)", async () => {
    const leaving = driverRecord(new Date(), { status: "offline", version: 9 }).driver;
    const handed: unknown[] = [];
    const env = {} as Parameters<typeof tellPeer>[0]; // no ride, no fleet: neither is called
    const answer = await tellPeer(env, { type: "leaveOpsMap", driver: leaving }, { leaving: (d) => void handed.push(d) });
    expect(answer).toEqual({ ok: true, value: null });
    expect(handed).toEqual([leaving]);
  });
});

describe("takeOffDriver", () => {
  /** A ride that records what it was asked. */
  function ride() {
    const asked: string[] = [];
    const stub = {
      decline: async (driverId: string, _requestId: string, why: string) => (asked.push(`decline ${driverId} ${why}`), { ok: true, value: null }),
      withdrawOffer: async (driverId: string, reason: string) => (asked.push(`withdrawOffer ${driverId} ${reason}`), { ok: true, value: null }),
    };
    const env = { RIDE: { idFromName: (name: string) => name, get: () => stub } } as unknown as Parameters<typeof takeOffDriver>[0];
    return { env, asked };
  }

  it("a rejected driver is asked off as the rejection asks (withdrawOffer, driver_rejected), whether they are silent or not", async () => {
    const { env, asked } = ride();
    await takeOffDriver(env, { rideId: "rd_1", driverId: "d1", why: "rejected" }, async () => false);
    expect(asked).toEqual(["withdrawOffer d1 driver_rejected"]);
  });

  it("a silent driver is declined off the ride only while still silent", async () => {
    const { env, asked } = ride();
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await takeOffDriver(env, { rideId: "rd_1", driverId: "d1", why: "silent" }, async () => false);
    expect(asked).toEqual([]);
    await takeOffDriver(env, { rideId: "rd_1", driverId: "d1", why: "silent_on_the_way" }, async () => true);
    expect(asked).toEqual(["decline d1 silent_on_the_way"]);
  });
});

describe("listInFleet: a new driver's first commit waits for the fleet", () => {
  /** A Fleet binding that answers as `fleet` says, recording the ids it was asked to list. */
  const fleetEnv = (fleet: () => Promise<void>) => {
    const listed: string[][] = [];
    const FLEET = { idFromName: (name: string) => name, get: () => ({ addDrivers: (ids: string[]) => (listed.push(ids), fleet()) }) };
    return { env: { FLEET } as unknown as Parameters<typeof listInFleet>[0], listed };
  };

  it("listed: ok, the driver's id asked once", async () => {
    const { env, listed } = fleetEnv(async () => undefined);
    expect(await listInFleet(env, "d1")).toEqual({ ok: true, value: null });
    expect(listed).toEqual([["d1"]]);
  });

  it("a fleet overloaded for a moment: unavailable with the wait it asks, told to the on-call", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    onTestFinished(() => warn.mockRestore());
    const overloaded = Object.assign(new Error("Durable Object is overloaded. Too many requests queued."), { overloaded: true });
    const { env } = fleetEnv(async () => Promise.reject(overloaded));
    const outcome = await listInFleet(env, "d1");
    expect(outcome).toMatchObject({ ok: false, problem: { code: "unavailable" } });
    expect(!outcome.ok && outcome.problem.retryAfterSeconds).toBeGreaterThan(0);
    expect(warn.mock.calls.map((c) => JSON.parse(String(c[0]))).map((l) => [l.msg, l.driverId])).toEqual([["fleet unavailable, driver not registered", "d1"]]);
  });

  it("a fleet that does not answer within the peers' bound: unavailable", async () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const { env } = fleetEnv(() => new Promise<void>(() => undefined));
      const pending = listInFleet(env, "d1");
      await vi.advanceTimersByTimeAsync(PEER_CALL_MS + 1);
      expect(await pending).toMatchObject({ ok: false, problem: { code: "unavailable" } });
    } finally {
      vi.useRealTimers();
      warn.mockRestore();
    }
  });

  it("an error of our own (a bug) is thrown, not taken for a moment's trouble", async () => {
    const { env } = fleetEnv(async () => Promise.reject(new TypeError("cannot read properties of undefined")));
    await expect(listInFleet(env, "d1")).rejects.toThrow(TypeError);
  });
});
