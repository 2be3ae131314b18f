/**
 * The Driver DO's pushes to the operators' feed: a position at most once per interval the feed
 * answers, and the offline marker once as the driver goes off duty, each unawaited and bounded.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Driver } from "../domain/events";
import { driverRecord } from "../driver/fixtures";
import { UNWATCHED_PUSH_MS } from "../ops-feed/feed";
import { OpsPositionPush, PUSH_TIMEOUT_MS } from "./ops-push";

/** A Driver DO's push over a feed that answers `answer` (or never), with what it was sent and the work handed to `waitUntil`. */
function pushOver(answer: () => Promise<number>) {
  const sent: { id: string; status: string; version: number }[] = [];
  const work: Promise<unknown>[] = [];
  const feed = { driverMoved: (marker: { id: string; status: string; version: number }) => (sent.push(marker), answer()) };
  const env = { OPS_FEED: { idFromName: (n: string) => n, get: () => feed } } as unknown as Env;
  const ctx = { waitUntil: (p: Promise<unknown>) => void work.push(p) } as unknown as DurableObjectState;
  return { opsPush: new OpsPositionPush(ctx, env), sent, work };
}

const at = (patch: Partial<Driver>) => driverRecord(new Date(), patch).driver;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("OpsPositionPush", () => {
  it("leaving: the offline marker once, unawaited; the driver's first report back on duty pushes at once, not after the long interval", async () => {
    const { opsPush, sent, work } = pushOver(async () => UNWATCHED_PUSH_MS);
    opsPush.after(at({ status: "available", version: 3 }));
    await Promise.all(work);
    opsPush.after(at({ status: "available", version: 3 }));
    expect(sent.map((m) => [m.status, m.version])).toEqual([["available", 3]]); // within the interval: no second push
    opsPush.leaving(at({ status: "offline", version: 4 }));
    expect(work).toHaveLength(2);
    await Promise.all(work);
    opsPush.after(at({ status: "available", version: 5 }));
    await Promise.all(work);
    expect(sent.map((m) => [m.status, m.version])).toEqual([
      ["available", 3],
      ["offline", 4],
      ["available", 5],
    ]);
  });

  it("a feed that never answers: the leaving push ends after PUSH_TIMEOUT_MS, logged as such, and never rejects", async () => {
    vi.useFakeTimers();
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { opsPush, work } = pushOver(() => new Promise<never>(() => undefined));
    opsPush.leaving(at({ status: "offline", version: 4 }));
    let settled = false;
    const ended = Promise.all(work).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(PUSH_TIMEOUT_MS);
    expect(settled).toBe(true);
    await ended;
    const line = JSON.parse(String(warnings.mock.calls[0]?.[0])) as Record<string, string>;
    expect(line).toMatchObject({ msg: "ops feed push failed", push: "leaving", driverId: "d1" });
    expect(line.error).toMatch(/no answer within 2000 ms/);
  });
});
