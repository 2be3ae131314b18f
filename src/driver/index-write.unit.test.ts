/**
 * When a driver's dispatch cell is written (`indexWrite`): every branch, the lease, and
 * what it does to a driver reporting every 4 s (the cell sees at most one write in ten
 * reports, and never lets a reporting driver's entry lapse).
 */
import { describe, expect, it } from "vitest";
import type { Driver } from "../domain/events";
import { dispatchCell } from "../domain/geo";
import { indexPoint, indexWrite, leaseMs, type ListingConfig } from "./driver-rules";
import { driverRecord } from "./fixtures";
import { decideDriver } from "./machine";
import type { DriverRecord } from "./types";

const NOW = new Date("2026-11-21T10:00:00Z");
const CONFIG: ListingConfig = { cellRefreshS: 60, driverFreshnessS: 30 };
const at = (ms: number) => new Date(NOW.getTime() + ms);
/** Approved and available, reported 5 s ago and listed in its cell then (fixtures.ts). */
const rec = (patch: Partial<Driver> = {}): DriverRecord => driverRecord(NOW, patch);
const listedIn = (record: DriverRecord, cell: string | null): DriverRecord => ({ ...record, indexedCell: cell });

describe("indexWrite: when a driver's dispatch cell is written", () => {
  it("a driver who is not dispatchable is removed from the cell listing them, and nothing is written when no cell does", () => {
    for (const patch of [{ status: "offline" }, { status: "offered" }, { status: "on_trip" }, { approval: "pending" }, { approval: "rejected" }] as const) {
      expect(indexWrite(listedIn(rec(patch), "wydm3"), NOW, CONFIG), JSON.stringify(patch)).toBe("remove");
      expect(indexWrite(rec(patch), NOW, CONFIG), JSON.stringify(patch)).toBe("none");
    }
  });

  it("a driver silent for longer than DRIVER_FRESHNESS_S is removed; one just within it stays", () => {
    const silent = listedIn(rec({ locationAt: at(-30_001).toISOString() }), "wydm3");
    expect(indexWrite(silent, NOW, CONFIG)).toBe("remove");
    expect(indexWrite({ ...silent, indexedCell: null }, NOW, CONFIG)).toBe("none");
    expect(indexWrite(listedIn(rec({ locationAt: at(-30_000).toISOString() }), "wydm3"), NOW, CONFIG)).toBe("none");
    expect(indexWrite(listedIn(rec({ locationAt: null }), "wydm3"), NOW, CONFIG)).toBe("remove");
  });

  it("a dispatchable driver is written when no cell lists them, or another cell than their position's", () => {
    expect(indexWrite(listedIn(rec(), null), NOW, CONFIG)).toBe("upsert");
    expect(indexWrite(listedIn(rec(), "wy5xx"), NOW, CONFIG)).toBe("upsert");
    expect(indexWrite(listedIn(rec({ location: { lat: 35.1, lng: 129 } }), "wydm3"), NOW, CONFIG)).toBe("upsert");
  });

  it("an event of the driver's since the last write (availability, approval, vehicle) writes again", () => {
    expect(indexWrite({ ...rec(), indexedVersion: 3 }, NOW, CONFIG)).toBe("upsert");
    expect(indexWrite(rec(), NOW, CONFIG)).toBe("none");
  });

  it("the entry is renewed once CELL_REFRESH_S has passed since it was written, not before", () => {
    expect(indexWrite({ ...rec(), indexedAt: at(-59_999).getTime() }, NOW, CONFIG)).toBe("none");
    expect(indexWrite({ ...rec(), indexedAt: at(-60_000).getTime() }, NOW, CONFIG)).toBe("upsert");
  });

  it("a record kept before listings were recorded is written at its first command", () => {
    const { indexedAt: _at, indexedVersion: _version, ...legacy } = rec();
    expect(indexWrite(legacy, NOW, CONFIG)).toBe("upsert");
  });

  it("a silent driver is not dispatchable for the index; without `now` only status and approval count", () => {
    const silent = rec({ locationAt: at(-31_000).toISOString() }).driver;
    expect(indexPoint(silent, NOW, 30)).toBeNull();
    expect(indexPoint(silent)).toEqual({ lat: 37.5, lng: 127 });
  });
});

describe("the lease", () => {
  it("outlasts the next refresh by another one, and never drops a driver still within the freshness limit", () => {
    expect(leaseMs(CONFIG)).toBe(120_000);
    expect(leaseMs({ cellRefreshS: 60, driverFreshnessS: 3600 })).toBe(3_660_000);
    expect(leaseMs({ cellRefreshS: 10, driverFreshnessS: 30 })).toBe(40_000);
  });
});

describe("a driver reporting every 4 s", () => {
  /** Runs `reports` location reports 4 s apart through the machine and the rule, as the Driver DO does; answers the writes and the cell's lease. */
  function drive(reports: number, position: (i: number) => { lat: number; lng: number }, config = CONFIG) {
    let record: DriverRecord = { ...rec(), indexedAt: NOW.getTime() };
    let listedUntil = NOW.getTime() + leaseMs(config);
    const writes: { i: number; kind: string }[] = [];
    for (let i = 1; i <= reports; i++) {
      const now = at(i * 4000);
      expect(listedUntil, `report ${i}: the entry lapsed while the driver reported`).toBeGreaterThanOrEqual(now.getTime());
      const d = decideDriver(record, { type: "locate", location: position(i) }, now);
      if (d.kind !== "applied") throw new Error(d.kind);
      record = d.record;
      const kind = indexWrite(record, now, config);
      if (kind === "none") continue;
      writes.push({ i, kind });
      const cell = dispatchCell(record.driver.location!);
      record = { ...record, indexedCell: cell, indexedAt: now.getTime(), indexedVersion: record.driver.version };
      listedUntil = now.getTime() + leaseMs(config);
    }
    return { writes, record };
  }

  it("standing or moving within one cell, the cell is written at most once in ten reports (once a minute)", () => {
    const hour = 900;
    const still = drive(hour, () => ({ lat: 37.5, lng: 127 }));
    expect(still.writes.length).toBe(60);
    expect(still.writes.length * 10).toBeLessThanOrEqual(hour);
    // 5 m north per report: 4.5 km in the hour, into the next cell east at once and the next cell north on the way.
    const moving = drive(hour, (i) => ({ lat: 37.5 + (i * 5) / 111_320, lng: 127.01 }));
    expect(moving.writes.length * 10).toBeLessThanOrEqual(hour);
    expect(moving.writes.filter((w) => w.kind === "upsert").length).toBe(moving.writes.length);
  });

  it("crossing into another cell writes at that report, whatever the refresh", () => {
    const { writes } = drive(10, (i) => (i < 5 ? { lat: 37.5, lng: 127 } : { lat: 35.1, lng: 129 }));
    expect(writes).toEqual([{ i: 5, kind: "upsert" }]);
  });
});
