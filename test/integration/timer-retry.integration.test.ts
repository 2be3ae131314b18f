/**
 * A timer that keeps failing (its dependency down) waits longer each time, 1 s, 2 s, 4 s … up
 * to 30 s, rather than calling the dependency every second from every ride; its error line
 * names the object, so the engineer on call knows which ride is stuck; a timer set anew and a
 * success start the count again. On a real Ride DO, through its own alarm.
 */
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import { unwrap } from "../../src/lib/problem";
import type { PaymentResult } from "../../src/domain/events";
import { rideInProgress, rideInput, rideStub } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** When the timer `name` is due (null: not set). */
const dueAtOf = (state: DurableObjectState, name: string): number | null =>
  state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE name = ?", name).toArray()[0]?.due_at ?? null;

/** Runs the object's alarm with the clock just past `dueAt` (now when null), as after the real wait; answers that moment. */
async function alarmAt(instance: { alarm(): Promise<void> }, dueAt: number | null): Promise<number> {
  const realNow = Date.now;
  const offset = (dueAt ?? realNow()) + 1 - realNow();
  Date.now = () => realNow() + offset;
  try {
    await instance.alarm();
    return Date.now();
  } finally {
    Date.now = realNow;
  }
}

/** What the tests reach of the aggregate base: its timer hook and its scheduling. */
type Reachable = { onTimer(name: string): Promise<void>; schedule(name: string, at: number): void };

describe("a failing timer", () => {
  it("is put back 1 s, 2 s, 4 s later, each failure an error line naming the ride; set anew, or after a success, it starts again at 1 s", async () => {
    const input = rideInput();
    const stub = rideStub(input.rideId);
    unwrap(await stub.create(input));
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const waits = await runInDurableObject(stub, async (instance: RideDurableObject, state) => {
      const base = instance as unknown as Reachable;
      const original = base.onTimer.bind(instance);
      let down = true;
      base.onTimer = async (name) => {
        if (name !== "probe") return original(name);
        if (down) throw new Error("the dispatch cell is down");
      };
      const dueAt = () => dueAtOf(state, "probe");
      // The alarm runs as if the clock were just past the probe's due time: the retry the base put
      // back is the run, as it would be after the real wait (its failures count in a row).
      const fireAtDue = async () => {
        const firedAt = await alarmAt(instance, dueAt());
        const next = dueAt();
        return next === null ? null : next - firedAt;
      };
      const fire = async () => {
        base.schedule("probe", Date.now() - 1); // set anew, as a commit would
        return fireAtDue();
      };
      const failing = [await fire(), await fireAtDue(), await fireAtDue()];
      const setAnew = await fire();
      down = false;
      const recovered = await fireAtDue();
      down = true;
      const again = await fire();
      return { failing, setAnew, recovered, again };
    });
    const near = (ms: number) => expect.closeTo(ms, -3); // within 500 ms
    expect(waits.failing).toEqual([near(1000), near(2000), near(4000)]);
    expect(waits.setAnew).toEqual(near(1000)); // a timer set anew starts its count again
    expect(waits.recovered).toBeNull();
    expect(waits.again).toEqual(near(1000));
    const lines = errors.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>).filter((l) => l.msg === "timer failed");
    expect(lines.map((l) => [l.id, l.object, l.timer, l.failures])).toEqual([
      [input.rideId, "ride", "probe", 1],
      [input.rideId, "ride", "probe", 2],
      [input.rideId, "ride", "probe", 3],
      [input.rideId, "ride", "probe", 1],
      [input.rideId, "ride", "probe", 1],
    ]);
  });
});

describe("a ride's timer whose call to another object fails", () => {
  it("is put back, not dropped: a refused capture's window ending while the rider's object does not answer is tried again, and then ends", async () => {
    const { stub, ride, driver } = await rideInProgress();
    expect(unwrap(await stub.advance(driver.id, "complete", {}, "req-complete")).status).toBe("payment_pending");
    const result = (action: "authorize" | "capture", outcome: "succeeded" | "declined"): PaymentResult => ({
      rideId: ride.id,
      action,
      outcome,
      idempotencyKey: `${ride.id}:${action}`,
      providerRef: "pi_retry",
      detail: outcome === "declined" ? "card_declined" : null,
      amount: ride.quote,
    });
    unwrap(await stub.applyPaymentResult(result("authorize", "succeeded")));
    unwrap(await stub.applyPaymentResult(result("capture", "declined")));
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const seen = await runInDurableObject(stub, async (instance: RideDurableObject, state) => {
      type Perform = (effect: { type: string }) => Promise<unknown>;
      const reachable = instance as unknown as { perform: Perform };
      const original = reachable.perform.bind(instance);
      // The rider's object down (a deploy, an overload): adding the fare to their dues fails as a peer call does,
      // and the ride may not end unpaid without it (the dues are added before that commit).
      reachable.perform = async (effect) =>
        effect.type === "addDues" ? { ok: false, problem: { code: "unavailable", detail: "rider object down" } } : original(effect);
      const captureAt = () => dueAtOf(state, "capture");
      const current = () =>
        (
          JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one().record) as {
            ride: { status: string; payment: { status: string } };
          }
        ).ride;
      const fire = () => alarmAt(instance, captureAt());
      const windowEndsAt = captureAt();
      await fire();
      const afterFailure = { status: current().status, captureAt: captureAt() };
      reachable.perform = original;
      await fire();
      return { windowEndsAt, afterFailure, afterRecovery: { status: current().status, payment: current().payment.status, captureAt: captureAt() } };
    });
    expect(seen.windowEndsAt).not.toBeNull();
    // Failed: nothing changed, and the timer is still there, due again about 1 s after the failed run.
    expect(seen.afterFailure.status).toBe("payment_pending");
    expect(seen.afterFailure.captureAt).toBeGreaterThan(seen.windowEndsAt ?? Infinity);
    const lines = errors.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>).filter((l) => l.msg === "timer failed");
    expect(lines).toEqual([
      expect.objectContaining({ object: "ride", id: ride.id, timer: "capture", failures: 1, error: expect.stringMatching(/rider object down/) }),
    ]);
    // The rider's object back: the ride ends unpaid, the fare their dues.
    expect(seen.afterRecovery).toEqual({ status: "completed", payment: "failed", captureAt: null });
  });
});

/** Runs `body` inside a new ride's object, given its timer hook to replace; the real hook is put back after. */
async function insideNewRide<T>(body: (instance: RideDurableObject, state: DurableObjectState, base: Reachable, original: Reachable["onTimer"]) => Promise<T>) {
  const input = rideInput();
  const stub = rideStub(input.rideId);
  unwrap(await stub.create(input));
  return runInDurableObject(stub, async (instance: RideDurableObject, state) => {
    const base = instance as unknown as Reachable;
    const original = base.onTimer.bind(instance);
    try {
      return await body(instance, state, base, original);
    } finally {
      base.onTimer = original;
    }
  });
}

describe("a timer its handler sets again", () => {
  it("stays set, even at the very time it had (a woken round's retry from a clock that had not moved); one left as it was is cleared", async () => {
    const seen = await insideNewRide(async (instance, state, base, original) => {
      const at = Date.now() - 1;
      base.onTimer = async (name) => {
        if (name === "again") base.schedule("again", at);
        else if (name !== "once") await original(name);
      };
      base.schedule("again", at);
      base.schedule("once", at);
      await alarmAt(instance, at);
      const after = { again: dueAtOf(state, "again"), once: dueAtOf(state, "once") };
      state.storage.sql.exec("DELETE FROM timers WHERE name = 'again'");
      return { at, after };
    });
    expect(seen.after).toEqual({ again: seen.at, once: null });
  });
});

describe("an alarm's pass over its due timers", () => {
  it("does not run one an earlier handler of the pass moved later: it keeps to its new time", async () => {
    const seen = await insideNewRide(async (instance, state, base, original) => {
      const ran: string[] = [];
      const at = Date.now() - 10;
      const later = Date.now() + 60_000;
      base.onTimer = async (name) => {
        if (name === "a-first") {
          ran.push(name);
          base.schedule("b-moved", later);
        } else if (name === "b-moved") ran.push(name);
        else await original(name);
      };
      base.schedule("a-first", at - 1);
      base.schedule("b-moved", at);
      await alarmAt(instance, at);
      const moved = dueAtOf(state, "b-moved");
      state.storage.sql.exec("DELETE FROM timers WHERE name IN ('a-first', 'b-moved')");
      return { ran, moved, later };
    });
    expect(seen.ran).toEqual(["a-first"]);
    expect(seen.moved).toBe(seen.later);
  });
});
