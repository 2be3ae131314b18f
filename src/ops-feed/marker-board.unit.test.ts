/** The feed's rides and drivers in memory (src/ops-feed/marker-board.ts): no ghost on the operators' map, and no change lost to a snapshot. */
import { describe, expect, it } from "vitest";
import { GONE_REMEMBERED, MarkerBoard, SNAPSHOT_LIMIT } from "./marker-board";
import { isOpenRide, mergeDriver, newerRide, snapshotFrame, type DriverMarker, type RideMarker } from "./feed";
import { at, testDriver, testRide } from "./fixtures";

const driver = (over: Partial<DriverMarker> = {}) => testDriver(over.id ?? "d1", { version: 3, ...over });
const ride = (over: Partial<RideMarker> = {}) => testRide(over.id ?? "rd_1", { version: 4, ...over });
const drivers = () => new MarkerBoard<DriverMarker>((d) => d.status !== "offline", mergeDriver);
const rides = () => new MarkerBoard<RideMarker>((r) => isOpenRide(r.status), newerRide);

describe("the feed's drivers in memory", () => {
  it("a position push that went offline's way after it (a lower version, overtaken) does not bring the driver back", () => {
    const board = drivers();
    expect(board.take(driver({ version: 3 }))).not.toBeNull();
    expect(board.take(driver({ version: 4, status: "offline" }))).toMatchObject({ status: "offline" });
    expect(board.take(driver({ version: 3, location: { lat: 37.6, lng: 127 }, locationAt: at(9) }))).toBeNull();
    expect(board.size).toBe(0);
    expect(board.snapshot([], new Map())).toEqual([]);
    // The views, a batch behind, still list them on duty at 3: left out too.
    expect(board.snapshot([driver({ version: 3 })], new Map())).toEqual([]);
    // Back online: a newer version is taken.
    expect(board.take(driver({ version: 5 }))).toMatchObject({ status: "available", version: 5 });
    expect(board.snapshot([], new Map()).map((d) => d.id)).toEqual(["d1"]);
  });

  it("a driver whose offline publish was lost is left out once the views hold them at that version or newer, and forgotten", () => {
    const board = drivers();
    board.take(driver({ id: "d1", version: 3 }));
    board.take(driver({ id: "d2", version: 6 }));
    board.take(driver({ id: "d3", version: 2 }));
    expect(board.unknownTo([driver({ id: "d3", version: 2 })])).toEqual(["d1", "d2"]);
    // The views: d1 offline at 4 (the lost publish), d2 only at 5 (its going on duty not written yet).
    const shown = board.snapshot(
      [driver({ id: "d3", version: 2 })],
      new Map([
        ["d1", { version: 4, onMap: false }],
        ["d2", { version: 5, onMap: true }],
      ]),
    );
    expect(shown.map((d) => d.id).sort()).toEqual(["d2", "d3"]);
    expect(board.size).toBe(2);
    expect(board.take(driver({ id: "d1", version: 4, locationAt: at(20) }))).toBeNull(); // a late push of the ghost
  });

  it("one the views hold on the map at its version (written while the snapshot read the list, or past its limit) stays, and its pushes too", () => {
    const board = drivers();
    board.take(driver({ id: "d11", version: 11 }));
    const shown = board.snapshot([], new Map([["d11", { version: 11, onMap: true }]]));
    expect(shown.map((d) => d.id)).toEqual(["d11"]);
    expect(board.take(driver({ id: "d11", version: 11, location: { lat: 37.6, lng: 127 }, locationAt: at(30) }))).not.toBeNull();
  });

  it("the snapshot takes the views' drivers with the fresher positions in memory, and leaves out the offline", () => {
    const board = drivers();
    board.take(driver({ id: "d1", location: { lat: 37.55, lng: 127.05 }, locationAt: at(50) }));
    const shown = board.snapshot([driver({ id: "d1" }), driver({ id: "d2" }), driver({ id: "d9", status: "offline" })], new Map());
    expect(shown.map((d) => [d.id, d.location])).toEqual([
      ["d1", { lat: 37.55, lng: 127.05 }],
      ["d2", { lat: 37.56, lng: 126.97 }],
    ]);
  });
});

describe("the feed's rides in memory", () => {
  it("a change published while the snapshot read the views is in the snapshot, not dropped from it", () => {
    const board = rides();
    expect(board.take(ride({ version: 5, status: "driver_assigned" }))).not.toBeNull();
    // The snapshot's read saw version 4; the publish of 5 landed during it.
    expect(board.snapshot([ride({ version: 4 })], new Map())).toEqual([ride({ version: 5, status: "driver_assigned" })]);
    // A new ride published before its row was read: in the snapshot too (the views hold nothing of it).
    board.take(ride({ id: "rd_new", version: 1 }));
    expect(board.snapshot([ride({ version: 5, status: "driver_assigned" })], new Map()).map((r) => r.id)).toEqual(["rd_1", "rd_new"]);
  });

  it("a ride that ended leaves the map: older changes are dropped, a stale open row is left out, and one whose end was not heard goes once the views hold it", () => {
    const board = rides();
    board.take(ride({ version: 5 }));
    expect(board.take(ride({ version: 9, status: "completed" }))).toMatchObject({ status: "completed" });
    expect(board.take(ride({ version: 8, status: "in_progress" }))).toBeNull();
    expect(board.snapshot([ride({ version: 8, status: "in_progress" })], new Map())).toEqual([]);
    board.take(ride({ id: "rd_lost", version: 3 }));
    expect(board.snapshot([], new Map([["rd_lost", { version: 7, onMap: false }]]))).toEqual([]);
    expect(board.size).toBe(0);
  });
});

describe("a snapshot at a city's size", () => {
  it("carries at most SNAPSHOT_LIMIT of each, views first, and says it was cut; memory past the views' check is not sent unchecked", () => {
    const board = drivers();
    for (let i = 0; i < SNAPSHOT_LIMIT + 1000; i++) board.take(driver({ id: `d${i}`, version: 3 }));
    const fromViews = [driver({ id: "dv", version: 3 })];
    expect(board.unknownTo(fromViews)).toHaveLength(SNAPSHOT_LIMIT);
    const shown = board.snapshot(fromViews, new Map());
    expect(shown, "one past the limit: there were more").toHaveLength(SNAPSHOT_LIMIT + 1);
    expect(shown[0]?.id).toBe("dv");
    const frame = (markers: DriverMarker[], viewsCut: ("rides" | "drivers")[] = []) =>
      JSON.parse(snapshotFrame(["drivers"], [], markers, new Date(at(0)), viewsCut)) as { drivers: unknown[]; truncated?: string[] };
    expect([frame(shown).drivers.length, frame(shown).truncated]).toEqual([SNAPSHOT_LIMIT, ["drivers"]]);
    // Exactly the limit, nothing more: not cut. The views holding more than were read: cut, however many are shown.
    expect(frame(shown.slice(0, SNAPSHOT_LIMIT)).truncated).toBeUndefined();
    expect(frame(shown.slice(0, 10), ["drivers"]).truncated).toEqual(["drivers"]);
    expect(frame(shown.slice(0, 10)).truncated).toBeUndefined();
  });
});

describe("memory at a city's peak", () => {
  it("keeps the full markers of those changed last, counts every one on the map, and drops an older version of one let go", () => {
    const board = new MarkerBoard<DriverMarker>((d) => d.status !== "offline", mergeDriver, 3);
    for (const id of ["d1", "d2", "d3"]) board.take(driver({ id, version: 3 }));
    board.take(driver({ id: "d1", version: 3, locationAt: at(9) })); // d1 changed last: d2 is now the oldest change
    board.take(driver({ id: "d4", version: 3 }));
    expect([board.size, board.kept], "four on the map, three kept in full").toEqual([4, 3]);
    expect(board.unknownTo([]), "the kept first, then the one let go").toEqual(["d3", "d1", "d4", "d2"]);
    // d2 was let go: an older version of it is dropped, its own version is taken (a push's new position).
    expect(board.take(driver({ id: "d2", version: 2, locationAt: at(30) }))).toBeNull();
    expect(board.take(driver({ id: "d2", version: 3, locationAt: at(30) }))).toMatchObject({ id: "d2", locationAt: at(30) });
    expect([board.size, board.kept]).toEqual([4, 3]);
    // Going offline takes one off the count, kept or let go.
    board.take(driver({ id: "d3", version: 4, status: "offline" }));
    expect(board.size).toBe(3);
  });

  it("one let go whose leaving was not heard is asked about at a snapshot and forgotten; one still on the map stays counted, unshown", () => {
    const board = new MarkerBoard<DriverMarker>((d) => d.status !== "offline", mergeDriver, 1);
    board.take(driver({ id: "d_ghost", version: 3 }));
    board.take(driver({ id: "d_quiet", version: 5 }));
    board.take(driver({ id: "d_kept", version: 2 })); // the two before are let go
    expect(board.unknownTo([])).toEqual(["d_kept", "d_ghost", "d_quiet"]);
    const shown = board.snapshot(
      [],
      new Map([
        ["d_ghost", { version: 4, onMap: false }],
        ["d_quiet", { version: 5, onMap: true }],
      ]),
    );
    expect(shown.map((d) => d.id)).toEqual(["d_kept"]);
    expect(board.size, "the ghost forgotten").toBe(2);
    expect(board.take(driver({ id: "d_ghost", version: 3, locationAt: at(40) }))).toBeNull();
  });

  it("a snapshot shows the views' row of one let go, and memory's of one kept", () => {
    const board = new MarkerBoard<RideMarker>((r) => isOpenRide(r.status), newerRide, 1);
    board.take(ride({ id: "rd_a", version: 5, status: "driver_assigned" }));
    board.take(ride({ id: "rd_b", version: 6, status: "driver_arrived" }));
    const shown = board.snapshot([ride({ id: "rd_a", version: 4 }), ride({ id: "rd_b", version: 4 })], new Map());
    expect(shown.map((r) => [r.id, r.version])).toEqual([
      ["rd_a", 4],
      ["rd_b", 6],
    ]);
  });
});

describe("the full check after a time nobody watched (forgetLeft)", () => {
  it("forgets a driver the views hold off duty at memory's version or newer; keeps one on duty, one newer in memory, and one the views do not hold", () => {
    const board = drivers();
    for (const [id, version] of [
      ["off", 3],
      ["on", 3],
      ["newer", 7],
      ["unknown", 2],
    ] as const)
      board.take(driver({ id, version }));
    expect(board.ids().sort()).toEqual(["newer", "off", "on", "unknown"]);
    const states = new Map([
      ["off", { version: 4, onMap: false }],
      ["on", { version: 5, onMap: true }],
      ["newer", { version: 6, onMap: false }],
    ]);
    expect(board.forgetLeft(board.ids(), states)).toBe(1);
    expect(board.ids().sort()).toEqual(["newer", "on", "unknown"]);
    expect(board.size).toBe(3);
    // what left is remembered: its older push does not bring it back
    expect(board.take(driver({ id: "off", version: 3, locationAt: at(9) }))).toBeNull();
  });

  it("forgetting every ride (the reset after a time nobody watched) keeps what left the map: an older change of one that ended does not come back", () => {
    const board = rides();
    board.take(ride({ id: "open", version: 4 }));
    board.take(ride({ id: "ended", version: 4 }));
    board.take(ride({ id: "ended", version: 5, status: "cancelled" }));
    board.forgetAll();
    expect([board.ids(), board.size]).toEqual([[], 0]);
    expect(board.snapshot([], new Map())).toEqual([]);
    expect(board.take(ride({ id: "ended", version: 4 }))).toBeNull();
    expect(board.take(ride({ id: "open", version: 4 }))).toMatchObject({ id: "open" });
  });
});

describe("memory of those that left the map, at a city's shift changes", () => {
  const offline = (id: string) => driver({ id, version: 4, status: "offline" });
  const late = (id: string) => driver({ id, version: 3 }); // a position push sent before the leaving, delivered after it

  const TENTH = GONE_REMEMBERED / 10;

  it("past GONE_REMEMBERED forgets only the tenth that left longest ago: a late push of any other is still dropped", () => {
    const board = drivers();
    for (let i = 0; i <= GONE_REMEMBERED; i++) board.take(offline(`d${i}`));
    for (const kept of [TENTH, TENTH + 1, GONE_REMEMBERED - 1, GONE_REMEMBERED]) expect(board.take(late(`d${kept}`)), `d${kept}`).toBeNull();
    expect(board.size).toBe(0);
    // The oldest tenth is forgotten: a late push of one of them shows once, until the next snapshot.
    expect(board.take(late("d0"))).not.toBeNull();
    expect(board.take(late(`d${TENTH - 1}`))).not.toBeNull();
  });

  it("one leaving again counts as the last to leave, and is kept over those that left before it", () => {
    const board = drivers();
    for (let i = 0; i < GONE_REMEMBERED; i++) board.take(offline(`d${i}`));
    board.take(driver({ id: "d0", version: 5 }));
    board.take(driver({ id: "d0", version: 6, status: "offline" }));
    // Gone again without coming back on the map between (a second offline marker, newer).
    board.take(driver({ id: "d1", version: 6, status: "offline" }));
    board.take(offline("d-next")); // past the bound: the oldest tenth goes now, d2 … d(TENTH + 1)
    expect(board.take(driver({ id: "d0", version: 5 }))).toBeNull();
    expect(board.take(driver({ id: "d1", version: 5 }))).toBeNull();
    expect(board.take(late(`d${TENTH + 2}`))).toBeNull();
    expect(board.take(late("d2"))).not.toBeNull();
    expect(board.take(late(`d${TENTH + 1}`))).not.toBeNull();
  });
});
