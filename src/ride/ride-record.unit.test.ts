import { describe, expect, it } from "vitest";
import { NOW } from "../domain/ride/fixtures";
import { decide, plan } from "../domain/ride-machine";
import { forViews, newRideRecord, openRide, requestedEvent, viewFor, type CreateRideInput } from "./ride-record";

const input: CreateRideInput = {
  rideId: "rd_p",
  riderId: "r1",
  product: "parcel_small",
  pickup: { lat: 37.52, lng: 126.92 },
  dropoff: { lat: 37.49, lng: 126.95 },
  paymentMethod: "pm_card_visa",
  quote: { amount: 9800, currency: "KRW" },
  distanceMeters: 4000,
  durationSeconds: 600,
  locale: "ko",
  correlationId: "req-1",
  requestHash: "h",
  parcel: {
    view: { weightKg: 4.5, recipient: { name: "Park" }, note: null },
    handoverCode: "4821",
    handoverSealed: "iv.code",
    recipientPhoneSealed: "iv.sealed",
  },
};

describe("a parcel ride's record", () => {
  const record = newRideRecord(input, NOW, 60);

  it("shows the parcel without the phone; keeps the code and the sealed phone beside the ride, not in it", () => {
    expect(record.ride.parcel).toEqual({ weightKg: 4.5, recipient: { name: "Park" }, note: null });
    expect(record).toMatchObject({ handoverCode: "4821", handoverSealed: "iv.code", recipientPhoneSealed: "iv.sealed" });
    expect(JSON.stringify(record.ride)).not.toContain("4821");
    expect(JSON.stringify(record.ride)).not.toMatch(/sealed|iv\.code/);
    expect(JSON.stringify(requestedEvent(input))).not.toMatch(/4821|sealed|iv\.code/i);
  });

  it("gives the handover code to the sender only", () => {
    expect(viewFor(record, { id: "r1", role: "rider" }).handoverCode).toBe("4821");
    expect(viewFor(record, { id: "r2", role: "rider" }).handoverCode).toBeUndefined();
    expect(viewFor(record, { id: "d1", role: "driver" }).handoverCode).toBeUndefined();
    expect(viewFor(record, { id: "ops", role: "ops" }).handoverCode).toBeUndefined();
  });

  it("a ride that is no parcel has neither", () => {
    const plain = newRideRecord({ ...input, product: "standard", parcel: undefined }, NOW, 60);
    expect(plain.ride.parcel).toBeUndefined();
    expect(viewFor(plain, { id: "r1", role: "rider" }).handoverCode).toBeUndefined();
  });
});

describe("a new ride's first commit", () => {
  const standard: CreateRideInput = { ...input, product: "standard", parcel: undefined };
  const { record, events } = openRide(standard, NOW, 60);
  const ctx = { now: NOW, causationId: "req-1", newId: () => "ev", paymentWatchdogS: 120, noSupplyWindowS: 30, captureRetryWindowS: 86400, staleRideS: 7200 };

  it("is requested and already dispatching: two events of one change, version 1", () => {
    expect(record.ride).toMatchObject({ status: "dispatching", version: 1, payment: { status: "pending" } });
    expect(events.map((e) => e.type)).toEqual(["RideRequested", "DispatchStarted"]);
    const committed = plan(null, record, events, ctx);
    expect(committed.events.map((e) => [e.type, e.version])).toEqual([
      ["RideRequested", 1],
      ["DispatchStarted", 1],
    ]);
  });

  it("sends one views message carrying both events, and the hold", () => {
    const { messages } = plan(null, record, events, ctx);
    expect(messages.map((m) => m.queue)).toEqual(["ride-events", "payments"]);
    const views = messages[0]!.body as { events: { type: string }[]; ride: { status: string } };
    expect(views.events.map((e) => e.type)).toEqual(["RideRequested", "DispatchStarted"]);
    expect(views.ride.status).toBe("dispatching");
    expect(messages[1]!.body).toMatchObject({ action: "authorize", idempotencyKey: "rd_p:authorize" });
  });

  it("arms its deadline and its first round at once, as a requested ride did", () => {
    const timers = Object.fromEntries(plan(null, record, events, ctx).timers.map((t) => [t.name, t.at]));
    expect(timers).toMatchObject({ deadline: NOW.getTime() + 60_000, dispatch: NOW.getTime() });
  });

  it("leaves nothing for the first round to start: a round that finds nobody has no command to commit", () => {
    expect(decide(record, { type: "startDispatch" }, NOW)).toMatchObject({ kind: "refused", code: "invalid_transition" });
  });
});

describe("the healing's read of a ride", () => {
  const record = newRideRecord(input, NOW, 60);
  const log = () => [{ id: "ev1", type: "RideRequested" }];

  it("gives the ride, its timeline and the sealed handover code, never the code in clear", () => {
    const read = forViews(record, log);
    expect(read).toEqual({ ok: true, value: { ride: record.ride, timeline: log(), handoverSealed: "iv.code" } });
    expect(JSON.stringify(read)).not.toContain("4821");
  });

  it("carries no copy for a ride that has none (a taxi ride, a parcel requested before codes were sealed)", () => {
    const { handoverSealed: _none, ...older } = record;
    expect(forViews(older, log)).toEqual({ ok: true, value: { ride: record.ride, timeline: log() } });
  });

  it("answers not found for a ride the object does not know, without reading its log", () => {
    let read = 0;
    expect(forViews(null, () => (read++, []))).toMatchObject({ ok: false, problem: { code: "not_found" } });
    expect(read).toBe(0);
  });
});
