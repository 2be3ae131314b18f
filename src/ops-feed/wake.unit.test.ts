import { describe, expect, it } from "vitest";
import { WATCH_RENEW_EVERY_MS } from "../views/ops-watch";
import { nextWake, RENEW_RETRY_MS, renewAfter, renewDue, STATS_EVERY_MS } from "./wake";

describe("the OpsFeed's one alarm", () => {
  const now = 1_000_000;

  it("runs for nobody: no alarm when no socket watches stats or the map", () => {
    expect(nextWake(now, { stats: false, markers: false, renewAt: 0 })).toBeNull();
    expect(nextWake(now, { stats: false, markers: false, renewAt: now - 1 })).toBeNull();
  });

  it("a stats watcher: every STATS_EVERY_MS", () => {
    expect(nextWake(now, { stats: true, markers: false, renewAt: 0 })).toBe(now + STATS_EVERY_MS);
  });

  it("a map watcher: at the lease's renewal, and at once when it is overdue or unknown (a wake from hibernation)", () => {
    expect(nextWake(now, { stats: false, markers: true, renewAt: now + 40_000 })).toBe(now + 40_000);
    expect(nextWake(now, { stats: false, markers: true, renewAt: now - 5 })).toBe(now);
    expect(nextWake(now, { stats: false, markers: true, renewAt: 0 })).toBe(now);
  });

  it("both: whichever comes first", () => {
    expect(nextWake(now, { stats: true, markers: true, renewAt: now + 40_000 })).toBe(now + STATS_EVERY_MS);
    expect(nextWake(now, { stats: true, markers: true, renewAt: now + 1_000 })).toBe(now + 1_000);
  });

  it("renews only while the map is watched and the renewal is due", () => {
    expect(renewDue(now, { stats: true, markers: true, renewAt: now })).toBe(true);
    expect(renewDue(now, { stats: true, markers: true, renewAt: now + 1 })).toBe(false);
    expect(renewDue(now, { stats: true, markers: false, renewAt: 0 })).toBe(false);
  });

  it("a renewal that failed is tried again soon, well inside the lease; one that held, a minute on", () => {
    expect(renewAfter(now, true)).toBe(now + WATCH_RENEW_EVERY_MS);
    expect(renewAfter(now, false)).toBe(now + RENEW_RETRY_MS);
    expect(RENEW_RETRY_MS).toBeLessThan(WATCH_RENEW_EVERY_MS);
  });
});
