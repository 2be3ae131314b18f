import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { NOW, record } from "./fixtures";
import { plan, watchdogPlan, type PlanContext } from "./plan";
import type { RideCommand, RideRecord } from "./types";

const T = NOW.getTime();
const ctx: PlanContext = { now: NOW, causationId: "req-1", newId: () => "ev_1", paymentWatchdogS: 120, noSupplyWindowS: 30 };

/** A ride just requested: its own correlation id and a 60 s dispatch deadline (the shared fixture has others). */
function requested(): RideRecord {
  const base = record("requested", "pending");
  return { ...base, ride: { ...base.ride, id: "rd_1", version: 1 }, correlationId: "c1", dispatchDeadlineAt: new Date(T + 60_000).toISOString() };
}

function step(record: RideRecord, command: RideCommand) {
  const d = decide(record, command, NOW);
  if (d.kind !== "applied") throw new Error(d.kind);
  return { after: d.record, p: plan(record, d.record, d.events, ctx) };
}

const timer = (p: ReturnType<typeof plan>, name: string) => p.timers.find((t) => t.name === name);

describe("ride plan", () => {
  it("a new ride: its event to the views, the hold, the deadline, a dispatch round now and the payment watchdog", () => {
    const r = requested();
    const p = plan(null, r, [{ type: "RideRequested", data: {} }], ctx);
    expect(p.events).toMatchObject([{ type: "RideRequested", version: 1, rideId: "rd_1", correlationId: "c1", causationId: "req-1" }]);
    expect(p.messages.map((m) => m.queue)).toEqual(["ride-events", "payments"]);
    expect(p.messages[1]!.body).toMatchObject({ action: "authorize", idempotencyKey: "rd_1:authorize" });
    expect(timer(p, "deadline")).toEqual({ name: "deadline", at: T + 60_000 });
    expect(timer(p, "dispatch")).toEqual({ name: "dispatch", at: T });
    expect(timer(p, "payment")).toEqual({ name: "payment", at: T + 120_000, ifUnset: false });
    expect(p.after).toEqual([{ type: "broadcast", message: JSON.stringify(r.ride) }]);
  });

  it("an offer out: the offer timer, no dispatch round; the driver's sockets hear of the ride; the watchdog is only kept", () => {
    const { after } = step(requested(), { type: "startDispatch" });
    const { p } = step(after, { type: "offerDriver", driverId: "d1", expiresAt: new Date(T + 15_000).toISOString() });
    expect(timer(p, "offer")).toEqual({ name: "offer", at: T + 15_000 });
    expect(timer(p, "dispatch")).toEqual({ name: "dispatch", at: null });
    expect(timer(p, "payment")).toMatchObject({ ifUnset: true });
    expect(p.after.map((e) => e.type)).toEqual(["broadcast", "pushToDriver"]);
  });

  it("a declined offer dispatches again at once", () => {
    const { after } = step(requested(), { type: "startDispatch" });
    const { after: offered } = step(after, { type: "offerDriver", driverId: "d1", expiresAt: new Date(T + 15_000).toISOString() });
    const { p } = step(offered, { type: "declineOffer", driverId: "d1" });
    expect(timer(p, "dispatch")).toEqual({ name: "dispatch", at: T });
    expect(timer(p, "offer")).toEqual({ name: "offer", at: null });
  });

  it("the deadline finding nobody cancels, marks the cell empty for a while, and ends the live sockets once settled", () => {
    const { p } = step(requested(), { type: "dispatchTimeout" });
    expect(p.timers.filter((t) => t.at !== null)).toEqual([]);
    expect(p.after).toContainEqual({ type: "markNoSupply", pickup: requested().ride.pickup, product: "standard", until: T + 30_000 });
    expect(p.after.some((e) => e.type === "closeLive")).toBe(false); // the hold may still arrive
    const { p: voided } = step(
      { ...requested(), ride: { ...requested().ride, status: "cancelled", payment: { status: "authorized" } } },
      { type: "paymentVoided" },
    );
    expect(voided.after).toContainEqual({ type: "closeLive", reason: "ride ended" });
  });

  it("the watchdog sends the outstanding step again, and nothing when none is outstanding", () => {
    const p = watchdogPlan(requested(), NOW, 120);
    expect(p?.messages[0]!.body).toMatchObject({ action: "authorize", causationId: `watchdog:${T}` });
    expect(p?.timers).toEqual([{ name: "payment", at: T + 120_000 }]);
    const done = requested();
    done.ride.payment = { status: "authorized" };
    expect(watchdogPlan(done, NOW, 120)).toBeNull();
  });
});
