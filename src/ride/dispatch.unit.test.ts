import { describe, expect, it } from "vitest";
import { readConfig } from "../config";
import type { RideRecord } from "../domain/ride-machine";
import { rankCandidates } from "./dispatch";

const record = { ride: { pickup: { lat: 37.5, lng: 127 } }, excludedDriverIds: ["dX"] } as unknown as RideRecord;

describe("candidate ranking", () => {
  it("orders by ETA to the pickup, drops excluded drivers and duplicates", () => {
    const ranked = rankCandidates(
      [
        { driverId: "far", lat: 37.53, lng: 127 },
        { driverId: "near", lat: 37.501, lng: 127 },
        { driverId: "dX", lat: 37.5, lng: 127 },
        { driverId: "near", lat: 37.501, lng: 127 },
        { driverId: "mid", lat: 37.51, lng: 127 },
      ],
      record,
      readConfig({}),
    );
    expect(ranked.map((c) => c.driverId)).toEqual(["near", "mid", "far"]);
    expect(ranked[0]!.etaSeconds).toBeLessThan(ranked[1]!.etaSeconds);
  });
});
