/**
 * The sweep's roster pass in Node, over a fleet and views in memory: the drivers and vehicles
 * the views have no row for (their first message lost) are projected from their objects, a page
 * of the fleet a run, the walk going round; a page with more missing than a run asks resumes at
 * the first left over.
 */
import { describe, expect, it } from "vitest";
import type { Driver } from "../../src/domain/events";
import type { RentalVehicle } from "../../src/domain/rental/types";
import type { FleetKind } from "../../src/durable-objects/fleet";
import type { ViewWrite } from "../../src/views/projection";
import { repairRoster, ROSTER_OBJECTS_PER_RUN, ROSTER_PAGE, type RosterDeps } from "./roster-repair";

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);

/** A fleet of `drivers` and `vehicles`, the views holding rows for `rows`; objects that throw or do not know some ids. */
function world(fleet: Record<FleetKind, string[]>, rows: Set<string>, opts: { failing?: Set<string>; unknown?: Set<string> } = {}) {
  const cursors = new Map<FleetKind, string | null>();
  const asked: string[] = [];
  const deps: RosterDeps = {
    cursor: async (kind) => cursors.get(kind) ?? null,
    saveCursor: async (kind, cursor) => void cursors.set(kind, cursor),
    page: async (kind, after, limit) => fleet[kind].filter((id) => after === null || id > after).slice(0, limit),
    missing: async (_kind, page) => page.filter((id) => !rows.has(id)),
    writes: async (kind, id): Promise<ViewWrite[] | null> => {
      asked.push(id);
      if (opts.failing?.has(id)) throw new Error("object overloaded");
      if (opts.unknown?.has(id)) return null;
      return kind === "drivers"
        ? [{ kind: "driver", driver: { id, version: 1 } as Driver }]
        : [{ kind: "rentalVehicle", vehicle: { id, version: 1 } as RentalVehicle }];
    },
    project: async (writes) => {
      for (const w of writes) rows.add(w.kind === "driver" ? w.driver.id : w.kind === "rentalVehicle" ? w.vehicle.id : "?");
    },
  };
  return { deps, cursors, asked, rows };
}

describe("the roster pass", () => {
  it("projects the drivers and vehicles the views have no row for, and asks no object for those they have", async () => {
    const fleet = { drivers: ["d_a", "d_lost", "d_b"], vehicles: ["rv_a", "rv_lost"] };
    const w = world(fleet, new Set(["d_a", "d_b", "rv_a"]));
    const report = await repairRoster(w.deps);
    expect(report).toEqual({ drivers: { read: 3, projected: 1, failed: [] }, vehicles: { read: 2, projected: 1, failed: [] } });
    expect(w.asked).toEqual(["d_lost", "rv_lost"]);
    expect([...w.rows].sort()).toEqual(["d_a", "d_b", "d_lost", "rv_a", "rv_lost"]);
    // A short page is the end of the fleet: the next run starts from the first again.
    expect([w.cursors.get("drivers"), w.cursors.get("vehicles")]).toEqual([null, null]);
  });

  it("reads a page a run and goes round the fleet; a lost row past the first page is found on the run that reaches it", async () => {
    const drivers = ids("d_", ROSTER_PAGE * 2 + 10);
    const lost = drivers[ROSTER_PAGE + 5]!;
    const w = world({ drivers, vehicles: [] }, new Set(drivers.filter((id) => id !== lost)));
    const first = await repairRoster(w.deps);
    expect(first.drivers).toEqual({ read: ROSTER_PAGE, projected: 0, failed: [] });
    expect(w.cursors.get("drivers")).toBe(drivers[ROSTER_PAGE - 1]);
    expect((await repairRoster(w.deps)).drivers).toEqual({ read: ROSTER_PAGE, projected: 1, failed: [] });
    expect(w.rows.has(lost)).toBe(true);
    expect((await repairRoster(w.deps)).drivers.read).toBe(10);
    expect(w.cursors.get("drivers")).toBeNull();
  });

  it(`asks at most ${ROSTER_OBJECTS_PER_RUN} objects a run: the next run resumes at the first left over, not past the page`, async () => {
    const drivers = ids("d_", ROSTER_PAGE);
    const w = world({ drivers, vehicles: [] }, new Set());
    expect((await repairRoster(w.deps)).drivers.projected).toBe(ROSTER_OBJECTS_PER_RUN);
    expect(w.cursors.get("drivers")).toBe(drivers[ROSTER_OBJECTS_PER_RUN - 1]);
    for (let run = 1; run < ROSTER_PAGE / ROSTER_OBJECTS_PER_RUN; run++) await repairRoster(w.deps);
    expect(w.rows.size).toBe(ROSTER_PAGE);
    expect(new Set(w.asked).size).toBe(w.asked.length);
  });

  it("an object that fails is reported and its row found again next time round; one that knows nothing is skipped", async () => {
    const w = world({ drivers: ["d_err", "d_gone", "d_ok"], vehicles: [] }, new Set(), { failing: new Set(["d_err"]), unknown: new Set(["d_gone"]) });
    const report = await repairRoster(w.deps);
    expect(report.drivers.projected).toBe(1);
    expect(report.drivers.failed).toEqual(["drivers d_err: Error: object overloaded"]);
    expect(w.rows.has("d_ok")).toBe(true);
    await repairRoster(w.deps);
    expect(w.asked.filter((id) => id === "d_err")).toHaveLength(2);
  });

  it("an empty fleet reads nothing and asks the views nothing", async () => {
    const w = world({ drivers: [], vehicles: [] }, new Set());
    w.deps.missing = () => Promise.reject(new Error("asked the views about no ids"));
    expect(await repairRoster(w.deps)).toEqual({ drivers: { read: 0, projected: 0, failed: [] }, vehicles: { read: 0, projected: 0, failed: [] } });
  });
});
