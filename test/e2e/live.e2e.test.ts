/**
 * Live updates over WebSockets against the running local system: a ride's socket
 * sees its changes in order, a reconnect gets the current state, a driver's socket
 * gets offers without polling, and a stranger is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { openLive, upgradeStatus } from "../support/live";
import { drive, onlineDriver, type Ride } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";

let system: RunningSystem;
let api: Api;
let ws: string;

beforeAll(async () => {
  system = await startSystem({ DISPATCH_RETRY_S: "0.3" });
  api = new Api(system.baseUrl);
  ws = system.baseUrl.replace(/^http/, "ws");
});
afterAll(async () => system?.stop());

describe("live sockets", () => {
  it("the driver's socket gets the offer without polling; the ride's socket sees every change in order; a reconnect gets the current state", async () => {
    const at = { lat: 34.9, lng: 128.7 };
    const driver = await onlineDriver(api, at);
    const driverLive = await openLive(`${ws}/v1/drivers/me/live`, { authorization: `Bearer ${driver.token}` });
    const hello = await driverLive.waitFor<{ type: string; driver: { id: string } }>((m) => m.type === "driver", "the driver snapshot");
    expect(hello.message.driver.id).toBe(driver.id);

    const rider = await api.token(uid("r"), "rider");
    const created = await api.request<Ride>("POST", "/v1/rides", {
      token: rider,
      body: { pickup: at, dropoff: { lat: 34.92, lng: 128.72 }, product: "standard", paymentMethod: "pm_card_visa" },
    });
    const id = created.body.id;
    const riderLive = await openLive(`${ws}/v1/rides/${id}/live?access_token=${rider}`);
    const offer = await driverLive.waitFor<{ type: string; offer: { rideId: string; expiresAt: string } }>(
      (m) => m.type === "offer" && m.offer.rideId === id,
      "the offer",
    );
    expect(Date.parse(offer.message.offer.expiresAt)).toBeGreaterThan(Date.now());

    expect((await api.request("POST", `/v1/rides/${id}/accept`, { token: driver.token })).status).toBe(200);
    await drive(api, driver, id);
    const order = ["driver_assigned", "driver_arrived", "in_progress", "completed"];
    let from = 0;
    const seen: number[] = [];
    for (const status of order) {
      const got = await riderLive.waitFor<Ride>((m) => m.status === status, status, 20_000, from);
      seen.push(got.index);
      from = got.index + 1;
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Every change is pushed, and each rises the version by one: no gap (a push sent as the socket opened may come twice).
    const versions = (riderLive.messages as Ride[]).map((m) => m.version);
    expect(
      versions
        .slice(1)
        .map((v, i) => v - versions[i]!)
        .filter((step) => step !== 1 && step !== 0),
      versions.join(","),
    ).toEqual([]);
    // the driver's socket follows the ride too
    await driverLive.waitFor<{ type: string; ride: Ride }>(
      (m) => m.type === "ride" && m.ride.status === "completed",
      "the ride on the driver's socket",
      20_000,
    );
    // a settled ride will not change again: the server ends the socket after the last state
    expect(await riderLive.closed).toEqual({ code: 1000, reason: "ride ended" });
    expect((riderLive.messages.at(-1) as Ride).status).toBe("completed");

    const again = await openLive(`${ws}/v1/rides/${id}/live?access_token=${rider}`);
    const first = await again.waitFor<Ride>(() => true, "the snapshot");
    expect(first.index).toBe(0);
    expect(first.message).toMatchObject({ id, status: "completed", payment: { status: "captured" } });
    expect(await again.closed).toEqual({ code: 1000, reason: "ride ended" });
    expect(again.messages).toHaveLength(1);
    await driverLive.close();
  });

  it("a fifth socket of one rider on a ride closes their oldest with 1008; the four newest stay", async () => {
    const rider = await api.token(uid("r"), "rider");
    const created = await api.request<Ride>("POST", "/v1/rides", {
      token: rider,
      body: { pickup: { lat: 34.6, lng: 128.6 }, dropoff: { lat: 34.62, lng: 128.62 }, product: "standard", paymentMethod: "pm_card_visa" },
    });
    const url = `${ws}/v1/rides/${created.body.id}/live?access_token=${rider}`;
    const sockets = [];
    for (let i = 0; i < 5; i++) {
      sockets.push(await openLive(url));
      await new Promise((r) => setTimeout(r, 20)); // each opened at a later time than the last
    }
    expect(await sockets[0]!.closed).toEqual({ code: 1008, reason: "replaced by a newer socket" });
    for (const live of sockets.slice(1)) expect((await live.waitFor<Ride>(() => true, "the snapshot")).message).toMatchObject({ id: created.body.id });
    const stillOpen = await Promise.race([
      Promise.any(sockets.slice(1).map((s) => s.closed)).then(() => false),
      new Promise((r) => setTimeout(() => r(true), 500)),
    ]);
    expect(stillOpen, "none of the four newest closed").toBe(true);
    await Promise.all(sockets.slice(1).map((s) => s.close()));
  });

  it("refuses a stranger, a missing token and a plain GET", async () => {
    const rider = await api.token(uid("r"), "rider");
    const created = await api.request<Ride>("POST", "/v1/rides", {
      token: rider,
      body: { pickup: { lat: 34.5, lng: 128.5 }, dropoff: { lat: 34.52, lng: 128.52 }, product: "standard", paymentMethod: "pm_card_visa" },
    });
    const id = created.body.id;
    const stranger = await api.token(uid("r"), "rider");
    await expect(openLive(`${ws}/v1/rides/${id}/live?access_token=${stranger}`)).rejects.toThrow(/refused/);
    await expect(openLive(`${ws}/v1/rides/${id}/live`)).rejects.toThrow(/refused/);
    expect(await upgradeStatus(`${system.baseUrl}/v1/rides/${id}/live`, stranger)).toBe(404);
    expect(await upgradeStatus(`${system.baseUrl}/v1/rides/${id}/live`)).toBe(401);
    expect(await upgradeStatus(`${system.baseUrl}/v1/drivers/me/live`, rider)).toBe(403);
    expect(await upgradeStatus(`${system.baseUrl}/v1/rides/${id}/live`, rider)).toBe(101);
    const plain = await api.request<{ code: string }>("GET", `/v1/rides/${id}/live`, { token: rider });
    expect(plain.status).toBe(400);
    const ops = await api.token(uid("ops"), "ops");
    const opsLive = await openLive(`${ws}/v1/rides/${id}/live?access_token=${ops}`);
    expect((await opsLive.waitFor<Ride>(() => true, "snapshot")).message.id).toBe(id);
    await opsLive.close();
  });

  it("an operator's cancel reason is for the rider and ops: the driver reads ops_cancelled in every answer, push, timeline and list", async () => {
    const at = { lat: 34.3, lng: 128.3 };
    const driver = await onlineDriver(api, at);
    const driverLive = await openLive(`${ws}/v1/drivers/me/live`, { authorization: `Bearer ${driver.token}` });
    const rider = await api.token(uid("r"), "rider");
    const ops = await api.token(uid("ops"), "ops");
    const created = await api.request<Ride>("POST", "/v1/rides", {
      token: rider,
      body: { pickup: at, dropoff: { lat: 34.32, lng: 128.32 }, product: "standard", paymentMethod: "pm_card_visa" },
    });
    const id = created.body.id;
    await driverLive.waitFor<{ type: string; offer: { rideId: string } }>((m) => m.type === "offer" && m.offer.rideId === id, "the offer");
    expect((await api.request("POST", `/v1/rides/${id}/accept`, { token: driver.token })).status).toBe(200);
    const riderLive = await openLive(`${ws}/v1/rides/${id}/live?access_token=${rider}`);
    const driverOnRide = await openLive(`${ws}/v1/rides/${id}/live?access_token=${driver.token}`);
    await driverOnRide.waitFor<Ride>((m) => m.status === "driver_assigned", "the ride on its socket, as the driver");

    const words = "the rider reported the driver";
    const cancelled = await api.request<Ride>("POST", `/v1/rides/${id}/cancel`, { token: ops, body: { reason: words } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancellation).toEqual({ by: "ops", reason: words });
    const hidden = { by: "ops", reason: "ops_cancelled" };

    // The rider and ops read the operator's words, live and on request.
    const toRider = await riderLive.waitFor<Ride>((m) => m.status === "cancelled", "the cancel on the rider's socket");
    expect(toRider.message.cancellation).toEqual({ by: "ops", reason: words });
    expect((await api.request<Ride>("GET", `/v1/rides/${id}`, { token: rider })).body.cancellation).toEqual({ by: "ops", reason: words });
    // The driver reads none of them: on the ride's socket, on their own, in the ride, its timeline and their list.
    const onRide = await driverOnRide.waitFor<Ride>((m) => m.status === "cancelled", "the cancel on the ride's socket, as the driver");
    expect(onRide.message.cancellation).toEqual(hidden);
    const pushed = await driverLive.waitFor<{ type: string; ride: Ride }>(
      (m) => m.type === "ride" && m.ride.id === id && m.ride.status === "cancelled",
      "the cancel on the driver's socket",
    );
    expect(pushed.message.ride.cancellation).toEqual(hidden);
    expect((await api.request<Ride>("GET", `/v1/rides/${id}`, { token: driver.token })).body.cancellation).toEqual(hidden);
    type Timeline = { items: { type: string; data: Record<string, unknown> }[] };
    const eventsOf = async (token: string) =>
      (await api.request<Timeline>("GET", `/v1/rides/${id}/events`, { token })).body.items.find((e) => e.type === "RideCancelled")?.data;
    expect(await eventsOf(driver.token)).toEqual(hidden);
    expect(await eventsOf(ops)).toEqual({ by: "ops", reason: words });
    const listed = await eventually(async () => {
      const list = await api.request<{ items: Ride[] }>("GET", "/v1/drivers/me/rides?limit=10", { token: driver.token });
      return list.body.items.find((r) => r.id === id && r.status === "cancelled");
    }, "the cancelled ride in the driver's list");
    expect(listed.cancellation).toEqual(hidden);
    expect(JSON.stringify([onRide, pushed, listed])).not.toContain(words);
    await Promise.all([driverLive.close(), riderLive.close(), driverOnRide.close()]);
  });
});
