import { describe, expect, it } from "vitest";
import { walkAfterRun, WALK_STUCK_MS } from "./walk-stuck";

const NOW = Date.parse("2026-12-07T10:00:00Z");

describe("a reconciliation walk and a page it could not judge", () => {
  it("moves on from a page judged whole, and forgets it was stuck", () => {
    expect(walkAfterRun({ at: "p1", next: "p2", stuckSince: NOW - 60_000, failed: false, now: NOW })).toEqual({
      position: "p2",
      stuckSince: null,
      leftBehind: false,
    });
    expect(walkAfterRun({ at: "p9", next: null, stuckSince: null, failed: false, now: NOW })).toEqual({ position: null, stuckSince: null, leftBehind: false });
  });

  it("stays on a page one of whose holds failed, marked since the first such run, for up to WALK_STUCK_MS", () => {
    const first = walkAfterRun({ at: "p1", next: "p2", stuckSince: null, failed: true, now: NOW });
    expect(first).toEqual({ position: "p1", stuckSince: NOW, leftBehind: false });
    const later = walkAfterRun({ at: "p1", next: "p2", stuckSince: NOW, failed: true, now: NOW + WALK_STUCK_MS - 1 });
    expect(later).toEqual({ position: "p1", stuckSince: NOW, leftBehind: false });
  });

  it("leaves a page behind once stuck on it for WALK_STUCK_MS: one hold broken for good stops no other", () => {
    expect(walkAfterRun({ at: "p1", next: "p2", stuckSince: NOW, failed: true, now: NOW + WALK_STUCK_MS })).toEqual({
      position: "p2",
      stuckSince: null,
      leftBehind: true,
    });
  });
});
