/** Auto mode (DISPATCH_MODE=auto): the nearest suitable driver is assigned directly, no offer. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { offersOf, onlineDriver } from "../support/drivers";
import { startSystem, type RunningSystem } from "../support/system";

type Ride = { id: string; status: string; driver: { id: string } | null; etaSeconds: number | null; cancellation: { reason: string } | null };

let system: RunningSystem;
let api: Api;

beforeAll(async () => {
  system = await startSystem({ DISPATCH_MODE: "auto", DISPATCH_TIMEOUT_S: "3", DISPATCH_RETRY_S: "0.3" });
  api = new Api(system.baseUrl);
});
afterAll(async () => system?.stop());

const rideOf = async (token: string, id: string) => (await api.request<Ride>("GET", `/v1/rides/${id}`, { token })).body;

describe("auto mode", () => {
  it("assigns the nearest driver of the product at once, with an ETA, and offers nothing", async () => {
    const at = (m: number) => ({ lat: 35.8 + m / 111_320, lng: 128.6 });
    const farther = await onlineDriver(api, at(1500));
    const vanNearest = await onlineDriver(api, at(50), "van");
    const nearest = await onlineDriver(api, at(400));
    const rider = await api.token(uid("r"), "rider");
    const res = await api.request<Ride>("POST", "/v1/rides", {
      token: rider,
      body: { pickup: at(0), dropoff: at(4000), product: "standard", paymentMethod: "pm_card_visa" },
    });
    expect(res.status).toBe(202);
    const assigned = await eventually(
      async () => {
        const r = await rideOf(rider, res.body.id);
        return r.status === "driver_assigned" ? r : undefined;
      },
      "the assignment",
      10_000,
      50,
    );
    expect(assigned.driver?.id).toBe(nearest.id);
    expect(assigned.etaSeconds).toBeGreaterThan(0);
    for (const d of [farther, vanNearest, nearest]) expect(await offersOf(api, d)).toEqual([]);
    const me = await api.request<{ status: string; currentRideId: string }>("GET", "/v1/drivers/me", { token: nearest.token });
    expect(me.body).toMatchObject({ status: "on_trip", currentRideId: res.body.id });
    expect((await api.request<{ status: string }>("GET", "/v1/drivers/me", { token: farther.token })).body.status).toBe("available");
  });

  it("with nobody suitable, the deadline cancels the ride no_driver_available", async () => {
    const at = (m: number) => ({ lat: 35.5 + m / 111_320, lng: 128.9 });
    await onlineDriver(api, at(100), "parcel_large");
    const rider = await api.token(uid("r"), "rider");
    const res = await api.request<Ride>("POST", "/v1/rides", {
      token: rider,
      body: { pickup: at(0), dropoff: at(3000), product: "standard", paymentMethod: "pm_card_visa" },
    });
    const cancelled = await eventually(
      async () => {
        const r = await rideOf(rider, res.body.id);
        return r.status === "cancelled" ? r : undefined;
      },
      "the deadline",
      8000,
      100,
    );
    expect(cancelled.cancellation?.reason).toBe("no_driver_available");
  });

  it("a ride waiting with nobody near is assigned within a second of a driver coming online near it (the driver wakes it)", async () => {
    const at = (m: number) => ({ lat: 36.1 + m / 111_320, lng: 127.4 });
    const rider = await api.token(uid("r"), "rider");
    const res = await api.request<Ride>("POST", "/v1/rides", {
      token: rider,
      body: { pickup: at(0), dropoff: at(3000), product: "standard", paymentMethod: "pm_card_visa" },
    });
    expect(res.status).toBe(202);
    await eventually(async () => ((await rideOf(rider, res.body.id)).status === "dispatching" ? true : undefined), "the first round", 3000, 50);
    await new Promise((r) => setTimeout(r, 500));
    expect((await rideOf(rider, res.body.id)).status).toBe("dispatching");
    const driver = await onlineDriver(api, at(600));
    const free = Date.now();
    const assigned = await eventually(
      async () => {
        const r = await rideOf(rider, res.body.id);
        return r.status === "driver_assigned" ? r : undefined;
      },
      "the assignment",
      2000,
      25,
    );
    expect(Date.now() - free).toBeLessThan(1000);
    expect(assigned.driver?.id).toBe(driver.id);
  });
});
