import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { COMMANDS, FIXTURES, NOW, PLAN_CONTEXT, planStep, record } from "./fixtures";
import { causeIds, plan, releaseAfterCommit, watchdogPlan } from "./plan";
import type { RideCommand, RideRecord } from "./types";

const T = NOW.getTime();
const ctx = PLAN_CONTEXT;

/** A ride just requested: its own correlation id and a 60 s dispatch deadline (the shared fixture has others). */
function requested(): RideRecord {
  const base = record("requested", "pending");
  return { ...base, ride: { ...base.ride, id: "rd_1", version: 1 }, correlationId: "c1", dispatchDeadlineAt: new Date(T + 60_000).toISOString() };
}

const step = (record: RideRecord, command: RideCommand) => planStep(record, command, ctx);

const timer = (p: ReturnType<typeof plan>, name: string) => p.timers.find((t) => t.name === name);

describe("ride plan", () => {
  it("a new ride: its event to the views, the hold, the deadline, a dispatch round now and the payment watchdog", () => {
    const r = requested();
    const p = plan(null, r, [{ type: "RideRequested", data: {} }], ctx);
    expect(p.events).toMatchObject([{ type: "RideRequested", version: 1, rideId: "rd_1", correlationId: "c1", causationId: "req-1" }]);
    expect(p.messages.map((m) => m.queue)).toEqual(["ride-events", "payments"]);
    expect(p.messages[1]!.body).toMatchObject({ action: "authorize", idempotencyKey: "rd_1:authorize" });
    expect(p.messages[0]!.body).toEqual({ kind: "ride.events", events: p.events, ride: r.ride });
    expect(timer(p, "deadline")).toEqual({ name: "deadline", at: T + 60_000 });
    expect(timer(p, "dispatch")).toEqual({ name: "dispatch", at: T });
    expect(timer(p, "payment")).toEqual({ name: "payment", at: T + 120_000, ifUnset: false });
    expect(p.after).toEqual([{ type: "broadcast", message: JSON.stringify(r.ride), watchers: { role: "driver", actorIds: [] } }]);
  });

  it("a later request's id is the correlation id of all it causes: its events, its payment step, its notices; a change no request made keeps the ride's", () => {
    const searching = { ...requested(), ride: { ...requested().ride, status: "dispatching" as const, payment: { status: "authorized" as const } } };
    const cancel = decide(searching, { type: "cancel", by: "rider", reason: "changed my mind" }, NOW);
    if (cancel.kind !== "applied") throw new Error(cancel.kind);
    const byRequest = plan(searching, cancel.record, cancel.events, { ...ctx, ...causeIds("req-cancel") });
    expect(byRequest.events.map((e) => [e.correlationId, e.causationId])).toEqual(byRequest.events.map(() => ["req-cancel", "req-cancel"]));
    const bodies = byRequest.messages.map((m) => m.body as { correlationId?: string; events?: { correlationId: string }[]; event?: { correlationId: string } });
    expect(byRequest.messages.map((m) => m.queue)).toEqual(["ride-events", "notifications", "payments"]);
    expect(bodies[0]!.events!.map((e) => e.correlationId)).toEqual(["req-cancel"]);
    expect(bodies[1]!.event!.correlationId).toBe("req-cancel");
    expect(bodies[2]).toMatchObject({ action: "void", correlationId: "req-cancel", causationId: byRequest.events[0]!.id });
    // A payment result (or a driver's silence) causes, but is no request: the ride's own correlation id.
    const fromResult = plan(searching, cancel.record, cancel.events, { ...ctx, ...causeIds({ notARequest: "rd_1:void" }) });
    expect(fromResult.events.map((e) => [e.correlationId, e.causationId])).toEqual([["c1", "rd_1:void"]]);
    expect(fromResult.messages.find((m) => m.queue === "payments")!.body).toMatchObject({ correlationId: "c1" });
    // A payment result that says which request asked for its step: that request's, for all it causes.
    const asked = plan(searching, cancel.record, cancel.events, { ...ctx, ...causeIds({ notARequest: "rd_1:void", correlationId: "req-complete" }) });
    expect(asked.events.map((e) => [e.correlationId, e.causationId])).toEqual([["req-complete", "rd_1:void"]]);
    // A timer: no cause at all.
    expect(plan(searching, cancel.record, cancel.events, { ...ctx, ...causeIds(null) }).events[0]).toMatchObject({ correlationId: "c1", causationId: null });
  });

  it("the ride's push names the drivers who may still watch it: the one offered or assigned; not one who declined, was let go or backed out", () => {
    const watching = (before: RideRecord, command: RideCommand, at = NOW) => {
      const d = decide(before, command, at);
      if (d.kind !== "applied") throw new Error(`${command.type}: ${d.kind}`);
      const broadcast = plan(before, d.record, d.events, ctx).after.find((e) => e.type === "broadcast");
      return broadcast?.type === "broadcast" ? broadcast.watchers : undefined;
    };
    const offered = record("dispatching", "authorized", { offer: true });
    const expired = new Date(Date.parse(offered.offer!.expiresAt) + 1);
    expect(watching(offered, COMMANDS.declineOffer, expired)).toEqual({ role: "driver", actorIds: [] });
    expect(watching(offered, COMMANDS.expireOffer, expired)).toEqual({ role: "driver", actorIds: [] });
    expect(watching(offered, COMMANDS.withdrawOffer, expired)).toEqual({ role: "driver", actorIds: [] });
    const assigned = record("driver_assigned", "authorized", { driver: true });
    expect(watching(assigned, COMMANDS.backOut)).toEqual({ role: "driver", actorIds: [] });
    const { after } = step(requested(), { type: "startDispatch" });
    expect(watching(after, { type: "offerDriver", driverId: "d2", expiresAt: new Date(T + 15_000).toISOString() })).toEqual({
      role: "driver",
      actorIds: ["d2"],
    });
    expect(watching(FIXTURES.in_progress!(), COMMANDS.complete)).toEqual({ role: "driver", actorIds: [assigned.ride.driver!.id] });
  });

  it("an offer out: the offer timer, no dispatch round; the driver's sockets hear of the ride; the watchdog is only kept", () => {
    const { after } = step(requested(), { type: "startDispatch" });
    const { p } = step(after, { type: "offerDriver", driverId: "d1", expiresAt: new Date(T + 15_000).toISOString() });
    expect(timer(p, "offer")).toEqual({ name: "offer", at: T + 15_000 });
    expect(timer(p, "dispatch")).toEqual({ name: "dispatch", at: null });
    expect(timer(p, "payment")).toMatchObject({ ifUnset: true });
    expect(p.after.map((e) => e.type)).toEqual(["broadcast", "pushToDriver"]);
  });

  it("a driver the change let go of hears of it (an offer expired, withdrawn, or its ride cancelled); one who declined has the answer", () => {
    const offered = record("dispatching", "authorized", { offer: true });
    const pushedTo = (command: RideCommand, answeredTo: string | null = null) => {
      const d = decide(offered, command, new Date(Date.parse(offered.offer!.expiresAt) + 1));
      if (d.kind !== "applied") throw new Error(`${command.type}: ${d.kind}`);
      return plan(offered, d.record, d.events, { ...ctx, answeredTo }).after.flatMap((e) => (e.type === "pushToDriver" ? [[e.driverId, e.ride.status]] : []));
    };
    expect(pushedTo(COMMANDS.expireOffer)).toEqual([["d1", "dispatching"]]);
    expect(pushedTo(COMMANDS.withdrawOffer)).toEqual([["d1", "dispatching"]]);
    expect(pushedTo(COMMANDS.cancel)).toEqual([["d1", "cancelled"]]);
    expect(pushedTo(COMMANDS.dispatchTimeout)).toEqual([["d1", "cancelled"]]);
    expect(pushedTo(COMMANDS.declineOffer, "d1"), "the decliner has the ride in the answer").toEqual([]);
    // Backing out: the driver asked, and is answered; nobody else is pushed.
    const assigned = record("driver_assigned", "authorized", { driver: true });
    const out = decide(assigned, COMMANDS.backOut, NOW);
    if (out.kind !== "applied") throw new Error(out.kind);
    expect(plan(assigned, out.record, out.events, { ...ctx, answeredTo: "d1" }).after.some((e) => e.type === "pushToDriver")).toBe(false);
  });

  it("a parcel's sender gets their own push, with the handover code; everyone else's (the courier's, the driver's object) has none", () => {
    const parcel = FIXTURES.in_progress_parcel!();
    expect(parcel.handoverCode).toMatch(/^\d{4}$/);
    const p = plan(parcel, parcel, [{ type: "EtaUpdated", data: {} }], ctx);
    const broadcast = p.after.find((e) => e.type === "broadcast");
    expect(broadcast?.type === "broadcast" && JSON.parse(broadcast.message).handoverCode).toBeUndefined();
    const views = broadcast?.type === "broadcast" ? broadcast.views : undefined;
    expect(views).toMatchObject([{ actorId: parcel.ride.riderId, role: "rider" }]);
    expect(JSON.parse(views![0]!.message).handoverCode).toBe(parcel.handoverCode);
    const pushed = p.after.find((e) => e.type === "pushToDriver");
    expect(pushed?.type === "pushToDriver" && (pushed.ride as { handoverCode?: string }).handoverCode).toBeUndefined();
    // A ride with no parcel has no own view.
    const taxi = record("in_progress", "authorized", { driver: true });
    const plain = plan(taxi, taxi, [{ type: "EtaUpdated", data: {} }], ctx).after.find((e) => e.type === "broadcast");
    expect(plain?.type === "broadcast" && plain.views).toBeUndefined();
  });

  it("a change the driver asked for is not pushed back to that driver, who has it in the answer; a change anyone else made is", () => {
    const before = record("driver_assigned", "authorized", { driver: true });
    const driverId = before.ride.driver!.id;
    const arrived = decide(before, { type: "arrive", driverId }, NOW);
    if (arrived.kind !== "applied") throw new Error(arrived.kind);
    const effects = (answeredTo: string | null | undefined) => plan(before, arrived.record, arrived.events, { ...ctx, answeredTo }).after.map((e) => e.type);
    expect(effects(undefined)).toEqual(["broadcast", "pushToDriver"]);
    expect(effects(null)).toEqual(["broadcast", "pushToDriver"]);
    expect(effects("d_someone_else")).toEqual(["broadcast", "pushToDriver"]);
    // The ride's own live sockets (the rider's) still get every change.
    expect(effects(driverId)).toEqual(["broadcast"]);
  });

  it("a parcel's views message carries its code sealed, never in the clear; a taxi ride's carries none", () => {
    const parcel = { ...FIXTURES.in_progress_parcel!(), handoverSealed: "iv.sealed" };
    const body = (r: RideRecord) => plan(r, r, [{ type: "EtaUpdated", data: {} }], ctx).messages.find((m) => m.queue === "ride-events")!.body;
    expect(body(parcel)).toMatchObject({ kind: "ride.events", handoverSealed: "iv.sealed" });
    expect(JSON.stringify(body(parcel))).not.toContain(parcel.handoverCode!);
    const taxi = record("in_progress", "authorized", { driver: true });
    expect(body(taxi)).not.toHaveProperty("handoverSealed");
  });

  it("a commit of several events sends one message to the views carrying them all, in order", () => {
    const { after } = step(requested(), { type: "startDispatch" });
    const { after: offered } = step(after, { type: "offerDriver", driverId: "d1", expiresAt: new Date(T + 15_000).toISOString() });
    const { p } = step(offered, { type: "cancel", by: "rider", reason: "changed my mind" });
    const views = p.messages.filter((m) => m.queue === "ride-events");
    expect(p.events.length).toBeGreaterThan(1);
    expect(views).toHaveLength(1);
    expect((views[0]!.body as { events: { type: string }[] }).events.map((e) => e.type)).toEqual(p.events.map((e) => e.type));
  });

  it("the events of one change carry its one version: the ride's after it, one above the ride's before", () => {
    const { after } = step(requested(), { type: "startDispatch" });
    const { after: offered } = step(after, { type: "offerDriver", driverId: "d1", expiresAt: new Date(T + 15_000).toISOString() });
    const { p, after: cancelled } = step(offered, { type: "cancel", by: "rider", reason: "changed my mind" });
    expect(p.events.map((e) => e.type)).toEqual(["DriverReleased", "RideCancelled"]);
    expect(p.events.map((e) => e.version)).toEqual([offered.ride.version + 1, offered.ride.version + 1]);
    expect(cancelled.ride.version).toBe(offered.ride.version + 1);
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
    // Only the payment watchdog stays: the hold's outcome is still unknown and must be learnt.
    expect(p.timers.filter((t) => t.at !== null)).toEqual([{ name: "payment", at: T + 120_000, ifUnset: true }]);
    expect(p.after).toContainEqual({ type: "markNoSupply", pickup: requested().ride.pickup, product: "standard", until: T + 30_000 });
    expect(p.after.some((e) => e.type === "closeLive")).toBe(false); // the hold may still arrive
    const { p: voided } = step(
      { ...requested(), ride: { ...requested().ride, status: "cancelled", payment: { status: "authorized" } } },
      { type: "paymentVoided" },
    );
    expect(voided.after).toContainEqual({ type: "closeLive", reason: "ride ended" });
  });

  it("a rider's or an operator's cancel in dispatch's words marks no cell: only the deadline knows the area had nobody", () => {
    for (const by of ["rider", "ops"] as const) {
      const { p } = step(requested(), { type: "cancel", by, reason: "no_driver_available" });
      expect(
        p.after.filter((e) => e.type === "markNoSupply"),
        by,
      ).toEqual([]);
    }
  });

  it("a trip's end frees its driver after the commit, paid or not, by the driver or the stale timer", () => {
    for (const start of [FIXTURES.in_progress!(), FIXTURES.in_progress_declined!()]) {
      const { after, p } = step(start, COMMANDS.complete);
      expect(after.ride.status).not.toBe("in_progress");
      expect(p.later).toEqual([{ type: "releaseDriver", driverId: "d1", correlationId: "req-1" }]);
      // Not before it: the decision's own effects no longer hold the release.
      const d = decide(start, COMMANDS.complete, NOW);
      expect(d.kind === "applied" && d.effects.filter((e) => e.type === "releaseDriver")).toEqual([]);
    }
    const bySystem = step(FIXTURES.in_progress!(), { ...COMMANDS.complete, type: "complete", driverId: "d1", bySystem: true } as RideCommand);
    expect(bySystem.p.later).toEqual([{ type: "releaseDriver", driverId: "d1", correlationId: "req-1" }]);
    // A trip that goes on frees nobody (every state × command: ride-machine.unit.test.ts, RELEASED_AFTER).
    expect(step(FIXTURES.driver_arrived!(), COMMANDS.start).p.later).toEqual([]);
    expect(step(FIXTURES.driver_assigned!(), COMMANDS.arrive).p.later).toEqual([]);
    expect(releaseAfterCommit(FIXTURES.in_progress!(), FIXTURES.in_progress!())).toEqual([]);
    expect(releaseAfterCommit(null, FIXTURES.payment_pending!())).toEqual([]);
  });

  it("a driver freed after the commit is released under the change's correlation id; under a timer's, the Ride DO's own", () => {
    const byRequest = planStep(FIXTURES.in_progress!(), COMMANDS.complete, { ...ctx, ...causeIds("req-complete") });
    expect(byRequest.p.later).toEqual([{ type: "releaseDriver", driverId: "d1", correlationId: "req-complete" }]);
    // Named, not left to the Ride DO: the release runs once the command has left the queue, where the next may be running under its own.
    const assigned = FIXTURES.driver_assigned!();
    const byTimer = planStep(assigned, { ...COMMANDS.backOut, why: "stale" } as RideCommand, { ...ctx, ...causeIds(null) });
    expect(byTimer.p.later).toEqual([{ type: "releaseDriver", driverId: "d1", correlationId: assigned.correlationId }]);
    expect(assigned.correlationId).toBeTruthy();
  });

  it("a driver taken off before the pickup (backing out, silent, stale) is freed after the commit, not before it", () => {
    const silent = { ...COMMANDS.backOut, why: "silent" } as RideCommand;
    const stale = { ...COMMANDS.backOut, why: "stale" } as RideCommand;
    for (const start of [FIXTURES.driver_assigned!(), FIXTURES.driver_arrived!()]) {
      for (const command of [COMMANDS.backOut, silent, stale]) {
        const { after, p } = step(start, command);
        expect(after.ride.status).toBe("dispatching");
        expect(after.ride.driver).toBeNull();
        expect(p.later).toEqual([{ type: "releaseDriver", driverId: "d1", correlationId: "req-1" }]);
        // A process killed between a release and the commit would leave the ride claiming a driver who no longer holds it.
        const d = decide(start, command, NOW);
        expect(d.kind === "applied" && d.effects).toEqual([]);
      }
    }
  });

  it("every state a driver holds has the stale timer, restarted by each change of status; none after", () => {
    const assigned = record("driver_assigned", "authorized", { driver: true });
    const { after: arrived, p: atArrival } = step(assigned, { type: "arrive", driverId: "d1" });
    expect(timer(atArrival, "stale")).toEqual({ name: "stale", at: T + 7_200_000 });
    const { p: eta } = step(assigned, { type: "updateEta", driverId: "d1", location: { lat: 37.51, lng: 126.93 }, etaSeconds: 100 });
    expect(timer(eta, "stale"), "no change of status: the timer runs on").toBeUndefined();
    const { p: started } = step(arrived, { type: "start", driverId: "d1" });
    expect(timer(started, "stale")?.at).toBe(T + 7_200_000);
    const { p: ended } = step(record("in_progress", "authorized", { driver: true }), {
      type: "complete",
      driverId: "d1",
      distanceMeters: 1,
      durationSeconds: 1,
      fare: { amount: 9900, currency: "KRW" },
    });
    expect(timer(ended, "stale")).toEqual({ name: "stale", at: null });
  });

  it("a trip goes stale no sooner than three times its estimated duration, so a long trip is not ended on the way", () => {
    const arrived = record("driver_arrived", "authorized", { driver: true });
    const hours = (h: number) => h * 3_600_000;
    const long = { ...arrived, ride: { ...arrived.ride, durationSeconds: 7 * 3600 } };
    expect(timer(step(long, { type: "start", driverId: "d1" }).p, "stale")?.at).toBe(T + hours(21));
    const short = { ...arrived, ride: { ...arrived.ride, durationSeconds: 1200 } };
    expect(timer(step(short, { type: "start", driverId: "d1" }).p, "stale")?.at, "a city trip keeps STALE_RIDE_S").toBe(T + hours(2));
    // Only the trip: a long ride's pickup leg keeps STALE_RIDE_S.
    const assigned = record("driver_assigned", "authorized", { driver: true });
    const longAssigned = { ...assigned, ride: { ...assigned.ride, durationSeconds: 7 * 3600 } };
    expect(timer(step(longAssigned, { type: "arrive", driverId: "d1" }).p, "stale")?.at).toBe(T + hours(2));
  });

  it("a refused capture waits for an operator's retry at most the capture window; a retry clears it", () => {
    const { after: refused, p } = step(record("payment_pending", "authorized", { driver: true }), { type: "paymentCaptureFailed", reason: "card_declined" });
    expect(timer(p, "capture")).toEqual({ name: "capture", at: T + 3_600_000, ifUnset: true });
    const { p: retried } = step(refused, { type: "retryCapture" });
    expect(timer(retried, "capture")?.at).toBeNull();
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
