/**
 * The dispatch round's reservation through the Ride DO's `perform` (`dispatchPeers`): a driver's
 * refusal is an answer, a call that failed is not (the round then searches again).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../config";
import { fail } from "../lib/problem";
import { PEER_CALL_MS } from "../lib/timeout";
import { dispatchPeers, performRide, type RidePeers } from "./ride-effects";

/** Ride peers whose Driver objects answer `reserve` with `answer`; what the ride let go of afterwards is recorded. */
function peersWith(answer: () => unknown) {
  const released: string[] = [];
  const waiting: Promise<unknown>[] = [];
  const driver = { reserve: async () => answer(), release: async (rideId: string) => void released.push(rideId) };
  const env = { DRIVER: { idFromName: (name: string) => name, get: () => driver } } as unknown as Env;
  const ctx = { waitUntil: (p: Promise<unknown>) => void waiting.push(p) } as unknown as DurableObjectState;
  const peers: RidePeers = { env, ctx, config: readConfig({}), rideId: "rd_1", correlationId: "c" };
  return { reserve: dispatchPeers(peers, () => undefined).reserve, released, settled: () => Promise.all(waiting) };
}

const offer = { kind: "assign", rideId: "rd_1", product: "standard" } as const;

describe("dispatchPeers' reserve", () => {
  it("a driver's refusal is null: the round goes on to the next candidate", async () => {
    const p = peersWith(() => fail("offer_not_available", "driver is on_trip"));
    expect(await p.reserve("d1", offer)).toBeNull();
    await p.settled();
    expect(p.released).toEqual([]);
  });

  it("a call that failed is `unavailable` (the round searches again), and the reservation it may have made is let go", async () => {
    const p = peersWith(() => {
      throw new Error("Durable Object reset because its code was updated");
    });
    expect(await p.reserve("d1", offer)).toBe("unavailable");
    await p.settled();
    expect(p.released).toEqual(["rd_1"]);
  });
});

describe("the no-supply mark after a deadline's cancel", () => {
  afterEach(() => vi.useRealTimers());

  it("is bounded as every call to another object: a cell that never answers fails it after PEER_CALL_MS, not holds the ride's queue", async () => {
    vi.useFakeTimers();
    const cell = { markNoSupply: () => new Promise(() => undefined) };
    const env = { DISPATCH_CELL: { idFromName: (name: string) => name, get: () => cell } } as unknown as Env;
    const peers: RidePeers = {
      env,
      ctx: { waitUntil: () => undefined } as unknown as DurableObjectState,
      config: readConfig({}),
      rideId: "rd_1",
      correlationId: "c",
    };
    let answer: unknown;
    void performRide(peers, { type: "markNoSupply", pickup: { lat: 37.5, lng: 127 }, product: "standard", until: Date.now() + 30_000 }).then(
      (a) => (answer = a),
    );
    await vi.advanceTimersByTimeAsync(PEER_CALL_MS - 1);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2);
    expect(answer).toMatchObject({ ok: false, problem: { code: "unavailable" } });
  });
});
