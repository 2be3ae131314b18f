/**
 * A driver whose app stops reporting, over HTTP on the whole local system with
 * DRIVER_OFFLINE_AFTER_S=3: the driver's alarm takes them offline, and the driver is told
 * through the notification worker (the webhook channel here; KakaoTalk alike), since the app
 * that went silent may not be there to hear it on its socket. A driver who keeps reporting
 * stays available past the limit; a driver who goes offline themselves is not told. A driver
 * assigned to a pickup who goes silent is taken off it: the ride goes to another driver (the
 * pickup limit, DRIVER_PICKUP_SILENT_S, is never longer than DRIVER_OFFLINE_AFTER_S; the two
 * apart are tested in test/integration/driver-silence.integration.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually } from "../support/client";
import { heartbeat, offersOf, onlineDriver, type TestDriver } from "../support/drivers";
import { requestAndAccept, waitForRide } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";

const LIMIT_S = 3;

let system: RunningSystem;
let api: Api;

beforeAll(async () => {
  system = await startSystem({ DRIVER_OFFLINE_AFTER_S: String(LIMIT_S) });
  api = new Api(system.baseUrl);
});
afterAll(async () => system?.stop());

const statusOf = async (d: TestDriver) => (await api.request<{ status: string }>("GET", "/v1/drivers/me", { token: d.token })).body.status;
const toldOffline = (d: TestDriver) => system.webhooks.filter((w) => w.json.recipient === d.id && w.json.event === "DriverWentOffline");

describe("a driver who stops reporting", () => {
  it("is taken offline after DRIVER_OFFLINE_AFTER_S and told; one reporting stays available; one going offline themselves is not told", async () => {
    const near = { lat: 37.52, lng: 126.92 };
    const [silent, reporting, leaving] = await Promise.all([onlineDriver(api, near), onlineDriver(api, near), onlineDriver(api, near)]);
    const reports = heartbeat(api, [reporting], 500);
    try {
      const left = await api.request<{ status: string }>("POST", "/v1/drivers/me/offline", { token: leaving.token });
      expect(left.body.status).toBe("offline");
      expect(await statusOf(silent)).toBe("available");

      const notice = await eventually(async () => toldOffline(silent)[0], "the silent driver's notice", 30_000);
      expect(notice.json.texts.ko).toContain("오프라인");
      expect(notice.json.texts.en).toContain("took you offline");
      expect(await statusOf(silent)).toBe("offline");

      // Well past the limit since they went online, the driver who reports is still available and was told nothing.
      expect(await statusOf(reporting)).toBe("available");
      expect(toldOffline(reporting)).toEqual([]);
      // The driver who left went offline seconds before the silent one; their own offline is no notice.
      expect(toldOffline(leaving)).toEqual([]);
      expect(await statusOf(leaving)).toBe("offline");
    } finally {
      await reports.stop();
    }
    // Once the reports stop, the limit runs from the last of them.
    await eventually(async () => ((await statusOf(reporting)) === "offline" ? true : undefined), "the reporting driver offline once silent", 30_000);
    await eventually(async () => toldOffline(reporting)[0], "the reporting driver's notice once silent", 30_000);
    expect(toldOffline(silent)).toHaveLength(1);
  }, 90_000);
});

describe("a driver assigned to a pickup who stops reporting", () => {
  it("is taken off the ride after DRIVER_PICKUP_SILENT_S (here the shorter DRIVER_OFFLINE_AFTER_S, 3 s): the rider is told, and the ride goes to another driver", async () => {
    const pickup = { lat: 37.45, lng: 127.1 };
    const gone = await onlineDriver(api, pickup);
    // The app reports until the ride is theirs, then dies.
    const dying = heartbeat(api, [gone], 500);
    let assigned: Awaited<ReturnType<typeof requestAndAccept>>;
    try {
      assigned = await requestAndAccept(api, gone, pickup);
    } finally {
      await dying.stop();
    }
    const { rider, id } = assigned;
    expect((await waitForRide(api, rider, id, (r) => r.status === "driver_assigned", "assigned")).driver?.id).toBe(gone.id);

    // Another driver comes near; the ride is theirs only once the silent one is taken off.
    const next = await onlineDriver(api, { lat: pickup.lat + 0.001, lng: pickup.lng });
    const reports = heartbeat(api, [next], 500);
    try {
      await eventually(async () => ((await offersOf(api, next)).some((o) => o.rideId === id) ? true : undefined), "the offer to the next driver", 30_000);
      const timeline = await api.request<{ items: { type: string; data: Record<string, unknown> }[] }>("GET", `/v1/rides/${id}/events`, { token: rider });
      expect(timeline.body.items.find((e) => e.type === "DriverUnassigned")?.data).toEqual({ driverId: gone.id, why: "silent" });
      const accepted = await api.request<{ status: string; driver: { id: string } }>("POST", `/v1/rides/${id}/accept`, { token: next.token });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ status: "driver_assigned", driver: { id: next.id } });
      await eventually(async () => system.webhooks.find((w) => w.json.rideId === id && w.json.event === "DriverUnassigned"), "the rider told");
      // The silent driver was let go of the ride, and is taken offline in their turn.
      await eventually(async () => ((await statusOf(gone)) === "offline" ? true : undefined), "the silent driver offline", 30_000);
    } finally {
      await reports.stop();
    }
  }, 90_000);
});
