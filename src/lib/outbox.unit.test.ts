import { describe, expect, it } from "vitest";
import { needsRelayFallback, nextWake, RELAY_FALLBACK_MS, retryDelayMs } from "./outbox";
import { SerialQueue } from "./timers";

describe("outbox retry delay", () => {
  it("starts at half a second, doubles, and stops at a minute", () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelayMs(30)).toBe(60_000);
  });
});

describe("SerialQueue", () => {
  it("runs work one piece at a time even across awaits, and survives a failure", async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const step = (name: string, ms: number, fail = false) =>
      q.run(async () => {
        log.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}:end`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([step("a", 20), step("b", 1, true), step("c", 5)]);
    expect(log).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});

describe("the relay's fallback timer", () => {
  it("is needed only when something is unsent and no timer would start the object again", () => {
    let asked = 0;
    const unsent = (answer: boolean) => () => (asked++, answer);
    expect(needsRelayFallback(null, unsent(true))).toBe(true);
    expect(needsRelayFallback(null, unsent(false))).toBe(false);
    expect(asked).toBe(2);
    // A timer, however far, starts the object: the outbox is not even counted.
    expect(needsRelayFallback(Date.now() + 7_200_000, unsent(true))).toBe(false);
    expect(needsRelayFallback(0, unsent(true))).toBe(false);
    expect(asked).toBe(2);
  });

  it("the next wake is the earliest timer, or the fallback written when unsent messages have none", () => {
    const set: [string, number][] = [];
    const timers = (next: number | null) => ({ nextDueAt: () => next, set: (name: string, at: number) => void set.push([name, at]) });
    expect(nextWake(timers(5000), 1000, () => true)).toBe(5000);
    expect(nextWake(timers(null), 1000, () => false)).toBeNull();
    expect(set).toEqual([]);
    expect(nextWake(timers(null), 1000, () => true)).toBe(1000 + RELAY_FALLBACK_MS);
    expect(set).toEqual([["outbox", 1000 + RELAY_FALLBACK_MS]]);
  });
});
