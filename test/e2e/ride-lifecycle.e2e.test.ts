/**
 * The whole ride lifecycle over HTTP against the running local system: gateway,
 * Ride/Driver/DispatchCell DOs, queues, payment, notification and views workers, D1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, must, uid } from "../support/client";
import { onlineDriver } from "../support/drivers";
import { cancelRide } from "../support/rides";
import { signatureValid, startSystem, type RunningSystem } from "../support/system";

type Ride = {
  id: string;
  status: string;
  version: number;
  riderId: string;
  driver: { id: string; name: string; vehicle: { plate: string } } | null;
  etaSeconds: number | null;
  fare: { amount: number; currency: string } | null;
  payment: { status: string };
  cancellation: { by: string; reason: string } | null;
  quote: { amount: number };
};
type Problem = { type: string; title: string; status: number; code: string; detail: string };

let system: RunningSystem;
let api: Api;

beforeAll(async () => {
  system = await startSystem({ DISPATCH_RETRY_S: "0.3", OFFER_TIMEOUT_S: "20" });
  api = new Api(system.baseUrl);
});

afterAll(async () => {
  await system?.stop();
});

/** Each scenario gets its own patch of map, far from the others, so drivers never cross. */
let areaCount = 0;
function area() {
  areaCount += 1;
  const lat = 35.2 + areaCount * 0.25;
  return {
    pickup: { lat, lng: 127.0, address: `Pickup ${areaCount}` },
    dropoff: { lat: lat + 0.02, lng: 127.03, address: `Dropoff ${areaCount}` },
    near: { lat: lat + 0.003, lng: 127.002 },
  };
}

async function requestRide(token: string, where: ReturnType<typeof area>, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return api.request<Ride>("POST", "/v1/rides", {
    token,
    headers,
    body: { pickup: where.pickup, dropoff: where.dropoff, product: "standard", paymentMethod: "pm_card_visa", ...extra },
  });
}

async function waitForOffer(driverToken: string, rideId: string) {
  return eventually(async () => {
    const res = await api.request<{ items: { rideId: string; expiresAt: string }[] }>("GET", "/v1/drivers/me/offers", { token: driverToken });
    return res.body.items.find((o) => o.rideId === rideId);
  }, `an offer of ${rideId}`);
}

async function rideOf(token: string, id: string) {
  return (await api.request<Ride>("GET", `/v1/rides/${id}`, { token })).body;
}

async function assignedRide(where = area()) {
  const rider = await api.token(uid("r"), "rider");
  const driver = await onlineDriver(api, where.near);
  const created = await requestRide(rider, where);
  expect(created.status).toBe(202);
  await waitForOffer(driver.token, created.body.id);
  const accepted = await api.request<Ride>("POST", `/v1/rides/${created.body.id}/accept`, { token: driver.token });
  expect(accepted.status).toBe(200);
  return { rider, driver, ride: accepted.body };
}

describe("bad input is refused with problem+json and creates nothing", () => {
  it("401 without a token, 403 for the wrong role", async () => {
    const where = area();
    const none = await api.request<Problem>("POST", "/v1/rides", {
      body: { pickup: where.pickup, dropoff: where.dropoff, product: "standard", paymentMethod: "pm_card_visa" },
    });
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toContain("application/problem+json");
    expect(none.body.code).toBe("unauthorized");
    const forged = await api.request<Problem>("GET", "/v1/rides", { token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6Im9wcyJ9.bad" });
    expect(forged.status).toBe(401);
    const driverToken = await api.token(uid("d"), "driver");
    const wrongRole = await requestRide(driverToken, where);
    expect(wrongRole.status).toBe(403);
    expect((wrongRole.body as unknown as Problem).code).toBe("forbidden");
  });

  it("malformed JSON, wrong types and out-of-range values: 400 invalid_request, and the rider has no ride", async () => {
    const riderId = uid("r");
    const rider = await api.token(riderId, "rider");
    const where = area();
    const bad: { raw?: string; body?: unknown }[] = [
      { raw: "{not json" },
      { body: { pickup: where.pickup, dropoff: where.dropoff, product: "standard" } },
      { body: { pickup: { lat: 91, lng: 127 }, dropoff: where.dropoff, product: "standard", paymentMethod: "pm_card_visa" } },
      { body: { pickup: where.pickup, dropoff: { lat: 37.5, lng: 181 }, product: "standard", paymentMethod: "pm_card_visa" } },
      { body: { pickup: { lat: "37.5", lng: 127 }, dropoff: where.dropoff, product: "standard", paymentMethod: "pm_card_visa" } },
      { body: { pickup: where.pickup, dropoff: where.dropoff, product: "helicopter", paymentMethod: "pm_card_visa" } },
      { body: { pickup: where.pickup, dropoff: where.dropoff, product: "standard", paymentMethod: "4242424242424242" } },
      { body: [] },
    ];
    for (const b of bad) {
      const res = await api.request<Problem>("POST", "/v1/rides", { token: rider, ...b, headers: { "idempotency-key": uid("k") } });
      expect(res.status, JSON.stringify(b)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.code).toBe("invalid_request");
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
    const badQuote = await requestRide(rider, where, { quoteId: "qt_forged.0000000000000000000000000000000000000000000000000000000000000000" });
    expect(badQuote.status).toBe(400);
    // Nothing was created: a later good ride is the only one in the rider's list.
    const good = await requestRide(rider, where, { paymentMethod: "pm_card_chargeDeclined" });
    expect(good.status).toBe(202);
    const list = await eventually(async () => {
      const res = await api.request<{ items: Ride[] }>("GET", "/v1/rides", { token: rider });
      return res.body.items.length > 0 ? res.body : undefined;
    }, "the rider's list");
    expect(list.items.map((r) => r.id)).toEqual([good.body.id]);
  });

  it("a Seoul → Busan trip is refused trip_too_long, for a quote and a ride", async () => {
    const rider = await api.token(uid("r"), "rider");
    const trip = { pickup: { lat: 37.5665, lng: 126.978 }, dropoff: { lat: 35.1796, lng: 129.0756 }, product: "standard" };
    const quote = await api.request<Problem>("POST", "/v1/quotes", { token: rider, body: trip });
    expect(quote.status).toBe(422);
    expect(quote.body.code).toBe("trip_too_long");
    const ride = await api.request<Problem>("POST", "/v1/rides", { token: rider, body: { ...trip, paymentMethod: "pm_card_visa" } });
    expect(ride.status).toBe(422);
    expect(ride.body.code).toBe("trip_too_long");
  });

  it("a problem's type is a page this API serves, explaining the code", async () => {
    const none = await api.request<Problem>("GET", "/v1/rides");
    expect(none.status).toBe(401);
    expect(none.body.type).toBe("/problems/unauthorized");
    const page = await fetch(new URL(none.body.type, system.baseUrl), { headers: { accept: "application/json" } });
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ code: "unauthorized", status: 401 });
    const html = await fetch(new URL(none.body.type, system.baseUrl));
    expect(html.headers.get("content-type")).toContain("text/html");
  });

  it("echoes x-request-id and serves health, readiness and the OpenAPI document", async () => {
    const res = await api.request("GET", "/healthz", { headers: { "x-request-id": "trace-123" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("trace-123");
    expect((await api.request("GET", "/readyz")).status).toBe(200);
    const doc = await api.request<{ paths: Record<string, unknown> }>("GET", "/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/v1/rides", "/v1/rides/{id}", "/v1/rides/{id}/accept", "/v1/drivers/me/location", "/v1/quotes"]),
    );
  });
});

describe("one ride, end to end", () => {
  it("request → offer → accept → arrive → start → complete → completed, captured, listed, timeline, signed webhook", async () => {
    const where = area();
    const riderId = uid("r");
    const rider = await api.token(riderId, "rider");
    const driver = await onlineDriver(api, where.near);

    const quote = await api.request<{ quoteId: string; fare: { amount: number } }>("POST", "/v1/quotes", {
      token: rider,
      body: { pickup: where.pickup, dropoff: where.dropoff, product: "standard" },
    });
    expect(quote.status).toBe(200);
    const created = await requestRide(rider, where, { quoteId: quote.body.quoteId }, { "idempotency-key": uid("key"), "accept-language": "ko-KR,ko;q=0.9" });
    expect(created.status).toBe(202);
    // Requested and already dispatching: the first commit starts the search (the contract lets `requested` pass straight on).
    expect(created.body.status).toBe("dispatching");
    expect(created.body.quote.amount).toBe(quote.body.fare.amount);
    const rideId = created.body.id;

    const offer = await waitForOffer(driver.token, rideId);
    expect(Date.parse(offer.expiresAt)).toBeGreaterThan(Date.now());
    const accepted = await api.request<Ride>("POST", `/v1/rides/${rideId}/accept`, { token: driver.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe("driver_assigned");
    expect(accepted.body.driver?.id).toBe(driver.id);
    expect(accepted.body.driver?.vehicle.plate).toBe("30우8281");
    expect(accepted.body.etaSeconds).toBeGreaterThan(0);
    const me = await api.request<{ status: string; currentRideId: string }>("GET", "/v1/drivers/me", { token: driver.token });
    expect(me.body).toMatchObject({ status: "on_trip", currentRideId: rideId });

    for (const step of ["arrive", "start"] as const) {
      const res = await api.request<Ride>("POST", `/v1/rides/${rideId}/${step}`, { token: driver.token });
      expect(res.status).toBe(200);
    }
    const completed = await api.request<Ride>("POST", `/v1/rides/${rideId}/complete`, {
      token: driver.token,
      body: { distanceMeters: 3200, durationSeconds: 720 },
    });
    expect(completed.status).toBe(200);
    expect(["payment_pending", "completed"]).toContain(completed.body.status);
    expect(completed.body.fare?.amount).toBeGreaterThan(0);

    const done = await eventually(async () => {
      const ride = await rideOf(rider, rideId);
      return ride.status === "completed" ? ride : undefined;
    }, "the ride to complete");
    expect(done.payment.status).toBe("captured");
    expect(done.fare).toEqual(completed.body.fare);

    const timeline = await api.request<{ items: { type: string; version: number }[] }>("GET", `/v1/rides/${rideId}/events`, { token: rider });
    // One version per change (api-contract.md): the first commit's two events share version 1,
    // as `complete`'s TripEnded and DriverReleased share theirs; no version is skipped.
    const versions = timeline.body.items.map((e) => e.version);
    const byType = new Map(timeline.body.items.map((e) => [e.type, e.version]));
    expect([byType.get("RideRequested"), byType.get("DispatchStarted")]).toEqual([1, 1]);
    expect(byType.get("DriverReleased")).toBe(byType.get("TripEnded"));
    expect([...new Set(versions)]).toEqual(Array.from({ length: done.version }, (_, i) => i + 1));
    const types = timeline.body.items.map((e) => e.type);
    for (const t of [
      "RideRequested",
      "DispatchStarted",
      "DriverOffered",
      "DriverAssigned",
      "DriverArrived",
      "TripStarted",
      "TripEnded",
      "PaymentAuthorized",
      "PaymentCaptured",
      "RideCompleted",
    ]) {
      expect(types).toContain(t);
    }
    expect(types.indexOf("DriverAssigned")).toBeLessThan(types.indexOf("TripStarted"));
    expect(types.indexOf("TripEnded")).toBeLessThan(types.indexOf("RideCompleted"));

    const listed = await eventually(async () => {
      const res = await api.request<{ items: Ride[] }>("GET", "/v1/rides", { token: rider });
      return res.body.items.find((r) => r.id === rideId && r.status === "completed");
    }, "the rider's list to show the ride completed");
    expect(listed.payment.status).toBe("captured");

    const driverFree = await api.request<{ status: string; currentRideId: string | null }>("GET", "/v1/drivers/me", { token: driver.token });
    expect(driverFree.body).toMatchObject({ status: "available", currentRideId: null });

    const hook = await eventually(
      async () => system.webhooks.find((h) => h.json.rideId === rideId && h.json.event === "RideCompleted"),
      "the RideCompleted webhook",
    );
    expect(signatureValid(hook, system.webhookSecret)).toBe(true);
    expect(hook.json.locale).toBe("ko");
    expect(hook.json.text).toContain(`${done.fare!.amount.toLocaleString("ko-KR")}원`);
    expect(hook.json.recipient).toBe(riderId);
    const assignedHook = await eventually(
      async () => system.webhooks.find((h) => h.json.rideId === rideId && h.json.event === "DriverAssigned"),
      "the DriverAssigned webhook",
    );
    expect(assignedHook.json.texts.en).toContain("30우8281");
  });

  it("the same Idempotency-Key gives the same ride back, never a second, whatever the body sent with it", async () => {
    const where = area();
    const rider = await api.token(uid("r"), "rider");
    const key = uid("key");
    const first = await requestRide(rider, where, {}, { "idempotency-key": key });
    const second = await requestRide(rider, where, {}, { "idempotency-key": key });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    const other = await requestRide(rider, where, { product: "deluxe" }, { "idempotency-key": key });
    expect([other.status, other.body.id]).toEqual([202, first.body.id]);
    // Another rider using the same key gets a ride of their own.
    const someoneElse = await requestRide(await api.token(uid("r"), "rider"), where, {}, { "idempotency-key": key });
    expect(someoneElse.body.id).not.toBe(first.body.id);
    const list = await eventually(async () => {
      const res = await api.request<{ items: Ride[] }>("GET", "/v1/rides", { token: rider });
      return res.body.items.length > 0 ? res.body : undefined;
    }, "the list");
    expect(list.items.filter((r) => r.id === first.body.id)).toHaveLength(1);
    expect(list.items).toHaveLength(1);
  });
});

describe("cancellation saga", () => {
  it("cancel after assignment: ride cancelled, driver available again, hold voided; cancelling twice answers the same", async () => {
    const { rider, driver, ride } = await assignedRide();
    await eventually(async () => ((await rideOf(rider, ride.id)).payment.status === "authorized" ? true : undefined), "the hold");
    const trace = `trace-cancel-${uid("t")}`;
    const cancelled = await api.request<Ride>("POST", `/v1/rides/${ride.id}/cancel`, {
      token: rider,
      body: { reason: "changed my mind" },
      headers: { "x-request-id": trace },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.headers.get("x-request-id")).toBe(trace);
    expect(cancelled.body.status).toBe("cancelled");
    expect(cancelled.body.cancellation).toEqual({ by: "rider", reason: "changed my mind" });
    // The rider's words are for the platform: their driver reads who cancelled, not why.
    expect((await rideOf(driver.token, ride.id)).cancellation).toEqual({ by: "rider", reason: "rider_cancelled" });
    const me = await api.request<{ status: string; currentRideId: string | null }>("GET", "/v1/drivers/me", { token: driver.token });
    expect(me.body).toMatchObject({ status: "available", currentRideId: null });
    const voided = await eventually(async () => {
      const r = await rideOf(rider, ride.id);
      return r.payment.status === "voided" ? r : undefined;
    }, "the hold to be voided");
    expect(voided.status).toBe("cancelled");
    const again = await api.request<Ride>("POST", `/v1/rides/${ride.id}/cancel`, { token: rider });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("cancelled");
    expect(again.body.cancellation?.reason).toBe("changed my mind");
    const late = await api.request<Problem>("POST", `/v1/rides/${ride.id}/arrive`, { token: driver.token });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("invalid_transition");
    const hook = await eventually(
      async () => system.webhooks.find((h) => h.json.rideId === ride.id && h.json.event === "RideCancelled"),
      "the cancellation webhook",
    );
    expect(hook.json.text.length).toBeGreaterThan(0);
    // The cancel's x-request-id is the correlation id of what it caused, its notices included (the contract); the
    // assignment's notice carries the accept's.
    const cancelNotices = system.webhooks.filter((h) => h.json.rideId === ride.id && h.json.event === "RideCancelled");
    expect(cancelNotices.map((h) => h.correlationId)).toEqual(cancelNotices.map(() => trace));
    const assigned = system.webhooks.find((h) => h.json.rideId === ride.id && h.json.event === "DriverAssigned");
    expect(assigned?.correlationId).toBeTruthy();
    expect(assigned?.correlationId).not.toBe(trace);
  });

  it("cancel after the trip started is refused 409 invalid_transition and changes nothing", async () => {
    const { rider, driver, ride } = await assignedRide();
    await api.request("POST", `/v1/rides/${ride.id}/arrive`, { token: driver.token });
    const started = await api.request<Ride>("POST", `/v1/rides/${ride.id}/start`, { token: driver.token });
    expect(started.body.status).toBe("in_progress");
    // The driver's app sends start again (its answer was lost): the ride, unchanged, not a 409.
    const retried = await api.request<Ride>("POST", `/v1/rides/${ride.id}/start`, { token: driver.token });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe("in_progress");
    expect(retried.body.version).toBeGreaterThanOrEqual(started.body.version);
    const refused = await api.request<Problem>("POST", `/v1/rides/${ride.id}/cancel`, { token: rider });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("invalid_transition");
    const after = await rideOf(rider, ride.id);
    expect(after.status).toBe("in_progress");
    expect(after.version).toBeGreaterThanOrEqual(started.body.version);
    expect(after.cancellation).toBeNull();
  });

  it("a declined card cancels the ride payment_declined and frees its driver", async () => {
    const where = area();
    const rider = await api.token(uid("r"), "rider");
    const created = await requestRide(rider, where, { paymentMethod: "pm_card_chargeDeclined" });
    expect(created.status).toBe(202);
    const cancelled = await eventually(async () => {
      const r = await rideOf(rider, created.body.id);
      return r.status === "cancelled" ? r : undefined;
    }, "the ride to be cancelled");
    expect(cancelled.cancellation).toEqual({ by: "system", reason: "payment_declined" });
    expect(cancelled.payment.status).toBe("declined");
  });
});

describe("who may see and change a ride", () => {
  it("another rider can neither read nor cancel it (404), another driver cannot move it", async () => {
    const { rider, ride } = await assignedRide();
    const stranger = await api.token(uid("r"), "rider");
    expect((await api.request<Problem>("GET", `/v1/rides/${ride.id}`, { token: stranger })).status).toBe(404);
    expect((await api.request<Problem>("GET", `/v1/rides/${ride.id}/events`, { token: stranger })).status).toBe(404);
    const cancel = await api.request<Problem>("POST", `/v1/rides/${ride.id}/cancel`, { token: stranger });
    expect(cancel.status).toBe(404);
    expect(cancel.body.code).toBe("not_found");
    const otherDriver = await api.token(uid("d"), "driver");
    expect((await api.request<Problem>("POST", `/v1/rides/${ride.id}/arrive`, { token: otherDriver })).status).toBe(404);
    expect((await api.request<Problem>("POST", `/v1/rides/${ride.id}/accept`, { token: otherDriver })).status).toBe(409);
    expect((await rideOf(rider, ride.id)).status).toBe("driver_assigned");
    const ops = await api.token(uid("ops"), "ops");
    expect((await api.request<Ride>("GET", `/v1/rides/${ride.id}`, { token: ops })).status).toBe(200);
  });
});

describe("the typed client (src/client), end to end", () => {
  it("quote → ride → accept → arrive → start → complete → captured, and a cancel, through typed calls only", async () => {
    const where = area();
    const anonymous = api.client();
    const tokenFor = async (sub: string, role: "rider" | "driver") => must("token", await anonymous.POST("/v1/dev/tokens", { body: { sub, role } })).token;
    const riderToken = await tokenFor(uid("r"), "rider");
    const rider = api.client(riderToken);
    const driverId = uid("d");
    const driver = api.client(await tokenFor(driverId, "driver"));

    must(
      "register",
      await driver.PUT("/v1/drivers/me", { body: { name: "Typed Driver", vehicle: { plate: "12가3456", model: "Ioniq 5", product: "standard" } } }),
    );
    must("online", await driver.POST("/v1/drivers/me/online", { body: { location: where.near } }));

    const trip = { pickup: where.pickup, dropoff: where.dropoff, product: "standard" as const };
    const quote = must("quote", await rider.POST("/v1/quotes", { body: trip }));
    const created = await rider.POST("/v1/rides", {
      params: { header: { "idempotency-key": uid("k") } },
      body: { ...trip, paymentMethod: "pm_card_visa", quoteId: quote.quoteId },
    });
    expect(created.response.status).toBe(202);
    const ride = must("request", created);
    expect(ride.quote).toEqual(quote.fare);
    const path = { path: { id: ride.id } };

    await eventually(
      async () => (must("offers", await driver.GET("/v1/drivers/me/offers")).items.some((o) => o.rideId === ride.id) ? true : undefined),
      "the offer",
    );
    expect(must("accept", await driver.POST("/v1/rides/{id}/accept", { params: path })).driver?.id).toBe(driverId);
    must("arrive", await driver.POST("/v1/rides/{id}/arrive", { params: path }));
    must("start", await driver.POST("/v1/rides/{id}/start", { params: path }));
    const completed = must("complete", await driver.POST("/v1/rides/{id}/complete", { params: path, body: { distanceMeters: 3100, durationSeconds: 650 } }));
    expect(completed.fare?.amount).toBeGreaterThan(0);
    const done = await eventually(async () => {
      const now = must("get", await rider.GET("/v1/rides/{id}", { params: path }));
      return now.payment.status === "captured" ? now : undefined;
    }, "the capture");
    expect(done.status).toBe("completed");

    // An error is the typed Problem; its code is one of the contract's.
    const again = await rider.POST("/v1/rides/{id}/cancel", { params: path, body: { reason: "too late" } });
    expect(again.response.status).toBe(409);
    expect(again.error?.code).toBe("invalid_transition");

    // The helper's cancel goes through the typed client too.
    const second = must("request", await rider.POST("/v1/rides", { body: { ...trip, paymentMethod: "pm_card_visa" } }));
    expect((await cancelRide(api, riderToken, second.id, "changed my mind")).status).toBe("cancelled");
  });
});
