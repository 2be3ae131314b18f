/** The feed's drivers in memory (src/ops-feed/driver-board.ts): no ghost driver left on the operators' map. */
import { describe, expect, it } from "vitest";
import { DriverBoard } from "./driver-board";
import type { DriverMarker } from "./feed";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const marker = (over: Partial<DriverMarker> = {}): DriverMarker => ({
  id: "d1",
  name: "Driver d1",
  status: "available",
  approval: "approved",
  product: "standard",
  location: { lat: 37.56, lng: 126.97 },
  locationAt: at(1),
  currentRideId: null,
  updatedAt: at(1),
  version: 3,
  ...over,
});

describe("the feed's drivers in memory", () => {
  it("a position push that went offline's way after it (a lower version, overtaken) does not bring the driver back", () => {
    const board = new DriverBoard();
    expect(board.take(marker({ version: 3 }))).not.toBeNull();
    expect(board.take(marker({ version: 4, status: "offline" }))).toMatchObject({ status: "offline" });
    expect(board.take(marker({ version: 3, location: { lat: 37.6, lng: 127 }, locationAt: at(9) }))).toBeNull();
    expect(board.size).toBe(0);
    expect(board.snapshot([], new Map())).toEqual([]);
    // Back online: a newer version is taken.
    expect(board.take(marker({ version: 5 }))).toMatchObject({ status: "available", version: 5 });
    expect(board.snapshot([], new Map()).map((d) => d.id)).toEqual(["d1"]);
  });

  it("a driver whose offline publish was lost is left out once the views hold them at that version or newer, and forgotten", () => {
    const board = new DriverBoard();
    board.take(marker({ id: "d1", version: 3 }));
    board.take(marker({ id: "d2", version: 6 }));
    board.take(marker({ id: "d3", version: 2 }));
    expect(board.unknownTo([marker({ id: "d3", version: 2 })])).toEqual(["d1", "d2"]);
    // The views: d1 offline at 4 (the lost publish), d2 only at 5 (its going on duty not written yet).
    const shown = board.snapshot(
      [marker({ id: "d3", version: 2 })],
      new Map([
        ["d1", 4],
        ["d2", 5],
      ]),
    );
    expect(shown.map((d) => d.id).sort()).toEqual(["d2", "d3"]);
    expect(board.size).toBe(2);
    expect(board.take(marker({ id: "d1", version: 4, locationAt: at(20) }))).toBeNull(); // a late push of the ghost
  });
});
