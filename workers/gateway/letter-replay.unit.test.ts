import { describe, expect, it } from "vitest";
import type { DomainEvent, RideEventMessage, ViewsMessage } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import type { ViewWrite } from "../../src/views/projection";
import { letterReplay, type LetterReplayDeps } from "./letter-replay";

const KEPT_BEFORE = "2026-11-01T00:00:00.000Z";
const letter = (rideId: string, createdAt: string): RideEventMessage => ({
  kind: "ride.event",
  ride: { id: rideId, createdAt, version: 7, status: "completed" } as unknown as Ride,
  event: { id: `ev_${rideId}`, type: "RefundDeclined", version: 7 } as unknown as DomainEvent,
});
const now: ViewWrite[] = [{ kind: "refund", of: "ride", id: "rd_now", version: 9, declined: false }];

function world(patch: Partial<LetterReplayDeps> = {}) {
  const seen = { cursorReads: 0, projected: [] as ViewsMessage[], kept: [] as ViewWrite[][], asked: [] as string[] };
  const deps: LetterReplayDeps = {
    ridesKeptBefore: async () => {
      seen.cursorReads += 1;
      return KEPT_BEFORE;
    },
    hasRide: async () => false,
    rideNow: async (id) => {
      seen.asked.push(id);
      return now;
    },
    projectOrKeep: async (writes) => void seen.kept.push(writes),
    project: async (message) => void seen.projected.push(message),
    ...patch,
  };
  return { seen, replay: letterReplay(deps) };
}

describe("a views dead letter replayed", () => {
  it("of a ride the window may have let go (no row, created before the newest ride it handed over) projects the ride as its object has it now", async () => {
    const { seen, replay } = world();
    await replay(letter("rd_old", "2026-10-01T09:00:00.000Z"));
    expect(seen.asked).toEqual(["rd_old"]);
    expect(seen.kept).toEqual([now]);
    expect(seen.projected).toEqual([]);
  });

  it("whose ride's object does not know it fails, and projects nothing (the letter stays open)", async () => {
    const { seen, replay } = world({ rideNow: async () => null });
    await expect(replay(letter("rd_old", "2026-10-01T09:00:00.000Z"))).rejects.toThrow(/does not know it/);
    expect(seen.kept).toEqual([]);
    expect(seen.projected).toEqual([]);
  });

  it("of a ride still in the views, or created after the newest ride handed over, or before the window ever handed one, is projected as it is", async () => {
    const kept = world({ hasRide: async (id) => id === "rd_here" });
    const inViews = letter("rd_here", "2026-10-01T09:00:00.000Z");
    const newer = letter("rd_new", "2026-11-20T09:00:00.000Z");
    await kept.replay(inViews);
    await kept.replay(newer);
    expect(kept.seen.projected).toEqual([inViews, newer]);
    expect(kept.seen.asked).toEqual([]);

    const never = world({ ridesKeptBefore: async () => null });
    await never.replay(letter("rd_old", "2026-10-01T09:00:00.000Z"));
    expect(never.seen.projected).toHaveLength(1);
    expect(never.seen.asked).toEqual([]);
  });

  it("of a driver, a rider or a rental is projected as it is, without reading the cursor; a replay reads the cursor once", async () => {
    const { seen, replay } = world();
    const driverLetter = { kind: "driver.event", driver: { id: "d1" } } as unknown as ViewsMessage;
    await replay(driverLetter);
    expect(seen.cursorReads).toBe(0);
    expect(seen.projected).toEqual([driverLetter]);
    await replay(letter("rd_a", "2026-10-01T09:00:00.000Z"));
    await replay(letter("rd_b", "2026-10-02T09:00:00.000Z"));
    expect(seen.cursorReads).toBe(1);
    expect(seen.asked).toEqual(["rd_a", "rd_b"]);
  });
});
