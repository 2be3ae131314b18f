/**
 * Driver onboarding over HTTP, on a system where operators approve drivers
 * (AUTO_APPROVE_DRIVERS=false): a pending driver cannot go online (403); approved, they
 * can; rejected while holding an offer, they lose it (the ride goes on to the next
 * driver) and cannot accept (403); a new plate sends an approved driver back to pending,
 * a new name does not; the driver is told of each decision; the ops list of drivers
 * pages with a cursor and filters by approval and status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { heartbeat, offersOf, type TestDriver } from "../support/drivers";
import { startSystem, type RunningSystem } from "../support/system";

type Driver = { id: string; name: string; approval: string; approvalReason: string | null; status: string; vehicle: { plate: string; products: string[] } };
type Delivery = { event: string; recipient: string; status: string; channel: string };

let system: RunningSystem;
let api: Api;
let ops: string;

beforeAll(async () => {
  system = await startSystem({ AUTO_APPROVE_DRIVERS: "false", DISPATCH_RETRY_S: "0.3", OFFER_TIMEOUT_S: "30" });
  api = new Api(system.baseUrl);
  ops = await api.token("ops-onboarding", "ops");
});
afterAll(async () => system?.stop());

const vehicle = { plate: "30우8281", model: "Sonata", product: "standard" };

async function register(name = "Kim"): Promise<TestDriver & { driver: Driver }> {
  const id = uid("d");
  const token = await api.token(id, "driver");
  const res = await api.request<Driver>("PUT", "/v1/drivers/me", { token, body: { name, vehicle } });
  expect(res.status).toBe(200);
  return { id, token, location: { lat: 37.5, lng: 127.0 }, driver: res.body };
}
const online = (d: TestDriver, at = d.location) =>
  api.request<Driver & { code?: string }>("POST", "/v1/drivers/me/online", { token: d.token, body: { location: at } });
const decide = (id: string, verb: "approve" | "reject", reason?: string) =>
  api.request<Driver>("POST", `/v1/ops/drivers/${id}/${verb}`, { token: ops, body: reason ? { reason } : {} });
const me = async (d: TestDriver) => (await api.request<Driver>("GET", "/v1/drivers/me", { token: d.token })).body;

describe("driver onboarding", () => {
  it("pending → 403 online; approved (with a reason) → online; the driver is told", async () => {
    const d = await register();
    expect(d.driver).toMatchObject({ approval: "pending", status: "offline", approvalReason: null });
    const refused = await online(d);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("driver_not_approved");
    const approved = await decide(d.id, "approve", "documents checked");
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ approval: "approved", approvalReason: "documents checked" });
    expect((await online(d)).body).toMatchObject({ status: "available", approval: "approved" });
    const notice = await eventually(
      async () => system.webhooks.find((w) => w.json.recipient === d.id && w.json.event === "DriverApproved"),
      "the approval notice",
    );
    expect(notice.json.texts.ko).toContain("승인");
    expect(notice.json.texts.en).toContain("approved");
  }, 60_000);

  it("rejected while holding an offer: the offer is gone, the ride goes to the next driver, accept 403, online 403, told why", async () => {
    const at = { lat: 37.53, lng: 126.95 };
    const first = await register();
    const next = await register();
    for (const d of [first, next]) expect((await decide(d.id, "approve")).status).toBe(200);
    first.location = at;
    next.location = { lat: at.lat + 0.01, lng: at.lng };
    for (const d of [first, next]) expect((await online(d)).status).toBe(200);
    const beat = heartbeat(api, [first, next]);
    try {
      const rider = await api.token(uid("r"), "rider");
      const ride = await api.request<{ id: string }>("POST", "/v1/rides", {
        token: rider,
        body: { pickup: at, dropoff: { lat: at.lat + 0.02, lng: at.lng + 0.02 }, product: "standard", paymentMethod: "pm_card_visa" },
      });
      expect(ride.status).toBe(202);
      const id = ride.body.id;
      await eventually(
        async () => ((await offersOf(api, first)).some((o) => o.rideId === id) ? true : undefined),
        "the offer to the nearest driver",
        15_000,
        100,
      );

      const rejected = await decide(first.id, "reject", "licence expired");
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ approval: "rejected", approvalReason: "licence expired", status: "offline" });
      expect(await offersOf(api, first)).toEqual([]);
      const accept = await api.request<{ code: string }>("POST", `/v1/rides/${id}/accept`, { token: first.token });
      expect(accept.status).toBe(403);
      expect(accept.body.code).toBe("driver_not_approved");
      expect((await online(first)).status).toBe(403);
      // The ride did not wait for the offer to expire (OFFER_TIMEOUT_S is 30 s): the next driver has it now.
      await eventually(async () => ((await offersOf(api, next)).some((o) => o.rideId === id) ? true : undefined), "the offer to the next driver", 10_000, 100);
      expect((await api.request("POST", `/v1/rides/${id}/accept`, { token: next.token })).status).toBe(200);

      const notice = await eventually(
        async () => system.webhooks.find((w) => w.json.recipient === first.id && w.json.event === "DriverRejected"),
        "the notice",
      );
      expect(notice.json.texts.en).toContain("licence expired");
      expect(notice.json.texts.ko).toContain("거절");
      // The delivery log has each decision for the driver.
      const log = await eventually(async () => {
        const items = (await api.request<{ items: Delivery[] }>("GET", `/v1/ops/notifications?recipient=${first.id}`, { token: ops })).body.items;
        const events = items.filter((i) => i.status === "sent").map((i) => i.event);
        return events.includes("DriverApproved") && events.includes("DriverRejected") ? events : undefined;
      }, "the delivery log of the decisions");
      expect(log).toEqual(expect.arrayContaining(["DriverApproved", "DriverRejected"]));
    } finally {
      await beat.stop();
    }
  }, 90_000);

  it("a new plate sends an approved driver back to pending (and offline); a new name does not", async () => {
    const d = await register("Lee");
    expect((await decide(d.id, "approve")).status).toBe(200);
    expect((await online(d)).status).toBe(200);
    const renamed = await api.request<Driver>("PUT", "/v1/drivers/me", { token: d.token, body: { name: "Lee Minho", vehicle } });
    expect(renamed.body).toMatchObject({ name: "Lee Minho", approval: "approved", status: "available" });
    const replated = await api.request<Driver>("PUT", "/v1/drivers/me", {
      token: d.token,
      body: { name: "Lee Minho", vehicle: { ...vehicle, plate: "12가3456" } },
    });
    expect(replated.body).toMatchObject({ approval: "pending", approvalReason: "vehicle_changed", status: "offline", vehicle: { plate: "12가3456" } });
    expect((await online(d)).status).toBe(403);
    const products = await register();
    expect((await decide(products.id, "approve")).status).toBe(200);
    const more = await api.request<Driver>("PUT", "/v1/drivers/me", {
      token: products.token,
      body: { name: "Kim", vehicle: { ...vehicle, products: ["standard", "deluxe"] } },
    });
    expect(more.body).toMatchObject({ approval: "pending", vehicle: { products: ["standard", "deluxe"] } });
    expect((await me(products)).approval).toBe("pending");
  }, 60_000);

  it("ops list drivers page by page with a cursor, filtered by approval and status", async () => {
    const mine = await Promise.all([register(), register(), register()]);
    const ids = new Set(mine.map((d) => d.id));
    const walk = async (query: string) => {
      const seen: Driver[] = [];
      let cursor: string | null = "";
      let pages = 0;
      while (cursor !== null) {
        const res: { status: number; body: { items: Driver[]; nextCursor: string | null } } = await api.request(
          "GET",
          `/v1/ops/drivers?${query}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
          {
            token: ops,
          },
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages += 1;
      }
      return { seen, pages };
    };
    const pending = await eventually(async () => {
      const page = await walk("approval=pending");
      return [...ids].every((id) => page.seen.some((d) => d.id === id)) ? page : undefined;
    }, "the new drivers in the pending list");
    expect(pending.pages).toBeGreaterThan(1);
    expect(pending.seen.every((d) => d.approval === "pending")).toBe(true);
    expect(new Set(pending.seen.map((d) => d.id)).size, "no driver twice across pages").toBe(pending.seen.length);
    const approvedOnline = (await walk("approval=approved&status=available")).seen;
    expect(approvedOnline.every((d) => d.approval === "approved" && d.status === "available")).toBe(true);
    expect(approvedOnline.some((d) => ids.has(d.id))).toBe(false);
    expect((await api.request("GET", "/v1/ops/drivers?cursor=not-a-cursor", { token: ops })).status).toBe(400);
  }, 60_000);
});
