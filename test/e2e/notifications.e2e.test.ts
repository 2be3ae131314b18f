/**
 * Notifications over the running local system: each (event, channel, recipient) is
 * delivered once over the signed webhook and KakaoTalk (to a local AlimTalk-format
 * server); a webhook that keeps failing ends failed and dead-lettered, and an operator's
 * replay delivers it once the webhook is mended; with the sinks
 * down a whole ride still completes and the deliveries catch up afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { startFakeAlimTalk } from "../support/fake-alimtalk";
import { drive, onlineDriver, requestAndAccept, waitForRide } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";
import { TEMPLATE_CODES } from "../../workers/notification/templates";

type Delivery = { id: string; rideId: string; event: string; channel: string; recipient: string; status: string; attempts: number; lastError: string | null };
type Letter = { id: string; eventType: string | null; subjectId: string | null; reason: string };
let kakao: Awaited<ReturnType<typeof startFakeAlimTalk>>;
let system: RunningSystem;
let api: Api;
let ops: string;

beforeAll(async () => {
  kakao = await startFakeAlimTalk({
    appKey: "e2e-app",
    secretKey: "e2e-kakao-secret",
    senderKey: "e2e-sender",
    templates: new Set([...Object.values(TEMPLATE_CODES.rider), ...Object.values(TEMPLATE_CODES.driver)]),
  });
  system = await startSystem({
    KAKAO_ALIMTALK_URL: kakao.url,
    KAKAO_APP_KEY: "e2e-app",
    KAKAO_SENDER_KEY: "e2e-sender",
    KAKAO_SECRET_KEY: "e2e-kakao-secret",
    NOTIFY_MAX_ATTEMPTS: "3",
    DISPATCH_RETRY_S: "0.3",
    CHAOS_DUPLICATE_DELIVERY: "true",
  });
  api = new Api(system.baseUrl);
  ops = await api.token("ops-n", "ops");
});
afterAll(async () => {
  await system?.stop();
  await kakao?.stop();
});

const log = async (rideId: string) =>
  (await api.request<{ items: Delivery[] }>("GET", `/v1/ops/notifications?rideId=${rideId}&limit=100`, { token: ops })).body.items;
const faults = (notification: Record<string, unknown>) => api.request("PUT", "/v1/dev/faults", { body: { notification } });

describe("contacts", () => {
  it("keeps a phone number only sealed, shows a masked hint, refuses what is not a Korean mobile", async () => {
    const rider = await api.token(uid("r"), "rider");
    expect((await api.request("PUT", "/v1/me/contact", { token: rider, body: { phone: "02-123-4567" } })).status).toBe(400);
    const put = await api.request<{ phoneHint: string; kakao: boolean }>("PUT", "/v1/me/contact", { token: rider, body: { phone: "010-2222-3333" } });
    expect(put.body).toEqual({ phoneHint: "***-****-3333", kakao: true });
    const get = await api.request<Record<string, unknown>>("GET", "/v1/me/contact", { token: rider });
    expect(JSON.stringify(get.body)).not.toContain("2222");
    expect((await api.request("DELETE", "/v1/me/contact", { token: rider })).status).toBe(200);
    expect((await api.request<{ kakao: boolean }>("GET", "/v1/me/contact", { token: rider })).body.kakao).toBe(false);
  });
});

describe("delivery", () => {
  it("a whole ride: every event once per channel and recipient (each sent twice by the chaos knob), over webhook and KakaoTalk", async () => {
    const at = { lat: 34.2, lng: 126.6 };
    const driver = await onlineDriver(api, at);
    expect((await api.request("PUT", "/v1/me/contact", { token: driver.token, body: { phone: "010-5555-6666" } })).status).toBe(200);
    const riderId = uid("r");
    const rider = await api.token(riderId, "rider");
    expect((await api.request("PUT", "/v1/me/contact", { token: rider, body: { phone: "010-7777-8888" } })).status).toBe(200);
    const created = await api.request<{ id: string }>("POST", "/v1/rides", {
      token: rider,
      headers: { "accept-language": "en-US" },
      body: { pickup: at, dropoff: { lat: 34.22, lng: 126.62 }, product: "standard", paymentMethod: "pm_card_visa" },
    });
    const id = created.body.id;
    await eventually(
      async () =>
        (await api.request<{ items: { rideId: string }[] }>("GET", "/v1/drivers/me/offers", { token: driver.token })).body.items.some((o) => o.rideId === id)
          ? true
          : undefined,
      "the offer",
    );
    expect((await api.request("POST", `/v1/rides/${id}/accept`, { token: driver.token })).status).toBe(200);
    await drive(api, driver, id);
    await waitForRide(api, rider, id, (r) => r.status === "completed", "completion");
    const expected = ["DriverAssigned", "DriverArrived", "TripStarted", "RideCompleted"];
    const items = await eventually(
      async () => {
        const l = await log(id);
        const sent = l.filter((d) => d.status === "sent");
        return expected.every((e) => sent.some((d) => d.event === e && d.channel === "kakao")) &&
          sent.some((d) => d.event === "PaymentCaptured" && d.channel === "kakao")
          ? l
          : undefined;
      },
      "the deliveries",
      30_000,
      300,
    );
    const keys = items.map((d) => `${d.event}/${d.channel}/${d.recipient}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of expected) {
      expect(keys).toContain(`${e}/webhook/${riderId}`);
      expect(keys).toContain(`${e}/kakao/${riderId}`);
    }
    expect(keys).toContain(`DriverOffered/kakao/${driver.id}`);
    expect(keys).toContain(`PaymentCaptured/live/${driver.id}`);
    const toRider = kakao.sent.filter((s) => s.rideId === id && s.recipientNo === "01077778888");
    expect(toRider.map((s) => s.templateCode).sort()).toEqual(["RIDER_ARRIVED_01", "RIDER_ASSIGNED_01", "RIDER_COMPLETED_01", "RIDER_STARTED_01"]);
    expect(toRider.find((s) => s.templateCode === "RIDER_COMPLETED_01")!.text).toMatch(/^Trip completed\. Your fare of KRW/);
    expect(kakao.sent.filter((s) => s.rideId === id && s.recipientNo === "01055556666").map((s) => s.templateCode)).toEqual(
      expect.arrayContaining(["DRIVER_OFFER_01", "DRIVER_SETTLED_01"]),
    );
    expect(system.webhooks.filter((h) => h.json.rideId === id && h.json.event === "RideCompleted")).toHaveLength(1);
    expect(system.logs.join("")).not.toContain("77778888");
  });

  it("a webhook that keeps failing is retried with back-off, then ends failed in the log and in the dead letters", async () => {
    system.failWebhooks(true);
    try {
      const at = { lat: 34.6, lng: 126.6 };
      const driver = await onlineDriver(api, at);
      const { id } = await requestAndAccept(api, driver, at);
      const failed = await eventually(
        async () => (await log(id)).find((d) => d.event === "DriverAssigned" && d.channel === "webhook" && d.status === "failed"),
        "the delivery to fail",
        40_000,
        500,
      );
      expect(failed.attempts).toBe(3);
      await eventually(
        async () => (system.logs.join("").includes(`"msg":"notification dead-lettered","eventId"`) && system.logs.join("").includes(id) ? true : undefined),
        "the dead letter",
      );

      // The receiver mended, an operator sends the ride's dead letters again: delivered once, from a first attempt.
      system.failWebhooks(false);
      const letters = await eventually(async () => {
        const open = (await api.request<{ items: Letter[] }>("GET", "/v1/ops/notifications/dead-letters?open=true&limit=100", { token: ops })).body.items;
        const mine = open.filter((l) => l.subjectId === id);
        return mine.some((l) => l.eventType === "DriverAssigned") ? mine : undefined;
      }, "the dead letters listed");
      expect(letters[0]!.reason).toBeTruthy();
      const ids = letters.map((l) => l.id);
      const replay = await api.request<{ replayed: number; notOpen: string[] }>("POST", "/v1/ops/notifications/replay", { token: ops, body: { ids } });
      expect(replay.status).toBe(202);
      expect(replay.body).toMatchObject({ replayed: ids.length, notOpen: [] });
      const sent = await eventually(
        async () => (await log(id)).find((d) => d.event === "DriverAssigned" && d.channel === "webhook" && d.status === "sent"),
        "the replayed delivery",
        20_000,
        300,
      );
      expect(sent.attempts).toBe(1);
      expect(system.webhooks.filter((h) => h.json.rideId === id && h.json.event === "DriverAssigned")).toHaveLength(1);
      const again = await api.request<{ replayed: number; notOpen: string[] }>("POST", "/v1/ops/notifications/replay", { token: ops, body: { ids } });
      expect(again.body).toMatchObject({ replayed: 0, notOpen: ids });
      const rider = await api.token(uid("r"), "rider");
      expect((await api.request("POST", "/v1/ops/notifications/replay", { token: rider, body: { ids } })).status).toBe(403);
      expect((await api.request("POST", "/v1/ops/notifications/replay", { token: ops, body: { ids: [] } })).status).toBe(400);
    } finally {
      system.failWebhooks(false);
    }
  }, 90_000);
});

describe("isolation", () => {
  it("with the sinks down a whole ride completes; deliveries catch up when they recover", async () => {
    expect((await faults({ mode: "down" })).status).toBe(200);
    const at = { lat: 35.0, lng: 126.6 };
    const driver = await onlineDriver(api, at);
    const { rider, id } = await requestAndAccept(api, driver, at);
    await drive(api, driver, id);
    const done = await waitForRide(api, rider, id, (r) => r.status === "completed", "completion");
    expect(done.payment.status).toBe("captured");
    await eventually(async () => ((await log(id)).some((d) => d.channel === "webhook" && d.status === "retrying") ? true : undefined), "retrying deliveries");
    expect(system.webhooks.filter((h) => h.json.rideId === id)).toHaveLength(0);
    expect((await faults({ mode: "ok" })).status).toBe(200);
    // Caught up: none left retrying. A moment retried after a later step of the ride went out (in an earlier run, or earlier in
    // the same one) gives way to it, failed as too late (workers/notification/moments.ts): the rider's last word is the receipt.
    const caughtUp = await eventually(
      async () => {
        const l = (await log(id)).filter((d) => d.channel === "webhook");
        return l.length >= 4 && l.every((d) => d.status !== "retrying") ? l : undefined;
      },
      "the deliveries to catch up",
      40_000,
      500,
    );
    const sentTypes = new Set(caughtUp.filter((d) => d.status === "sent").map((d) => d.event));
    expect(sentTypes.has("RideCompleted")).toBe(true);
    for (const d of caughtUp.filter((d) => d.status !== "sent")) {
      expect([d.event, d.status], JSON.stringify(d)).toEqual([expect.stringMatching(/^(DriverAssigned|DriverArrived|TripStarted)$/), "failed"]);
      const later = /^too late: (\w+)/.exec(d.lastError ?? "")?.[1];
      expect(later && sentTypes.has(later), JSON.stringify(d)).toBe(true);
    }
    expect(system.webhooks.filter((h) => h.json.rideId === id && h.json.event === "RideCompleted")).toHaveLength(1);
  }, 90_000);
});
