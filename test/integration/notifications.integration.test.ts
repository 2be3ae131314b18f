/**
 * The notification worker inside workerd: KakaoTalk AlimTalk deliveries in that API's
 * shape to a sealed phone number, the attempt limit ending in `failed` and the
 * dead-letter table, and driver-facing notifications on the driver's live socket.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { DomainEvent, NotificationMessage } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import { liveRequest } from "../../src/durable-objects/live";
import { sealPhone } from "../../src/lib/contact-crypto";
import notificationWorker from "../../workers/notification/index";
import { onlineDriver, testEnv, uniqueId } from "./helpers";

type Sent = { url: string; signature: string | null; body: string };

async function deliver(bodies: unknown[], queue = "ride-notifications", attempts = 1, ids: string[] = []) {
  const batch = createMessageBatch<NotificationMessage>(
    queue,
    bodies.map((body, i) => ({ id: ids[i] ?? uniqueId("m"), timestamp: Date.now(), attempts, body: body as NotificationMessage })),
  );
  const ctx = createExecutionContext();
  await notificationWorker.queue(batch, testEnv);
  return getQueueResult(batch, ctx);
}
const sink = async (path: string, body?: unknown) =>
  (await testEnv.WEBHOOK_SINK.fetch(`http://sink${path}`, body ? { method: "POST", body: JSON.stringify(body) } : undefined)).json() as Promise<Sent[]>;

function message(type: string, patch: Partial<Ride> = {}, data: Record<string, unknown> = {}): NotificationMessage {
  const id = `rd_${uniqueId("n")
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 24)}`;
  const ride: Ride = {
    id,
    status: "driver_assigned",
    version: 4,
    riderId: uniqueId("r"),
    product: "standard",
    pickup: { lat: 37.52, lng: 126.92, address: "Yeouido" },
    dropoff: { lat: 37.49, lng: 126.95, address: "Sangdo-dong" },
    quote: { amount: 9800, currency: "KRW" },
    driver: { id: "d1", name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" }, location: null },
    etaSeconds: 240,
    fare: null,
    payment: { status: "authorized" },
    cancellation: null,
    distanceMeters: 4000,
    durationSeconds: 600,
    locale: "ko",
    createdAt: "2026-11-21T10:00:00Z",
    updatedAt: "2026-11-21T10:00:00Z",
    ...patch,
  };
  const event: DomainEvent = {
    id: uniqueId("ev"),
    type,
    rideId: id,
    version: 4,
    // Now: a notice of a moment is sent only while it is news (workers/notification/moments.ts).
    occurredAt: new Date().toISOString(),
    correlationId: "corr-n",
    causationId: null,
    data,
  };
  return { kind: "ride.notification", event, ride, locale: ride.locale };
}

const deliveries = (rideId: string) =>
  testEnv.NOTIFICATIONS_DB.prepare("SELECT channel, recipient, status, attempts, last_error FROM notification_deliveries WHERE ride_id = ? ORDER BY channel")
    .bind(rideId)
    .all();

beforeEach(async () => {
  await sink("/reset");
  await sink("/mode", { fail: false });
});

describe("KakaoTalk AlimTalk channel", () => {
  it("sends the registered template to the rider's phone, once, and never writes the number down", async () => {
    const m = message("DriverAssigned");
    await testEnv.VIEWS_DB.prepare("INSERT INTO contacts (user_id, phone_sealed, phone_hint, updated_at) VALUES (?, ?, ?, ?)")
      .bind(m.ride.riderId, await sealPhone(testEnv.CONTACT_KEY, "+821098765432"), "***-****-5432", new Date().toISOString())
      .run();
    await deliver([m, m]);
    await deliver([m]);
    const kakao = (await sink("/received")).filter((r) => r.url.startsWith("http://alimtalk.test/"));
    expect(kakao).toHaveLength(1);
    expect(kakao[0]!.url).toBe("http://alimtalk.test/alimtalk/v2.3/appkeys/app-key-test/messages");
    const body = JSON.parse(kakao[0]!.body) as {
      senderKey: string;
      templateCode: string;
      recipientList: { recipientNo: string; templateParameter: { text: string } }[];
    };
    expect(body).toMatchObject({ senderKey: "sender-key-test", templateCode: "RIDER_ASSIGNED_01" });
    expect(body.recipientList[0]!.recipientNo).toBe("01098765432");
    expect(body.recipientList[0]!.templateParameter.text).toContain("30우8281");
    const log = await deliveries(m.ride.id);
    expect(log.results.map((r) => `${r.channel}:${r.status}:${r.attempts}`)).toEqual(["kakao:sent:1", "webhook:sent:1"]);
    const everything = JSON.stringify((await testEnv.NOTIFICATIONS_DB.prepare("SELECT * FROM notification_deliveries").all()).results);
    expect(everything).not.toContain("98765432");
    const stored = JSON.stringify((await testEnv.VIEWS_DB.prepare("SELECT * FROM contacts").all()).results);
    expect(stored).not.toContain("98765432");
  });

  it("a rider with no phone on file gets no KakaoTalk delivery (and no log row for it)", async () => {
    const m = message("DriverArrived");
    await deliver([m]);
    expect((await deliveries(m.ride.id)).results.map((r) => r.channel)).toEqual(["webhook"]);
  });
});

describe("attempts and dead letters", () => {
  it("a failing sink is retried until NOTIFY_MAX_ATTEMPTS, then the delivery is failed and the event dead-lettered", async () => {
    await sink("/mode", { fail: true });
    const m = message("TripStarted");
    for (let attempt = 1; attempt <= 2; attempt++) {
      const r = await deliver([m], "ride-notifications", attempt);
      expect(r.retryMessages).toHaveLength(1);
      expect((await deliveries(m.ride.id)).results[0]).toMatchObject({ status: "retrying", attempts: attempt });
    }
    const last = await deliver([m], "ride-notifications", 3);
    expect(last.explicitAcks).toHaveLength(1);
    expect((await deliveries(m.ride.id)).results[0]).toMatchObject({ status: "failed", attempts: 3 });
    // the dead-letter consumer keeps it for an operator
    await deliver([{ ...m, deadLetterReason: "webhook: gave up" }], "ride-notifications-dlq");
    const row = await testEnv.NOTIFICATIONS_DB.prepare("SELECT event_id, reason FROM notification_dead_letters WHERE ride_id = ?").bind(m.ride.id).first();
    expect(row).toEqual({ event_id: m.event.id, reason: "webhook: gave up" });
    // and a later copy of the event does not try again
    await sink("/mode", { fail: false });
    await deliver([m]);
    expect((await sink("/received")).filter((r) => r.body.includes(m.ride.id))).toHaveLength(0);
  });
  it("a message the queue gave up on first: its delivery still retrying is marked failed, and only that ride's", async () => {
    await sink("/mode", { fail: true });
    const m = message("TripStarted");
    const other = message("TripStarted");
    await deliver([m, other]);
    expect((await deliveries(m.ride.id)).results[0]).toMatchObject({ status: "retrying", attempts: 1 });
    await sink("/mode", { fail: false });
    await deliver([{ ...m, deadLetterReason: "retries exhausted" }], "ride-notifications-dlq");
    expect((await deliveries(m.ride.id)).results[0]).toMatchObject({ status: "failed", attempts: 1 });
    expect((await deliveries(other.ride.id)).results[0]).toMatchObject({ status: "retrying", attempts: 1 });
  });
  it("a copy of a letter kept already (its ack lost) marks nothing: a replay made since is not undone", async () => {
    await sink("/mode", { fail: true });
    const m = message("TripStarted");
    await deliver([m]);
    await sink("/mode", { fail: false });
    const letter = { ...m, deadLetterReason: "retries exhausted" };
    const id = uniqueId("letter");
    await deliver([letter], "ride-notifications-dlq", 1, [id]);
    expect((await deliveries(m.ride.id)).results[0]).toMatchObject({ status: "failed" });
    // What an operator's replay leaves while its message is on its way: the delivery retrying again, no attempt yet.
    await testEnv.NOTIFICATIONS_DB.prepare("UPDATE notification_deliveries SET status = 'retrying', attempts = 0 WHERE ride_id = ?").bind(m.ride.id).run();
    await deliver([letter], "ride-notifications-dlq", 1, [id]);
    expect((await deliveries(m.ride.id)).results[0]).toMatchObject({ status: "retrying", attempts: 0 });
    const letters = await testEnv.NOTIFICATIONS_DB.prepare("SELECT count(*) AS n FROM notification_dead_letters WHERE ride_id = ?").bind(m.ride.id).first();
    expect(letters).toEqual({ n: 1 });
    // The replayed message goes out.
    await deliver([m]);
    expect((await deliveries(m.ride.id)).results[0]).toMatchObject({ status: "sent" });
  });
});

describe("live channel", () => {
  it("pushes a driver-facing notification to the driver's open socket", async () => {
    const driver = await onlineDriver({ lat: 33.5, lng: 126.5 });
    const response = await driver.stub.fetch(liveRequest("http://gateway/v1/drivers/me/live", { id: driver.id, role: "driver" }, Date.now() + 3_600_000));
    expect(response.status).toBe(101);
    const ws = response.webSocket!;
    const got: string[] = [];
    ws.accept();
    ws.addEventListener("message", (e) => got.push(String(e.data)));
    const m = message("DriverOffered", {}, { driverId: driver.id, expiresAt: new Date(Date.now() + 15_000).toISOString() });
    await deliver([m]);
    const deadline = Date.now() + 3000;
    while (!got.some((g) => g.includes('"type":"notification"')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const pushed = JSON.parse(got.find((g) => g.includes('"type":"notification"'))!) as { event: string; text: string };
    expect(pushed).toMatchObject({ event: "DriverOffered" });
    expect(pushed.text).toContain("15초");
    expect((await deliveries(m.ride.id)).results.map((r) => `${r.channel}:${r.recipient}:${r.status}`)).toContain(`live:${driver.id}:sent`);
    ws.close();
  });
});
