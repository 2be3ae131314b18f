import { afterEach, describe, expect, it, vi } from "vitest";
import { WATCH_LEASE_S, WATCH_RENEW_EVERY_MS } from "../views/ops-watch";
import { LeaseKeeper, RENEW_BOUND_MS } from "./lease-keeper";
import { RENEW_RETRY_MS } from "./wake";

/** A keeper over a scripted D1: each renewal answers the next of `answers` (an Error throws). */
function scripted(answers: (boolean | Error)[]) {
  let now = 1_000_000;
  const renew = vi.fn(async () => {
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return { lapsed: next ?? false };
  });
  const keeper = new LeaseKeeper(renew, () => now);
  return { keeper, renew, later: (ms: number) => (now += ms), now: () => now };
}

describe("the feed's hold on the watch lease", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a renewal that found the lease ahead held; one that found it run out (or never kept) is a gap", async () => {
    const { keeper, now } = scripted([false, true]);
    expect(await keeper.hold()).toBe("held");
    expect(keeper.renewAt).toBe(now() + WATCH_RENEW_EVERY_MS);
    expect(await keeper.hold()).toBe("gap");
  });

  it("a failure is retried soon, never thrown, and the next renewal that holds is a gap whatever D1 answers (the failed one may have committed after batches that saw no lease)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { keeper, now } = scripted([false, new Error("D1_ERROR: timed out"), false, false]);
    expect(await keeper.hold()).toBe("held");
    expect(await keeper.hold()).toBe("failed");
    expect(keeper.renewAt).toBe(now() + RENEW_RETRY_MS);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("ops feed: watch lease not renewed"));
    expect(await keeper.hold()).toBe("gap");
    expect(await keeper.hold(), "once told").toBe("held");
  });

  it("a renewal longer after the last that held than the lease lasts is a gap, though D1 finds it ahead", async () => {
    const { keeper, later } = scripted([false, false, false]);
    await keeper.hold();
    later(WATCH_LEASE_S * 1000 - 1);
    expect(await keeper.hold()).toBe("held");
    later(WATCH_LEASE_S * 1000);
    expect(await keeper.hold()).toBe("gap");
  });

  it("a renewal that does not answer within RENEW_BOUND_MS failed (the consoles joining it are not held), and the next one that holds is a gap", async () => {
    vi.useFakeTimers();
    try {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
      let calls = 0;
      const keeper = new LeaseKeeper(() => (++calls === 1 ? new Promise<never>(() => undefined) : Promise.resolve({ lapsed: false })));
      const hung = keeper.hold();
      await vi.advanceTimersByTimeAsync(RENEW_BOUND_MS - 1);
      let answered: string | null = null;
      void hung.then((h) => (answered = h));
      await vi.advanceTimersByTimeAsync(0);
      expect(answered).toBeNull();
      await vi.advanceTimersByTimeAsync(1);
      expect(await hung).toBe("failed");
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("no answer within"));
      expect(await keeper.hold(), "the hung one may commit late, after batches that saw no lease").toBe("gap");
    } finally {
      vi.useRealTimers();
    }
  });

  it("new memory (after a wake) renews at the first chance and trusts D1", async () => {
    const { keeper, renew } = scripted([false]);
    expect(keeper.renewAt).toBe(0);
    expect(await keeper.hold()).toBe("held");
    expect(renew).toHaveBeenCalledTimes(1);
  });
});
