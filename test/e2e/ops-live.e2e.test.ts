/**
 * The operators' live feed (GET /v1/ops/live) against the running local system: an ops
 * socket gets a snapshot, then a ride requested over the API within 2 s and each of its
 * changes as the driver advances it, the driver's status and moves, and stats while
 * subscribed to them; topics filter what a socket gets; only operators get a socket.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { offersOf } from "../support/drivers";
import { openLive, upgradeStatus, type LiveClient } from "../support/live";
import { drive, onlineDriver, type Ride } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";

type LatLng = { lat: number; lng: number };
type RideMarker = { id: string; status: string; version: number; riderId: string; driverId: string | null; pickup: LatLng; dropoff: LatLng };
type DriverMarker = { id: string; status: string; location: LatLng | null; currentRideId: string | null };
type Frame =
  | { type: "snapshot"; at: string; rides: RideMarker[]; drivers: DriverMarker[] }
  | { type: "ride"; ride: RideMarker }
  | { type: "driver"; driver: DriverMarker }
  | { type: "stats"; at: string; stats: { ridesByStatus: Record<string, number> } };

let system: RunningSystem;
let api: Api;
let ws: string;
let ops: string;

beforeAll(async () => {
  system = await startSystem({ DISPATCH_RETRY_S: "0.3" });
  api = new Api(system.baseUrl);
  ws = system.baseUrl.replace(/^http/, "ws");
  ops = await api.token(uid("ops"), "ops");
});
afterAll(async () => system?.stop());

const rideFrame = (id: string, status?: string) => (f: Frame) => f.type === "ride" && f.ride.id === id && (!status || f.ride.status === status);
const driverFrame = (id: string, match: (d: DriverMarker) => boolean) => (f: Frame) => f.type === "driver" && f.driver.id === id && match(f.driver);
const subscribe = (live: LiveClient, topics: string[]) => live.send(JSON.stringify({ type: "subscribe", topics }));

describe("operators' live feed", () => {
  it("refuses a rider (403), a missing token (401) and a plain GET (400)", async () => {
    const rider = await api.token(uid("r"), "rider");
    const driver = await api.token(uid("d"), "driver");
    expect(await upgradeStatus(`${system.baseUrl}/v1/ops/live`, rider)).toBe(403);
    expect(await upgradeStatus(`${system.baseUrl}/v1/ops/live`, driver)).toBe(403);
    expect(await upgradeStatus(`${system.baseUrl}/v1/ops/live`)).toBe(401);
    expect(await upgradeStatus(`${system.baseUrl}/v1/ops/live`, ops)).toBe(101);
    expect(await upgradeStatus(`${system.baseUrl}/v1/ops/live?topics=rides,bogus`, ops)).toBe(400);
    expect(await upgradeStatus(`${system.baseUrl}/v1/ops/live?topics=rides,bogus`, rider), "authorised before validated").toBe(403);
    const plain = await api.request<{ code: string }>("GET", "/v1/ops/live", { token: ops });
    expect([plain.status, plain.body.code]).toEqual([400, "invalid_request"]);
  });

  it("a ride requested over the API reaches the map within 2 s and follows the driver; the driver's status and moves too; a stats-only socket gets stats, no markers", async () => {
    const map = await openFeed();
    const first = await map.waitFor<Frame>(() => true, "the snapshot");
    expect(first.index).toBe(0);
    expect(first.message).toMatchObject({ type: "snapshot", rides: expect.any(Array), drivers: expect.any(Array) });

    const statsOnly = await openFeed();
    await statsOnly.waitFor<Frame>(() => true, "the first snapshot");
    subscribe(statsOnly, ["stats"]);
    const quiet = await statsOnly.waitFor<Frame>((f) => f.type === "snapshot" && statsOnly.messages.indexOf(f) > 0, "the stats-only snapshot");
    expect(quiet.message).toMatchObject({ rides: [], drivers: [] });
    const firstStats = await statsOnly.waitFor<Frame>((f) => f.type === "stats", "stats at once", 5_000);
    // the same named in the URL, as the console does: the snapshot and the stats are its first two frames
    const named = await openLive(`${ws}/v1/ops/live?access_token=${ops}&topics=stats`);
    const namedStats = await named.waitFor<Frame>((f) => f.type === "stats", "stats at once", 5_000);
    expect(namedStats.index).toBe(1);
    expect(named.messages[0]).toMatchObject({ type: "snapshot", rides: [], drivers: [] });
    await named.close();
    expect(firstStats.message).toMatchObject({ stats: { ridesByStatus: expect.any(Object), dispatchTimeMs: expect.any(Object), payments: expect.anything() } });

    // The driver goes online (an event, through the views) and moves (a push from the Driver DO, no event).
    const at = { lat: 37.5665, lng: 126.978 };
    const driver = await onlineDriver(api, at);
    await map.waitFor<Frame>(
      driverFrame(driver.id, (d) => d.status === "available"),
      "the driver online",
    );
    const moved = { lat: 37.567, lng: 126.979 };
    expect((await api.request("PUT", "/v1/drivers/me/location", { token: driver.token, body: moved })).status).toBe(204);
    await map.waitFor<Frame>(
      driverFrame(driver.id, (d) => d.location?.lat === moved.lat && d.location?.lng === moved.lng),
      "the driver's move",
      5_000,
    );

    // A rider requests a ride: on the map within 2 s.
    const rider = await api.token(uid("r"), "rider");
    const requestedAt = Date.now();
    const created = await api.request<Ride>("POST", "/v1/rides", {
      token: rider,
      headers: { "idempotency-key": uid("k") },
      body: { pickup: at, dropoff: { lat: 37.58, lng: 126.99 }, product: "standard", paymentMethod: "pm_card_visa" },
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    const arrived = await map.waitFor<Frame>(rideFrame(id), "the ride on the map", 2_000);
    expect(Date.now() - requestedAt).toBeLessThan(2_000);
    expect(arrived.message).toMatchObject({ ride: { id, riderId: created.body.riderId, pickup: at, driverId: null } });

    // A console opening now finds it in its snapshot.
    const late = await openFeed();
    const snapshot = (await late.waitFor<Frame>(() => true, "the late snapshot")).message as Extract<Frame, { type: "snapshot" }>;
    expect(snapshot.rides.map((r) => r.id)).toContain(id);
    expect(snapshot.drivers.map((d) => d.id)).toContain(driver.id);
    await late.close();

    // The driver takes it and drives it: each change on the map, in order.
    await eventually(async () => ((await offersOf(api, driver)).some((o) => o.rideId === id) ? true : undefined), "the offer", 15_000, 100);
    await map.waitFor<Frame>(
      driverFrame(driver.id, (d) => d.status === "offered" && d.currentRideId === id),
      "the driver offered",
    );
    expect((await api.request("POST", `/v1/rides/${id}/accept`, { token: driver.token })).status).toBe(200);
    await drive(api, driver, id);
    let from = 0;
    for (const status of ["driver_assigned", "driver_arrived", "in_progress", "completed"]) {
      const got = await map.waitFor<Frame>(rideFrame(id, status), `the ride ${status}`, 10_000, from);
      from = got.index + 1;
    }
    const versions = (map.messages as Frame[]).flatMap((f) => (f.type === "ride" && f.ride.id === id ? [f.ride.version] : []));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    await map.waitFor<Frame>(
      driverFrame(driver.id, (d) => d.status === "on_trip"),
      "the driver on trip",
    );
    await map.waitFor<Frame>(
      driverFrame(driver.id, (d) => d.status === "available" && d.currentRideId === null),
      "the driver free again",
      10_000,
    );

    // Stats keep coming every 5 s; a stats-only socket never got a marker.
    await statsOnly.waitFor<Frame>((f) => f.type === "stats" && statsOnly.messages.indexOf(f) > firstStats.index, "stats again", 8_000);
    expect((statsOnly.messages as Frame[]).filter((f) => f.type === "ride" || f.type === "driver")).toEqual([]);

    // ping answers pong, junk changes nothing
    map.send("hello");
    map.send("ping");
    await map.waitFor<unknown>((m) => m === "pong", "pong");
    await map.close();
    await statsOnly.close();
  });
});

/** An ops socket with the token in the query, as the console opens it. */
function openFeed(): Promise<LiveClient> {
  return openLive(`${ws}/v1/ops/live?access_token=${ops}`);
}
