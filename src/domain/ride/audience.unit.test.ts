import { describe, expect, it } from "vitest";
import { viewFor } from "../../ride/ride-record";
import type { Ride } from "../types";
import { cancelledReason, driverView, timelineFor } from "./audience";
import { decide } from "./decide";
import { NOW, PLAN_CONTEXT, record } from "./fixtures";
import { plan } from "./plan";

const WORDS = "the rider reported the driver";
const OPS_CANCELLED = cancelledReason("ops");
const ctx = { ...PLAN_CONTEXT, causationId: "ops-1" };

/** An assigned ride (driver d1) cancelled by `by` with `reason`: the record before and after, and the plan of the change. */
function cancelledBy(by: "ops" | "rider", reason: string) {
  const before = record("driver_assigned", "authorized", { driver: true });
  const d = decide(before, { type: "cancel", by, reason }, NOW);
  if (d.kind !== "applied") throw new Error(d.kind);
  return { before, after: d.record, p: plan(before, d.record, d.events, ctx) };
}

describe("what a driver reads of a ride: no rider's or operator's words", () => {
  it("driverView: an operator's or a rider's cancel reason is replaced; the system's and the driver's are not; any other ride is the same object", () => {
    const { after } = cancelledBy("ops", WORDS);
    expect(after.ride.cancellation).toEqual({ by: "ops", reason: WORDS });
    expect(driverView(after.ride).cancellation).toEqual({ by: "ops", reason: OPS_CANCELLED });
    expect(driverView(after.ride)).toMatchObject({ id: after.ride.id, status: "cancelled", version: after.ride.version });
    const byRider = cancelledBy("rider", "the driver was rude").after.ride;
    expect(driverView(byRider).cancellation).toEqual({ by: "rider", reason: "rider_cancelled" });
    for (const cancellation of [
      { by: "system", reason: "no_driver_available" },
      { by: "driver", reason: "rider_no_show" },
      { by: "rider", reason: "rider_cancelled" },
    ] as const) {
      const ride: Ride = { ...byRider, cancellation };
      expect(driverView(ride)).toBe(ride);
    }
    const open = record("driver_assigned", "authorized", { driver: true }).ride;
    expect(driverView(open)).toBe(open);
    const quiet: Ride = { ...after.ride, cancellation: { by: "ops", reason: OPS_CANCELLED } };
    expect(driverView(quiet)).toBe(quiet);
  });

  it("viewFor: the driver gets the driver's view; the rider and ops the operator's words", () => {
    const { after } = cancelledBy("ops", WORDS);
    expect(viewFor(after, { id: "d1", role: "driver" }).cancellation?.reason).toBe(OPS_CANCELLED);
    expect(viewFor(after, { id: after.ride.riderId, role: "rider" }).cancellation?.reason).toBe(WORDS);
    expect(viewFor(after, { id: "ops-1", role: "ops" }).cancellation?.reason).toBe(WORDS);
  });

  it("the live push: riders and ops get the words; the ride's driver sockets and the Driver DO's push the driver's view", () => {
    const { p } = cancelledBy("ops", WORDS);
    const broadcast = p.after.find((e) => e.type === "broadcast");
    if (broadcast?.type !== "broadcast") throw new Error("no broadcast");
    expect(JSON.parse(broadcast.message).cancellation.reason).toBe(WORDS);
    expect(broadcast.views?.map((v) => [v.role, v.actorId, JSON.parse(v.message).cancellation.reason])).toEqual([["driver", undefined, OPS_CANCELLED]]);
    const pushed = p.after.filter((e) => e.type === "pushToDriver");
    expect(pushed.length).toBeGreaterThan(0);
    for (const e of pushed) expect(e.type === "pushToDriver" && e.ride.cancellation).toEqual({ by: "ops", reason: OPS_CANCELLED });
    // A rider's cancel with no reason given has nothing to hide: one message for every socket.
    const quiet = cancelledBy("rider", "rider_cancelled").p.after.find((e) => e.type === "broadcast");
    expect(quiet?.type === "broadcast" && quiet.views).toBeUndefined();
  });

  it("timelineFor: a driver's timeline has the cancel reason replaced and a refund's reason left out; the rider's and ops' are as stored", () => {
    const items = [
      { type: "RideCancelled", data: { by: "ops", reason: WORDS } },
      { type: "RideCancelled", data: { by: "rider", reason: "the driver was rude" } },
      { type: "RideCancelled", data: { by: "system", reason: "payment_declined" } },
      { type: "RefundRequested", data: { key: "k1", amount: { amount: 1000, currency: "KRW" }, reason: "long route" } },
      { type: "DriverAssigned", data: { etaSeconds: 60 } },
    ];
    expect(timelineFor(items, { id: "d1", role: "driver" }).map((e) => e.data)).toEqual([
      { by: "ops", reason: OPS_CANCELLED },
      { by: "rider", reason: "rider_cancelled" },
      { by: "system", reason: "payment_declined" },
      { key: "k1", amount: { amount: 1000, currency: "KRW" } },
      { etaSeconds: 60 },
    ]);
    expect(timelineFor(items, { id: "r1", role: "rider" })).toEqual(items);
    expect(timelineFor(items, { id: "o1", role: "ops" })).toBe(items);
  });

  it("timelineFor: a driver offered a ride another gave up reads nothing of the other (no name, plate, positions or offers); the rider reads who was asked without ids", () => {
    const d1 = { id: "d1", name: "Kim", vehicle: { plate: "30우8281" }, location: { lat: 37.5, lng: 127 } };
    const items = [
      { type: "RideRequested", data: { product: "standard" } },
      { type: "DriverOffered", data: { driverId: "d1", expiresAt: "t" } },
      { type: "DriverAssigned", data: { driver: d1, etaSeconds: 300 } },
      { type: "EtaUpdated", data: { etaSeconds: 200, location: { lat: 37.51, lng: 127.01 } } },
      { type: "DriverUnassigned", data: { driverId: "d1", why: "backed_out" } },
      { type: "DriverReleased", data: { driverId: "d1" } },
      { type: "DriverOffered", data: { driverId: "d3", expiresAt: "t" } },
      { type: "OfferDeclined", data: { driverId: "d3" } },
      { type: "DriverOffered", data: { driverId: "d2", expiresAt: "t" } },
      { type: "DriverAssigned", data: { driver: { id: "d2", name: "Lee" }, etaSeconds: 120 } },
      { type: "EtaUpdated", data: { etaSeconds: 60, location: { lat: 37.52, lng: 127.02 } } },
      { type: "DriverArrived", data: {} },
      { type: "RideCancelled", data: { by: "rider", reason: "too slow" } },
    ];
    const seenBy = (id: string) => timelineFor(items, { id, role: "driver" }).map((e) => [e.type, e.data]);
    expect(seenBy("d2")).toEqual([
      ["RideRequested", { product: "standard" }],
      ["DriverOffered", { driverId: "d2", expiresAt: "t" }],
      ["DriverAssigned", { driver: { id: "d2", name: "Lee" }, etaSeconds: 120 }],
      ["EtaUpdated", { etaSeconds: 60, location: { lat: 37.52, lng: 127.02 } }],
      ["DriverArrived", {}],
      ["RideCancelled", { by: "rider", reason: "rider_cancelled" }],
    ]);
    expect(JSON.stringify(seenBy("d2"))).not.toMatch(/Kim|30우8281|37\.51|"d1"|"d3"/);
    // The driver who gave it up keeps their own stint, and reads nothing of the next driver's.
    expect(seenBy("d1").map(([type]) => type)).toEqual([
      "RideRequested",
      "DriverOffered",
      "DriverAssigned",
      "EtaUpdated",
      "DriverUnassigned",
      "DriverReleased",
      "RideCancelled",
    ]);
    const rider = timelineFor(items, { id: "r1", role: "rider" });
    expect(rider.map((e) => e.type)).toEqual(items.map((e) => e.type));
    expect(rider.filter((e) => ["DriverOffered", "OfferDeclined"].includes(e.type)).map((e) => e.data)).toEqual([
      { expiresAt: "t" },
      { expiresAt: "t" },
      {},
      { expiresAt: "t" },
    ]);
    expect(rider.find((e) => e.type === "DriverAssigned")?.data).toEqual({ driver: d1, etaSeconds: 300 });
    expect(rider.find((e) => e.type === "DriverReleased")?.data, "a driver the ride got").toEqual({ driverId: "d1" });
    // Cancelled with an offer out: the offered driver is released, and the rider does not learn who they were.
    const offered = [
      { type: "DriverOffered", data: { driverId: "d9", expiresAt: "t" } },
      { type: "DriverReleased", data: { driverId: "d9" } },
      { type: "RideCancelled", data: { by: "rider", reason: "changed my mind" } },
    ];
    expect(JSON.stringify(timelineFor(offered, { id: "r1", role: "rider" }))).not.toContain("d9");
  });

  it("timelineFor: a rider reads what they paid and got back, not the fare's split; the driver and ops read it", () => {
    const krw = (amount: number) => ({ amount, currency: "KRW" });
    const settlement = { driverId: "d1", fare: krw(10_000), commission: krw(2_000), earning: krw(8_000) };
    const items = [
      { type: "DriverAssigned", data: { driver: { id: "d1", name: "Kim" }, etaSeconds: 60 } },
      { type: "PaymentCaptured", data: { amount: krw(10_000), settlement } },
      { type: "DriverSettled", data: { settlement } },
      { type: "PaymentRefunded", data: { amount: krw(1_000), adjustment: { driverId: "d1", fare: krw(-1_000), earning: krw(-800) } } },
    ];
    const rider = timelineFor(items, { id: "r1", role: "rider" });
    expect(rider.slice(1).map((e) => e.data)).toEqual([{ amount: krw(10_000) }, {}, { amount: krw(1_000) }]);
    expect(JSON.stringify(rider)).not.toMatch(/commission|earning|8000|"fare"/);
    expect(timelineFor(items, { id: "d1", role: "driver" }).map((e) => e.data)).toEqual(items.map((e) => e.data));
    expect(timelineFor(items, { id: "o1", role: "ops" })).toBe(items);
  });

  it("timelineFor: what of a declined refund is still open, and what a refund retries, are the operators' to read, not the rider's or the driver's", () => {
    const krw = (amount: number) => ({ amount, currency: "KRW" });
    const asked = { type: "RefundRequested", data: { key: "k2", amount: krw(600), retries: krw(600) } };
    const refunded = { type: "PaymentRefunded", data: { amount: krw(600), declinedLeft: krw(400) } };
    for (const viewer of [
      { id: "r1", role: "rider" as const },
      { id: "d1", role: "driver" as const },
    ]) {
      expect(
        timelineFor([asked, refunded], viewer).map((e) => e.data),
        viewer.role,
      ).toEqual([{ key: "k2", amount: krw(600) }, { amount: krw(600) }]);
    }
    expect(timelineFor([asked, refunded], { id: "o1", role: "ops" }).map((e) => e.data)).toEqual([asked.data, refunded.data]);
  });
});
