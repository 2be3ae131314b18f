/**
 * The dispatch engine in offer mode, over HTTP against the running local system, with
 * short timers: OFFER_TIMEOUT_S 1.5, DISPATCH_TIMEOUT_S 5, NO_SUPPLY_WINDOW_S 3,
 * DRIVER_FRESHNESS_S 3.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { heartbeat, offersOf, onlineDriver, type TestDriver } from "../support/drivers";
import { startSystem, type RunningSystem } from "../support/system";
import { dispatchCell } from "../../src/domain/geo";

type Ride = {
  id: string;
  status: string;
  driver: { id: string; location: { lat: number; lng: number } | null } | null;
  etaSeconds: number | null;
  cancellation: { by: string; reason: string } | null;
  payment: { status: string };
  version: number;
};
type Problem = { code: string; status: number };

// The no-supply window is wide enough that a slow second on a busy machine between the cancel and the next request cannot close it.
const T = { offer: 1.5, deadline: 5, window: 6, fresh: 3 };
let system: RunningSystem;
let api: Api;

beforeAll(async () => {
  system = await startSystem({
    OFFER_TIMEOUT_S: String(T.offer),
    DISPATCH_TIMEOUT_S: String(T.deadline),
    REDISPATCH_TIMEOUT_S: String(T.deadline),
    NO_SUPPLY_WINDOW_S: String(T.window),
    DRIVER_FRESHNESS_S: String(T.fresh),
    DISPATCH_RETRY_S: "0.3",
  });
  api = new Api(system.baseUrl);
});
afterAll(async () => system?.stop());

/** A patch of map per scenario, 30 km apart, so scenarios never see each other's drivers. */
let n = 0;
function area() {
  n += 1;
  const lat = 36.0 + n * 0.3;
  const at = (metersNorth: number) => ({ lat: lat + metersNorth / 111_320, lng: 127.5 });
  return { pickup: { lat, lng: 127.5 }, dropoff: { lat: lat + 0.03, lng: 127.53 }, at };
}

async function request(where: ReturnType<typeof area>, product = "standard") {
  const rider = await api.token(uid("r"), "rider");
  const res = await api.request<Ride>("POST", "/v1/rides", {
    token: rider,
    body: { pickup: where.pickup, dropoff: where.dropoff, product, paymentMethod: "pm_card_visa" },
  });
  return { rider, res };
}

const ride = async (token: string, id: string) => (await api.request<Ride>("GET", `/v1/rides/${id}`, { token })).body;
const offerFor = (d: TestDriver, rideId: string) =>
  eventually(async () => (await offersOf(api, d)).find((o) => o.rideId === rideId), `offer of ${rideId} to ${d.id}`, 10_000, 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Driver `a` 200 m from the pickup and `b` 900 m away, both reporting their location;
 * a ride is requested and offered to `a` first. Runs the rest of the scenario.
 */
async function twoDrivers(run: (s: { a: TestDriver; b: TestDriver; rider: string; rideId: string }) => Promise<void>) {
  const where = area();
  const a = await onlineDriver(api, where.at(200));
  const b = await onlineDriver(api, where.at(900));
  const beat = heartbeat(api, [a, b]);
  try {
    const { rider, res } = await request(where);
    await offerFor(a, res.body.id);
    await run({ a, b, rider, rideId: res.body.id });
  } finally {
    await beat.stop();
  }
}

describe("matching", () => {
  it("offers the nearest driver by ETA first, and nobody else meanwhile", async () => {
    const where = area();
    const far = await onlineDriver(api, where.at(2500));
    const near = await onlineDriver(api, where.at(300));
    const beat = heartbeat(api, [far, near]);
    try {
      const { res } = await request(where);
      expect(res.status).toBe(202);
      await offerFor(near, res.body.id);
      expect(await offersOf(api, far)).toEqual([]);
    } finally {
      await beat.stop();
    }
  });

  it("never offers a wrong-product, offline, busy or stale driver", async () => {
    const where = area();
    // busy: the only driver around takes a first ride and is on it
    const busy = await onlineDriver(api, where.at(250));
    const { res: first } = await request(where);
    await offerFor(busy, first.body.id);
    expect((await api.request("POST", `/v1/rides/${first.body.id}/accept`, { token: busy.token })).status).toBe(200);
    const deluxe = await onlineDriver(api, where.at(100), "deluxe");
    const offline = await onlineDriver(api, where.at(150));
    expect((await api.request("POST", "/v1/drivers/me/offline", { token: offline.token })).status).toBe(200);
    const stale = await onlineDriver(api, where.at(200));
    const eligible = await onlineDriver(api, where.at(3000));
    const beat = heartbeat(api, [deluxe, offline, busy, eligible]); // `stale` stops reporting
    try {
      await sleep(T.fresh * 1000 + 500);
      const { res } = await request(where);
      const offered = await eventually(async () => {
        for (const d of [deluxe, offline, stale, busy, eligible]) if ((await offersOf(api, d)).some((o) => o.rideId === res.body.id)) return d;
        return undefined;
      }, "an offer of the second ride");
      expect(offered.id).toBe(eligible.id);
    } finally {
      await beat.stop();
    }
  });
});

describe("offers", () => {
  it("an expired offer moves to the next driver; the late accept gets 409 offer_not_available", async () => {
    await twoDrivers(async ({ a, b, rideId, rider }) => {
      await offerFor(b, rideId); // after OFFER_TIMEOUT_S
      expect(await offersOf(api, a)).toEqual([]);
      const late = await api.request<Problem>("POST", `/v1/rides/${rideId}/accept`, { token: a.token });
      expect(late.status).toBe(409);
      expect(late.body.code).toBe("offer_not_available");
      const accepted = await api.request<Ride>("POST", `/v1/rides/${rideId}/accept`, { token: b.token });
      expect(accepted.status).toBe(200);
      expect(accepted.body.driver?.id).toBe(b.id);
      // once another driver has the ride, the first still gets 409
      expect((await api.request<Problem>("POST", `/v1/rides/${rideId}/accept`, { token: a.token })).status).toBe(409);
      expect((await ride(rider, rideId)).status).toBe("driver_assigned");
      const aNow = await api.request<{ status: string }>("GET", "/v1/drivers/me", { token: a.token });
      expect(aNow.body.status).toBe("available");
    });
  });

  it("a decline moves to the next driver and the decliner is not asked again", async () => {
    await twoDrivers(async ({ a, b, rideId, rider }) => {
      expect((await api.request("POST", `/v1/rides/${rideId}/decline`, { token: a.token })).status).toBe(200);
      await offerFor(b, rideId);
      expect((await api.request("POST", `/v1/rides/${rideId}/decline`, { token: b.token })).status).toBe(200);
      // nobody left who has not declined: no more offers to a, and the deadline cancels the ride
      const cancelled = await eventually(
        async () => {
          expect(await offersOf(api, a)).toEqual([]);
          const r = await ride(rider, rideId);
          return r.status === "cancelled" ? r : undefined;
        },
        "the deadline",
        (T.deadline + 3) * 1000,
        200,
      );
      expect(cancelled.cancellation).toEqual({ by: "system", reason: "no_driver_available" });
    });
  });

  it("going offline with an open offer lets it go: the ride goes to the next driver, and the first is offline", async () => {
    await twoDrivers(async ({ a, b, rideId, rider }) => {
      const offline = await api.request<{ status: string }>("POST", "/v1/drivers/me/offline", { token: a.token });
      expect(offline.status).toBe(200);
      expect(offline.body.status).toBe("offline");
      await offerFor(b, rideId);
      expect(await offersOf(api, a)).toEqual([]);
      const accepted = await api.request<Ride>("POST", `/v1/rides/${rideId}/accept`, { token: b.token });
      expect(accepted.body.driver?.id).toBe(b.id);
      type Timeline = { items: { type: string; data: { driverId?: string; reason?: string } }[] };
      const withdrawn = async (token: string) =>
        (await api.request<Timeline>("GET", `/v1/rides/${rideId}/events`, { token })).body.items
          .filter((e) => e.type === "OfferWithdrawn")
          .map((e) => [e.data.driverId, e.data.reason]);
      // The operators read which driver it was; the rider reads why, not who (a driver the ride never got).
      expect(await withdrawn(await api.token(uid("ops"), "ops"))).toEqual([[a.id, "driver_offline"]]);
      expect(await withdrawn(rider)).toEqual([[undefined, "driver_offline"]]);
    });
  });
});

describe("deadline and turning away", () => {
  it("no driver within DISPATCH_TIMEOUT_S: cancelled no_driver_available, hold voided, rider told; then 503 with Retry-After until the window closes", async () => {
    const where = area();
    const { rider, res } = await request(where);
    const started = Date.now();
    const cancelled = await eventually(
      async () => {
        const r = await ride(rider, res.body.id);
        return r.status === "cancelled" ? r : undefined;
      },
      "the deadline",
      (T.deadline + 3) * 1000,
      100,
    );
    const waited = (Date.now() - started) / 1000;
    expect(waited).toBeGreaterThan(T.deadline - 1);
    expect(waited).toBeLessThan(T.deadline + 2.5);
    expect(cancelled.cancellation).toEqual({ by: "system", reason: "no_driver_available" });
    await eventually(async () => ((await ride(rider, res.body.id)).payment.status === "voided" ? true : undefined), "the hold to be voided");
    const hook = await eventually(async () => system.webhooks.find((h) => h.json.rideId === res.body.id && h.json.event === "RideCancelled"), "the webhook");
    expect(hook.json.texts.en).toContain("try again");

    const turnedAway = await request(where);
    expect(turnedAway.res.status).toBe(503);
    expect((turnedAway.res.body as unknown as Problem).code).toBe("no_drivers_nearby");
    const retryAfter = Number(turnedAway.res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(T.window);
    // another product is not turned away
    expect((await request(where, "van")).res.status).toBe(202);
    await sleep(retryAfter * 1000 + 200);
    expect((await request(where)).res.status).toBe(202);
  });

  it("a driver coming online in the area closes the window at once, in the pickup's cell or across its edge", async () => {
    const where = area();
    const { rider, res } = await request(where);
    await eventually(async () => ((await ride(rider, res.body.id)).status === "cancelled" ? true : undefined), "the deadline", (T.deadline + 3) * 1000, 100);
    expect((await request(where)).res.status).toBe(503);
    // The nearest point north of the pickup in another dispatch cell: the mark is the pickup cell's, the driver is listed next door.
    let metres = 100;
    while (dispatchCell(where.at(metres)) === dispatchCell(where.pickup)) metres += 100;
    const d = await onlineDriver(api, where.at(metres));
    const again = await request(where);
    expect(again.res.status).toBe(202);
    await offerFor(d, again.res.body.id);
  });
});

describe("after assignment", () => {
  it("a driver backing out before pickup puts the ride back to dispatching without them, tells the rider, and restarts the clock", async () => {
    await twoDrivers(async ({ a, b, rideId, rider }) => {
      expect((await api.request("POST", `/v1/rides/${rideId}/accept`, { token: a.token })).status).toBe(200);
      await sleep(2000);
      const backedOut = await api.request<Ride>("POST", `/v1/rides/${rideId}/decline`, { token: a.token });
      expect(backedOut.status).toBe(200);
      expect(backedOut.body.status).toBe("dispatching");
      expect(backedOut.body.driver).toBeNull();
      expect((await api.request<{ status: string }>("GET", "/v1/drivers/me", { token: a.token })).body.status).toBe("available");
      await offerFor(b, rideId);
      expect(await offersOf(api, a)).toEqual([]);
      // the clock restarted: 2 s + the new deadline is past the first one, and the ride still waits for b
      await sleep((T.deadline - 2) * 1000 + 500);
      const still = await ride(rider, rideId);
      expect(still.status).toBe("dispatching");
      await eventually(async () => system.webhooks.find((h) => h.json.rideId === rideId && h.json.event === "DriverUnassigned"), "the rider to be told");
    });
  });

  it("refreshes the ETA as the driver's location arrives, and refuses going offline on a trip", async () => {
    const where = area();
    const d = await onlineDriver(api, where.at(3000));
    const { rider, res } = await request(where);
    await offerFor(d, res.body.id);
    const accepted = await api.request<Ride>("POST", `/v1/rides/${res.body.id}/accept`, { token: d.token });
    const eta0 = accepted.body.etaSeconds!;
    expect(eta0).toBeGreaterThan(0);
    expect((await api.request("PUT", "/v1/drivers/me/location", { token: d.token, body: where.at(500) })).status).toBe(204);
    const closer = await ride(rider, res.body.id);
    expect(closer.etaSeconds!).toBeLessThan(eta0);
    expect(closer.driver?.location?.lat).toBeCloseTo(where.at(500).lat, 5);
    const offline = await api.request<Problem>("POST", "/v1/drivers/me/offline", { token: d.token });
    expect(offline.status).toBe(409);
    expect(offline.body.code).toBe("invalid_transition");
  });
});
