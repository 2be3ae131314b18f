/**
 * The views heal, inside workerd with the real Ride and Driver objects, the real views
 * and ledger D1 and the gateway's routes: a failing projection ends in the views' dead
 * letters and comes back by replay; one poison message does not hold its batch back; the
 * repair sweep (the gateway's every-minute cron) brings a row whose last events were
 * never projected up to its object; the rebuild reproduces emptied views from the
 * objects' event logs.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PaymentCommandMessage, RideEventMessage, RiderAccount, ViewsMessage } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import { liveRequest } from "../../src/durable-objects/live";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import type { CreateRideInput } from "../../src/ride/ride-record";
import { unwrap, type Outcome } from "../../src/lib/problem";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import gateway from "../../workers/gateway/index";
import { rideSnapshotOf, rideWrites, VIEWS_REPAIR_CRON } from "../../workers/gateway/views-repair";
import paymentWorker from "../../workers/payment/index";
import viewsWorker from "../../workers/views/index";
import { applyWrites, project } from "../../workers/views/projection";
import { createRide, onlineDriver, resultsApplied, rideInput, rideStub, testEnv, uniqueId, until } from "./helpers";
import { deliver as pay, outstanding, rideDone } from "./payment-steps";

const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
const ops = { id: "ops-views", role: "ops" as const };
type RideStub = DurableObjectStub<RideDurableObject>;

async function call<T>(method: string, path: string, role: "ops" | "rider" | "driver" | null, body?: unknown, sub = "ops-views") {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (role) headers.authorization = `Bearer ${await issueToken(testEnv, { id: sub, role })}`;
  const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, testEnv, ctx);
  return { status: res.status, body: (await res.json()) as T };
}

async function deliver<Body>(worker: { queue?: unknown }, queue: string, bodies: Body[]) {
  const batch = createMessageBatch<Body>(
    queue,
    bodies.map((body, i) => ({ id: uniqueId(`m${i}`), timestamp: Date.now(), attempts: 1, body })),
  );
  const c = createExecutionContext();
  await (worker.queue as (b: MessageBatch<Body>, e: unknown, c: ExecutionContext) => Promise<void>)(batch, resultsApplied, c);
  return { ids: batch.messages.map((m) => m.id), result: await getQueueResult(batch, c) };
}

/**
 * A ride whose messages to ride-events land in `into` (the queue is not consumed here),
 * from its first commit on: the outbox is relayed right after each commit.
 */
async function createCaptured(into: ViewsMessage[], patch: Partial<CreateRideInput> = {}) {
  const input = rideInput(patch);
  const stub = rideStub(input.rideId);
  await runInDurableObject(stub, (instance: RideDurableObject) => {
    instance.send = async (queue, bodies) => {
      if (queue === "ride-events") into.push(...(bodies as ViewsMessage[]));
    };
  });
  const { ride } = unwrap(await stub.create(input));
  await relay(stub);
  return { stub, ride };
}

const outboxSize = (stub: RideStub) =>
  runInDurableObject(stub, (_i: RideDurableObject, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n);

/** Runs the ride's due timers (the first dispatch round), then waits for its outbox to be relayed. */
async function relay(stub: RideStub): Promise<void> {
  await runInDurableObject(stub, (instance: RideDurableObject) => instance.alarm());
  await until(async () => ((await outboxSize(stub)) === 0 ? true : undefined), "the outbox relayed");
}

function authorize(rideId: string): PaymentCommandMessage {
  return {
    kind: "payment.command",
    action: "authorize",
    rideId,
    amount: { amount: 12800, currency: "KRW" },
    paymentMethod: "pm_card_visa",
    product: "standard",
    driverId: null,
    idempotencyKey: `${rideId}:authorize`,
    correlationId: "corr-views",
    causationId: "ev_views",
  };
}

/**
 * An operator's console on the city's feed (rides and drivers, as a socket that never
 * subscribed): `sawRide` waits for the frame of a ride's version, which the views' healing
 * tells the feed as the views worker does.
 */
async function watchCity() {
  const feed = testEnv.OPS_FEED.get(testEnv.OPS_FEED.idFromName("city"));
  const response = await feed.fetch(liveRequest("http://gateway/v1/ops/live", ops, Date.now() + 3_600_000));
  expect(response.status).toBe(101);
  const ws = response.webSocket!;
  const rides: { id: string; status: string; version: number }[] = [];
  ws.accept();
  ws.addEventListener("message", (e) => {
    const frame = String(e.data) === "pong" ? null : (JSON.parse(String(e.data)) as { type: string; ride?: (typeof rides)[number] });
    if (frame?.type === "ride" && frame.ride) rides.push(frame.ride);
  });
  return {
    sawRide: (ride: Pick<Ride, "id" | "status" | "version">) =>
      until(
        async () => rides.find((r) => r.id === ride.id && r.version === ride.version && r.status === ride.status),
        `the console told of ${ride.id} ${ride.status}`,
        5_000,
      ),
    close: () => ws.close(1000, "done"),
  };
}

const rideOf = async (stub: RideStub) => unwrap((await stub.get(ops)) as Outcome<Ride>);
const viewRow = (id: string) =>
  testEnv.VIEWS_DB.prepare("SELECT status, version FROM rides WHERE id = ?").bind(id).first<{ status: string; version: number }>();

describe("views dead letters", () => {
  it("with the views fault on, a ride's messages retry, land in view_dead_letters from the DLQ, and POST /v1/ops/views/replay projects them", async () => {
    const published: ViewsMessage[] = [];
    const { stub, ride } = await createCaptured(published, { riderId: uniqueId("r") });
    expect(published.length).toBeGreaterThan(0);

    expect((await call("PUT", "/v1/dev/faults", null, { views: { mode: "down" } })).status).toBe(200);
    const failed = await deliver(viewsWorker, "ride-events", published);
    expect(failed.result.explicitAcks).toEqual([]);
    expect(failed.result.retryMessages.map((m) => m.msgId).sort()).toEqual([...failed.ids].sort());
    expect(await viewRow(ride.id)).toBeNull();

    // after max_retries the queue moves them to ride-events-dlq, whose consumer keeps them
    const dead = await deliver(viewsWorker, "ride-events-dlq", published);
    expect(dead.result.explicitAcks.sort()).toEqual([...dead.ids].sort());
    const open = await call<{ items: { id: string; subjectId: string; kind: string; replayedAt: string | null }[] }>(
      "GET",
      "/v1/ops/views/dead-letters?open=true&limit=100",
      "ops",
    );
    const mine = open.body.items.filter((l) => l.subjectId === ride.id);
    expect(mine.map((l) => l.id).sort()).toEqual([...dead.ids].sort());
    expect(mine.every((l) => l.kind === "ride.events" && l.replayedAt === null)).toBe(true);
    const stats = await call<{ deadLetters: { views: number } }>("GET", "/v1/ops/stats", "ops");
    expect(stats.body.deadLetters.views).toBeGreaterThanOrEqual(published.length);

    // a letter that cannot be projected stays open, with why
    const poison = await deliver(viewsWorker, "ride-events-dlq", [{ kind: "ride.event", event: { id: uniqueId("ev") } }]);

    expect((await call("PUT", "/v1/dev/faults", null, { views: { mode: "ok" } })).status).toBe(200);
    const console_ = await watchCity();
    const replay = await call<{ replayed: number; failed: number; more: boolean }>("POST", "/v1/ops/views/replay", "ops");
    expect(replay.status).toBe(202);
    expect(replay.body.replayed).toBeGreaterThanOrEqual(published.length);
    expect(replay.body.failed).toBeGreaterThanOrEqual(1);
    expect(await viewRow(ride.id)).toEqual({ status: (await rideOf(stub)).status, version: (await rideOf(stub)).version });
    await console_.sawRide(await rideOf(stub)); // the replayed rows reach the consoles' maps too
    console_.close();

    const after = await call<{ items: { id: string; reason: string }[] }>("GET", "/v1/ops/views/dead-letters?open=true&limit=100", "ops");
    expect(after.body.items.filter((l) => dead.ids.includes(l.id))).toEqual([]);
    expect(after.body.items.find((l) => l.id === poison.ids[0])?.reason).toMatch(/^replay failed: .*without a ride/);
    expect((await call("POST", "/v1/ops/views/replay", "rider")).status).toBe(403);
  });

  it("a parcel ride's dead letter keeps its sealed handover code for the replay; the operators' list of letters does not show it", async () => {
    const published: ViewsMessage[] = [];
    const { ride } = await createCaptured(published, { riderId: uniqueId("r") });
    const withCopy = published.map((m) => ({ ...m, handoverSealed: "iv.sealed-copy" })) as ViewsMessage[];
    const dead = await deliver(viewsWorker, "ride-events-dlq", withCopy);
    const open = await call<{ items: { id: string; subjectId: string; body: { kind: string } }[] }>(
      "GET",
      "/v1/ops/views/dead-letters?open=true&limit=100",
      "ops",
    );
    const mine = open.body.items.filter((l) => l.subjectId === ride.id);
    expect(mine.map((l) => l.id).sort()).toEqual([...dead.ids].sort());
    expect(mine.every((l) => l.body.kind === "ride.events")).toBe(true);
    expect(JSON.stringify(mine)).not.toContain("iv.sealed-copy");
    // The sweep healed the ride meanwhile, at its last version and with no copy: the replay's upsert changes nothing, its copy still lands.
    await applyWrites(testEnv.VIEWS_DB, rideWrites((await rideSnapshotOf(testEnv, ride.id))!));
    expect((await call("POST", "/v1/ops/views/replay", "ops")).status).toBe(202);
    const row = await testEnv.VIEWS_DB.prepare("SELECT handover_sealed AS sealed FROM rides WHERE id = ?").bind(ride.id).first<{ sealed: string }>();
    expect(row?.sealed).toBe("iv.sealed-copy");
  });

  it("a ride's letter replayed after the window may have let its ride go projects the ride as its object has it now, not the letter's old version", async () => {
    const published: ViewsMessage[] = [];
    const riderId = uniqueId("r");
    const { stub, ride } = await createCaptured(published, { riderId });
    unwrap(await stub.cancel({ id: riderId, role: "rider" }, "changed my mind", "req-cancel"));
    await relay(stub);
    const now = await rideOf(stub);
    expect(now.status).toBe("cancelled");
    // The window handed over rides created up to a day ahead (as a run with a cut-off that late
    // would have): this ride may be one of them, and the views have no row of it.
    const cursors = "SELECT cursor FROM view_cursors WHERE name = 'rides_kept_before'";
    const before = await testEnv.VIEWS_DB.prepare(cursors).first<{ cursor: string }>();
    const setCursor = (cursor: string | null) =>
      testEnv.VIEWS_DB.prepare(
        "INSERT INTO view_cursors (name, cursor, updated_at) VALUES ('rides_kept_before', ?1, ?2) ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor",
      )
        .bind(cursor, new Date().toISOString())
        .run();
    await setCursor(new Date(Date.now() + 86_400_000).toISOString());
    try {
      expect(await viewRow(ride.id)).toBeNull();
      await deliver(viewsWorker, "ride-events-dlq", published.slice(0, 1)); // the ride still dispatching
      const console_ = await watchCity();
      expect((await call("POST", "/v1/ops/views/replay", "ops")).status).toBe(202);
      expect(await viewRow(ride.id)).toEqual({ status: "cancelled", version: now.version });
      await console_.sawRide(now); // the consoles hear what was written, not the letter's old marker
      console_.close();
    } finally {
      await setCursor(before?.cursor ?? null);
    }
  });

  it("one poison message in a batch is retried alone; the good ones are projected", async () => {
    const published: ViewsMessage[] = [];
    const { ride } = await createCaptured(published, { riderId: uniqueId("r") });
    const poison = { kind: "ride.event", event: { id: uniqueId("ev") } } as unknown as RideEventMessage;
    const { ids, result } = await deliver(viewsWorker, "ride-events", [...published, poison]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual([ids[ids.length - 1]]);
    expect(result.explicitAcks.sort()).toEqual(ids.slice(0, -1).sort());
    expect(await viewRow(ride.id)).not.toBeNull();
  });
});

describe("views repair sweep", () => {
  it("a ride row whose last events were never projected, a stale driver row and missing earnings are repaired by the cron", async () => {
    const riderId = uniqueId("r");
    const published: ViewsMessage[] = [];
    const { stub, ride } = await createCaptured(published, { riderId });
    await deliver(viewsWorker, "ride-events", published.slice(0, 1));
    unwrap(await stub.cancel({ id: riderId, role: "rider" }, "changed my mind", "req-cancel"));
    await relay(stub); // RideCancelled is published (into `published`) but never projected
    // ... and long ago, as far as the view knows
    await testEnv.VIEWS_DB.prepare("UPDATE rides SET updated_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").bind(ride.id).run();
    expect(await viewRow(ride.id)).toEqual({ status: "dispatching", version: 1 });

    const driver = await onlineDriver({ lat: 35.1, lng: 129.0 });
    const current = (await driver.stub.get())!;
    const old = { ...current, version: 1, status: "on_trip" as const, updatedAt: "2000-01-01T00:00:00.000Z" };
    await project(testEnv.VIEWS_DB, [
      {
        kind: "driver.event",
        event: { ...(published[0]!.kind === "ride.events" ? published[0]!.events[0]! : (published[0] as RideEventMessage).event), id: uniqueId("ev") },
        driver: old,
      },
    ]);

    const settled = `rd_${uniqueId("s").replace(/[^a-z0-9]/g, "")}`;
    // Older than VIEWS_REPAIR_AFTER_S: a row younger is left to the views worker, its message likely on its way.
    const now = new Date(Date.now() - 10 * 60_000).toISOString();
    await testEnv.LEDGER_DB.prepare(
      "INSERT INTO settlements (ride_id, driver_id, fare, commission, earning, currency, created_at) VALUES (?, 'd-ledger', 10000, 2000, 8000, 'KRW', ?)",
    )
      .bind(settled, now)
      .run();

    const console_ = await watchCity();
    await gateway.scheduled({ cron: VIEWS_REPAIR_CRON, scheduledTime: Date.now(), noRetry: () => undefined }, testEnv);

    const cancelled = await rideOf(stub);
    expect(cancelled.status).toBe("cancelled");
    expect(await viewRow(ride.id)).toEqual({ status: "cancelled", version: cancelled.version });
    // The console's map hears it too: the ride leaves it now, not at the console's next snapshot.
    await console_.sawRide(cancelled);
    console_.close();
    const driverRow = await testEnv.VIEWS_DB.prepare("SELECT status, version FROM drivers WHERE id = ?").bind(driver.id).first();
    expect(driverRow).toEqual({ status: current.status, version: current.version });
    const earning = await testEnv.VIEWS_DB.prepare("SELECT id, driver_id, earning FROM earnings WHERE ride_id = ?").bind(settled).first();
    expect(earning).toEqual({ id: settled, driver_id: "d-ledger", earning: 8000 });

    // the ops stats read the same rows: the ride is counted as cancelled again
    const stats = await call<{ ridesByStatus: Record<string, number> }>("GET", "/v1/ops/stats", "ops");
    expect(stats.body.ridesByStatus.cancelled).toBeGreaterThanOrEqual(1);
  });

  it("a ride none of whose messages reached the views is found through the ledger and projected by the cron", async () => {
    const riderId = uniqueId("r");
    const lost: ViewsMessage[] = [];
    const { stub, ride } = await createCaptured(lost, { riderId }); // every message of this ride to the views is lost
    await deliver(paymentWorker, "ride-payments", [authorize(ride.id)]);
    unwrap(await stub.cancel({ id: riderId, role: "rider" }, "changed my mind", "req-cancel"));
    await relay(stub);
    expect(await viewRow(ride.id)).toBeNull();

    const cron = () => gateway.scheduled({ cron: VIEWS_REPAIR_CRON, scheduledTime: Date.now(), noRetry: () => undefined }, testEnv);
    // Younger than VIEWS_REPAIR_AFTER_S, its ledger row is left to the views worker (its message may be on its way).
    await cron();
    expect(await viewRow(ride.id)).toBeNull();
    const longAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    await testEnv.LEDGER_DB.prepare("UPDATE payment_operations SET created_at = ? WHERE ride_id = ?").bind(longAgo, ride.id).run();
    for (let run = 0; run < 5 && (await viewRow(ride.id)) === null; run++) await cron();
    const now = await rideOf(stub);
    expect(await viewRow(ride.id)).toEqual({ status: "cancelled", version: now.version });
  });

  it("a refund of a completed ride none of whose messages reached the views is found through the ledger's earnings and projected by the cron", async () => {
    const { stub } = await rideDone({ riderId: uniqueId("r") });
    const captured = await rideOf(stub);
    expect(captured).toMatchObject({ status: "completed", payment: { status: "captured" } });
    // The views had the ride up to its capture (a final row: the stale sweep never looks at it again) ...
    await applyWrites(testEnv.VIEWS_DB, rideWrites((await rideSnapshotOf(testEnv, captured.id))!));
    const paymentRow = (id: string) => testEnv.VIEWS_DB.prepare("SELECT payment_status, version FROM rides WHERE id = ?").bind(id).first();
    expect(await paymentRow(captured.id)).toEqual({ payment_status: "captured", version: captured.version });
    // ... and every message of its refund is lost (nothing consumes the queue here).
    expect((await call("POST", `/v1/ops/rides/${captured.id}/refund`, "ops", { reason: "detour" })).status).toBe(202);
    await pay([await outstanding(stub)]);
    const refunded = await rideOf(stub);
    expect(refunded.payment.status).toBe("refunded");
    const adjustment = (id: string) => testEnv.VIEWS_DB.prepare("SELECT earning FROM earnings WHERE ride_id = ? AND id <> ride_id").bind(id).first();
    expect(await adjustment(captured.id)).toBeNull();

    // Older than VIEWS_REPAIR_AFTER_S, as a lost message's row would be by the time the sweep copies it.
    const longAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    await testEnv.LEDGER_DB.prepare("UPDATE settlement_adjustments SET created_at = ? WHERE ride_id = ?").bind(longAgo, captured.id).run();
    for (let run = 0; run < 5 && (await adjustment(captured.id)) === null; run++) {
      await gateway.scheduled({ cron: VIEWS_REPAIR_CRON, scheduledTime: Date.now(), noRetry: () => undefined }, testEnv);
    }
    expect(await adjustment(captured.id)).toMatchObject({ earning: expect.any(Number) as number });
    expect(await paymentRow(captured.id)).toEqual({ payment_status: "refunded", version: refunded.version });
  });

  it("a rider's dues are projected by version and summed in the ops stats", async () => {
    const riderId = uniqueId("r");
    const account = (amount: number, version: number): RiderAccount => ({
      id: riderId,
      dues: { amount, currency: "KRW" },
      items: amount ? [{ rideId: "rd_x", amount: { amount, currency: "KRW" }, createdAt: "2026-11-21T10:00:00.000Z" }] : [],
      version,
      updatedAt: `2026-11-21T10:00:0${version}.000Z`,
    });
    const event = (version: number) => ({ id: uniqueId("ev"), type: "DuesIncurred", version, occurredAt: "", correlationId: "c", causationId: null, data: {} });
    const before = await call<{ openDues: { amount: number; riders: number; currency: string } }>("GET", "/v1/ops/stats", "ops");
    // newer first, then an older one: the newer stays
    await deliver(viewsWorker, "ride-events", [{ kind: "rider.event", event: event(2), rider: account(9900, 2) }]);
    await deliver(viewsWorker, "ride-events", [{ kind: "rider.event", event: event(1), rider: account(0, 1) }]);
    const row = await testEnv.VIEWS_DB.prepare("SELECT amount, version FROM rider_dues WHERE rider_id = ?").bind(riderId).first();
    expect(row).toEqual({ amount: 9900, version: 2 });
    const stats = await call<{ openDues: { amount: number; riders: number; currency: string } }>("GET", "/v1/ops/stats", "ops");
    expect(stats.body.openDues).toEqual({ amount: before.body.openDues.amount + 9900, riders: before.body.openDues.riders + 1, currency: "KRW" });
  });
});

describe("driver earnings", () => {
  it("a capture and its refund are two rows; the total nets them; the list pages by row", async () => {
    const driverId = uniqueId("d");
    const { ride } = await createRide({ riderId: uniqueId("r") });
    const split = (fare: number, commission: number) => ({
      driverId,
      fare: { amount: fare, currency: "KRW" },
      commission: { amount: commission, currency: "KRW" },
      earning: { amount: fare - commission, currency: "KRW" },
    });
    const event = (type: string, version: number, data: Record<string, unknown>) => ({
      id: uniqueId("ev"),
      type,
      rideId: ride.id,
      version,
      occurredAt: `2026-11-21T10:0${version}:00.000Z`,
      correlationId: "c",
      causationId: null,
      data,
    });
    const refund = { key: "k1", amount: { amount: 5000, currency: "KRW" }, adjustment: split(-5000, -1000) };
    await project(testEnv.VIEWS_DB, [
      { kind: "ride.event", ride: { ...ride, version: 2 }, event: event("PaymentCaptured", 2, { settlement: split(10000, 2000) }) },
      { kind: "ride.event", ride: { ...ride, version: 3 }, event: event("PaymentRefunded", 3, refund) },
      // delivered again: no second row
      { kind: "ride.event", ride: { ...ride, version: 3 }, event: event("PaymentRefunded", 3, refund) },
    ]);
    type Earnings = { items: { rideId: string; earning: { amount: number } }[]; total: { amount: number }; nextCursor: string | null };
    const first = await call<Earnings>("GET", "/v1/drivers/me/earnings?limit=1", "driver", undefined, driverId);
    expect(first.body.items.map((i) => i.earning.amount)).toEqual([-4000]);
    expect(first.body.total.amount).toBe(4000);
    const second = await call<Earnings>("GET", `/v1/drivers/me/earnings?limit=1&cursor=${first.body.nextCursor}`, "driver", undefined, driverId);
    expect(second.body.items).toEqual([expect.objectContaining({ rideId: ride.id, earning: { amount: 8000, currency: "KRW" } })]);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe("views rebuild", () => {
  async function opsListOf(ids: Set<string>) {
    const items: Ride[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Ride[]; nextCursor: string | null } } = await call(
        "GET",
        `/v1/ops/rides?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
        "ops",
      );
      items.push(...page.body.items.filter((r) => ids.has(r.id)));
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }

  it("rebuilding emptied views from the objects' event logs reproduces the rider's list and the ops list", async () => {
    const riderId = uniqueId("r");
    const rides: { stub: RideStub; id: string }[] = [];
    const published: ViewsMessage[] = [];
    for (let i = 0; i < 3; i++) {
      const { stub, ride } = await createCaptured(published, { riderId });
      rides.push({ stub, id: ride.id });
      await deliver(paymentWorker, "ride-payments", [authorize(ride.id)]);
      // ended, so that nothing moves them while the test looks
      unwrap(await stub.cancel(i === 0 ? ops : { id: riderId, role: "rider" }, "test", `req-${i}`));
      await relay(stub);
    }
    const projected = await deliver(viewsWorker, "ride-events", published);
    expect(projected.result.ackAll).toBe(true);
    const ids = new Set(rides.map((r) => r.id));
    const riderList = () => call<{ items: Ride[] }>("GET", "/v1/rides?limit=100", "rider", undefined, riderId);
    const before = { rider: (await riderList()).body.items, ops: await opsListOf(ids) };
    expect(before.rider).toHaveLength(3);
    expect(before.ops).toHaveLength(3);

    const list = [...ids].map((id) => `'${id}'`).join(",");
    await testEnv.VIEWS_DB.batch([
      testEnv.VIEWS_DB.prepare(`DELETE FROM earnings WHERE ride_id IN (${list})`),
      testEnv.VIEWS_DB.prepare(`DELETE FROM rides WHERE id IN (${list})`),
    ]);
    expect((await riderList()).body.items).toEqual([]);

    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call<{ rebuilt: number; nextCursor: string | null }>("POST", "/v1/ops/views/rebuild", "ops", { cursor, limit: 50 });
      expect(page.status).toBe(200);
      cursor = page.body.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 100);
    expect(cursor).toBeUndefined();

    expect((await riderList()).body.items).toEqual(before.rider);
    expect(await opsListOf(ids)).toEqual(before.ops);
    for (const { stub, id } of rides) expect((await viewRow(id))?.version).toBe((await rideOf(stub)).version);
  });

  it("a ride the views never heard of comes back with the rebuild, and the consoles' maps hear of it", async () => {
    const riderId = uniqueId("r");
    const { stub, ride } = await createCaptured([], { riderId }); // every message of this ride to the views is lost
    await deliver(paymentWorker, "ride-payments", [authorize(ride.id)]);
    unwrap(await stub.cancel({ id: riderId, role: "rider" }, "changed my mind", "req-cancel"));
    await relay(stub);
    expect(await viewRow(ride.id)).toBeNull();

    const console_ = await watchCity();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call<{ nextCursor: string | null }>("POST", "/v1/ops/views/rebuild", "ops", { cursor, limit: 50 });
      expect(page.status).toBe(200);
      cursor = page.body.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 100);
    const now = await rideOf(stub);
    expect(await viewRow(ride.id)).toEqual({ status: "cancelled", version: now.version });
    await console_.sawRide(now);
    console_.close();
  });
});
