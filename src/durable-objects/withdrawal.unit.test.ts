/** A driver's withdrawal from a ride (an offer let go, a rejected driver taken off) sent again, behind the answer, when it fails. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fail, ok, type Outcome } from "../lib/problem";
import { PEER_CALL_MS } from "../lib/timeout";
import { tellRide, WITHDRAW_ATTEMPTS, WITHDRAW_RETRY_MS } from "./driver-effects";

describe("tellRide: a withdrawal", () => {
  const withdrawal = { type: "withdrawOffer", rideId: "rd_1", driverId: "d1", reason: "driver_rejected", correlationId: "req-1" } as const;
  const never = () => new Promise<never>(() => undefined);
  /** A ride answering each withdrawal in turn with the next of `answers` (the last one from then on), counting them. */
  const rideAnswering = (answers: (() => Promise<Outcome<null>>)[]) => {
    const asked = { count: 0 };
    const withdrawOffer = () => answers[Math.min(asked.count++, answers.length - 1)]!();
    return { asked, env: { RIDE: { idFromName: (name: string) => name, get: () => ({ withdrawOffer }) } } as unknown as Parameters<typeof tellRide>[0] };
  };
  /** What the caller hands the background: kept, to be awaited by the test. */
  const backgroundOf = () => {
    const work: Promise<unknown>[] = [];
    return { work, background: (p: Promise<unknown>) => void work.push(p) };
  };
  afterEach(() => vi.useRealTimers());

  it("a first call that fails answers at once (its caller waits no longer than before), and is sent again behind it until one is answered", async () => {
    vi.useFakeTimers();
    const { asked, env } = rideAnswering([never, () => Promise.reject(new Error("Durable Object reset")), async () => ok(null)]);
    const { work, background } = backgroundOf();
    const told = tellRide(env, withdrawal, background).catch((e: unknown) => String(e));
    await vi.advanceTimersByTimeAsync(PEER_CALL_MS);
    expect(await told, "the first call's failure, after PEER_CALL_MS").toMatch(/withdraw offer: no answer within/);
    expect(work).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(WITHDRAW_RETRY_MS * 3);
    await Promise.all(work);
    expect(asked.count).toBe(3);
  });

  it("a ride that could not release the driver (unavailable) is asked again; any other answer, or a first success, is not", async () => {
    vi.useFakeTimers();
    const busy = rideAnswering([async () => fail("unavailable", "the driver could not be released")]);
    const retried = backgroundOf();
    expect(await tellRide(busy.env, withdrawal, retried.background)).toMatchObject({ ok: false, problem: { code: "unavailable" } });
    await vi.advanceTimersByTimeAsync(WITHDRAW_RETRY_MS * 3);
    await Promise.all(retried.work);
    expect(busy.asked.count, "every attempt, then left to the timers").toBe(WITHDRAW_ATTEMPTS);
    for (const answer of [async () => ok(null), async () => fail("offer_not_available", "not offered to you")]) {
      const settled = rideAnswering([answer]);
      const none = backgroundOf();
      await tellRide(settled.env, withdrawal, none.background);
      expect(none.work).toHaveLength(0);
      expect(settled.asked.count).toBe(1);
    }
  });
});
