/** The console's drivers table row (web/console/driver-row.ts): a decision made on the page against the list's row and the socket. */
import { describe, expect, it } from "vitest";
import { driverRow } from "../web/console/driver-row";
import type { Driver } from "../web/console/types";

const listed = (over: Partial<Driver> = {}): Driver => ({
  id: "d1",
  name: "Kim",
  vehicle: { plate: "12가3456", model: "K5", product: "standard" },
  approval: "pending",
  approvalReason: null,
  status: "offline",
  location: null,
  currentRideId: null,
  version: 3,
  ...over,
});

describe("a drivers table row", () => {
  it("shows a decision made here while the list's row is older (the views catch up a moment later)", () => {
    expect(driverRow(listed(), listed({ approval: "approved", version: 4 }), undefined).approval).toBe("approved");
  });

  it("shows the list's row once it is as new or newer: a later change is never hidden by a decision made before it", () => {
    const approvedHere = listed({ approval: "approved", version: 4 });
    expect(driverRow(listed({ approval: "approved", version: 4 }), approvedHere, undefined)).toEqual(listed({ approval: "approved", version: 4 }));
    // Approved here, then a new vehicle sent them back to pending: Refresh shows pending.
    expect(driverRow(listed({ approval: "pending", approvalReason: "vehicle_changed", version: 6 }), approvedHere, undefined).approval).toBe("pending");
  });

  it("takes the status the socket last told", () => {
    expect(driverRow(listed({ approval: "approved", status: "available" }), undefined, "offline").status).toBe("offline");
    expect(driverRow(listed({ status: "available" }), undefined, undefined).status).toBe("available");
  });
});
