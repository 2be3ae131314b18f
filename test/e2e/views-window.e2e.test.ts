/**
 * The views' window on the whole local system, with VIEWS_WINDOW_DAYS=0 (development only:
 * every settled ride is past it at once) and the crons run by the test alone: two rides of one
 * rider and one driver, served and captured, are handed by the every-minute cron to the
 * rider's and the driver's objects. The operators' list (the views) no longer shows them; the
 * rider's list, the driver's trips and the driver's earnings show each once, newest first,
 * page by page, with the same total; the ride itself still answers. A second run changes
 * nothing (the repair sweep in it brings nothing back).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { heartbeat, offersOf, onlineDriver, type TestDriver } from "../support/drivers";
import { drive, waitForRide } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";

let system: RunningSystem;
let api: Api;

beforeAll(async () => {
  system = await startSystem({ VIEWS_WINDOW_DAYS: "0", DEV_CRON: "off" });
  api = new Api(system.baseUrl);
});
afterAll(async () => system?.stop());

const PICKUP = { lat: 37.5563, lng: 126.9723 };

async function serve(driver: TestDriver, rider: string): Promise<string> {
  const created = await api.request<{ id: string }>("POST", "/v1/rides", {
    token: rider,
    headers: { "idempotency-key": uid("k") },
    body: { pickup: PICKUP, dropoff: { lat: PICKUP.lat + 0.02, lng: PICKUP.lng + 0.02 }, product: "standard", paymentMethod: "pm_card_visa" },
  });
  expect(created.status).toBe(202);
  const id = created.body.id;
  await eventually(async () => ((await offersOf(api, driver)).some((o) => o.rideId === id) ? true : undefined), `offer of ${id}`, 15_000, 100);
  expect((await api.request("POST", `/v1/rides/${id}/accept`, { token: driver.token })).status).toBe(200);
  await drive(api, driver, id);
  await waitForRide(api, rider, id, (r) => r.status === "completed" && r.payment.status === "captured", "captured");
  return id;
}

type Listed = { items: { id?: string; rideId?: string; status?: string }[]; nextCursor: string | null; total?: { amount: number } };

/** Every page of a list, one item a page; the ids in order and the first page's total. */
async function pages(path: string, token: string): Promise<{ ids: string[]; total: number | undefined }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let total: number | undefined;
  for (let page = 0; page < 10; page++) {
    const res: { status: number; body: Listed } = await api.request<Listed>("GET", `${path}?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, {
      token,
    });
    expect(res.status).toBe(200);
    total ??= res.body.total?.amount;
    ids.push(...res.body.items.map((i) => i.id ?? i.rideId ?? ""));
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return { ids, total };
}

const everyMinute = async () => {
  const res = await fetch(`${system.baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  expect(res.ok).toBe(true);
};

describe("the views' window", () => {
  it("hands settled rides to their owners' objects; the owners' lists still show them, the operators' no longer", async () => {
    const driver = await onlineDriver(api, PICKUP);
    const beat = heartbeat(api, [driver], 3000);
    const rider = await api.token(uid("r"), "rider");
    const ops = await api.token(uid("ops"), "ops");
    let served: string[];
    try {
      served = [await serve(driver, rider), await serve(driver, rider)];
    } finally {
      await beat.stop();
    }
    const newestFirst = [...served].reverse();
    // Projected: both in the rider's list as completed, both earnings rows in the driver's.
    await eventually(
      async () => {
        const [rides, earned] = await Promise.all([pages("/v1/rides", rider), pages("/v1/drivers/me/earnings", driver.token)]);
        return rides.ids.length === 2 && earned.ids.length === 2 ? true : undefined;
      },
      "both rides and both earnings rows in the views",
      30_000,
      200,
    );
    const before = {
      rides: await pages("/v1/rides", rider),
      trips: await pages("/v1/drivers/me/rides", driver.token),
      earnings: await pages("/v1/drivers/me/earnings", driver.token),
    };
    expect(before.rides.ids).toEqual(newestFirst);
    expect(before.earnings.total).toBeGreaterThan(0);

    for (const run of [1, 2]) {
      await everyMinute();
      const listedForOps = await api.request<Listed>("GET", "/v1/ops/rides?limit=100", { token: ops });
      expect(
        listedForOps.body.items.filter((r) => served.includes(r.id ?? "")),
        `run ${run}`,
      ).toEqual([]);
      expect(await pages("/v1/rides", rider), `run ${run}`).toEqual(before.rides);
      expect(await pages("/v1/drivers/me/rides", driver.token), `run ${run}`).toEqual(before.trips);
      expect(await pages("/v1/drivers/me/earnings", driver.token), `run ${run}`).toEqual(before.earnings);
    }
    expect(before.trips.ids).toEqual(newestFirst);
    expect(before.earnings.ids).toEqual(newestFirst);
    const ride = await api.request<{ status: string }>("GET", `/v1/rides/${served[0]}`, { token: rider });
    expect([ride.status, ride.body.status]).toEqual([200, "completed"]);
  }, 120_000);
});
