/**
 * The operators' live feed inside workerd: the OpsFeed object accepts only an ops
 * socket, starts it with a snapshot from the D1 views, forwards what the views worker
 * publishes after a batch to the sockets whose topics match, merges the Driver DO's
 * throttled position pushes, answers the push interval, and sends stats from an alarm
 * that stops when nobody watches them.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RideEventMessage, ViewsMessage } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import { liveRequest, RECONNECT, TOKEN_EXPIRED } from "../../src/durable-objects/live";
import type { OpsFeedDurableObject } from "../../src/durable-objects/ops-feed";
import { driverMarker, rideMarker, TOPICS_HEADER, UNWATCHED_PUSH_MS, WATCHED_PUSH_MS } from "../../src/ops-feed/feed";
import viewsWorker from "../../workers/views/index";
import { onlineDriver, testEnv, uniqueId, until } from "./helpers";
import { countEnded } from "../../src/views/stats";
import type { LeaseKeeper } from "../../src/ops-feed/lease-keeper";

const ops = { id: "ops-1", role: "ops" as const };
/** The deployment's one feed, which the views worker and the Driver DOs talk to. */
const city = () => testEnv.OPS_FEED.get(testEnv.OPS_FEED.idFromName("city"));
/** A feed of its own, for tests that must see no one else's traffic. */
const ownFeed = () => testEnv.OPS_FEED.get(testEnv.OPS_FEED.idFromName(uniqueId("feed")));

type Frame = {
  type: string;
  rides?: { id: string; status: string; version: number }[];
  drivers?: { id: string }[];
  ride?: { id: string; status: string; version: number };
  driver?: { id: string; status: string; location: { lat: number; lng: number } | null };
  stats?: Record<string, unknown>;
};

async function connect(feed: DurableObjectStub<OpsFeedDurableObject>, actor = ops, expiresAt = Date.now() + 3_600_000, topics?: string) {
  const request = liveRequest("http://gateway/v1/ops/live", actor, expiresAt);
  if (topics !== undefined) request.headers.set(TOPICS_HEADER, topics);
  const response = await feed.fetch(request);
  expect(response.status).toBe(101);
  const ws = response.webSocket!;
  const frames: Frame[] = [];
  let closed: number | null = null;
  ws.accept();
  ws.addEventListener("message", (e) => {
    frames.push(String(e.data) === "pong" ? { type: "pong" } : (JSON.parse(String(e.data)) as Frame));
  });
  ws.addEventListener("close", (e) => (closed = e.code));
  const waitFor = (match: (f: Frame) => boolean, what: string) => until(async () => frames.find(match), what, 5_000);
  const closedWith = () => until(async () => closed ?? undefined, "the socket closed", 5_000);
  return { ws, frames, waitFor, closedWith };
}

/** A console watching the map (its snapshot read) and a stats-only one beside it, which no catch-up or lease concerns. */
async function mapAndStatsConsoles(feed: DurableObjectStub<OpsFeedDurableObject>) {
  const map = await connect(feed);
  await map.waitFor((f) => f.type === "snapshot", "the snapshot");
  const quiet = await connect(feed);
  quiet.ws.send(JSON.stringify({ type: "subscribe", topics: ["stats"] }));
  await quiet.waitFor((f) => f.type === "stats", "stats");
  return { map, quiet };
}

function rideMessage(rideId: string, version: number, status: Ride["status"]): RideEventMessage {
  const at = `2026-12-01T05:00:0${version}.000Z`;
  const ride = {
    id: rideId,
    status,
    version,
    riderId: "r-ops",
    product: "standard",
    pickup: { lat: 37.5, lng: 127 },
    dropoff: { lat: 37.52, lng: 127.02 },
    quote: { amount: 9800, currency: "KRW" },
    driver: null,
    etaSeconds: null,
    fare: null,
    payment: { status: "pending" },
    cancellation: null,
    distanceMeters: 1,
    durationSeconds: 1,
    locale: "ko",
    createdAt: "2026-12-01T05:00:00.000Z",
    updatedAt: at,
  } as Ride;
  const event = { id: `${rideId}_ev${version}`, type: "X", rideId, version, occurredAt: at, correlationId: "c", causationId: null, data: {} };
  return { kind: "ride.event", ride, event };
}

/** Runs the views worker on `bodies` as one batch (it writes D1, then publishes to the city feed while a console watches). */
async function viewsBatch(bodies: ViewsMessage[], env: Env = testEnv) {
  const batch = createMessageBatch<ViewsMessage>(
    "ride-events",
    bodies.map((body, i) => ({ id: uniqueId(`m${i}`), timestamp: Date.now(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await viewsWorker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** The test env, with every stub the views worker takes of the feed counted. */
function countingFeedCalls() {
  const counted = { stubs: 0 };
  const feeds = testEnv.OPS_FEED;
  const OPS_FEED = {
    idFromName: (name: string) => feeds.idFromName(name),
    get: (id: DurableObjectId) => {
      counted.stubs += 1;
      return feeds.get(id);
    },
  } as unknown as Env["OPS_FEED"];
  return { env: { ...testEnv, OPS_FEED }, counted };
}

/** Sets the watch lease's `until` to `secondsFromNow` of D1's clock (negative: run out). */
const leaseAt = (secondsFromNow: number) =>
  testEnv.VIEWS_DB.prepare("INSERT INTO ops_watch (name, until) VALUES ('markers', unixepoch() + ?1) ON CONFLICT (name) DO UPDATE SET until = excluded.until")
    .bind(secondsFromNow)
    .run();
const leaseAhead = async () =>
  (await testEnv.VIEWS_DB.prepare("SELECT count(*) AS n FROM ops_watch WHERE until > unixepoch()").first<{ n: number }>())?.n === 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The feed's hold on the lease (its renewal time set by hand: due now, as after a wake, or not for an hour). */
const leaseOf = (instance: OpsFeedDurableObject) => (instance as unknown as { lease: LeaseKeeper }).lease;
/** A views database that answers nothing (the feed's own binding swapped for it, then back). */
const down = {
  prepare: () => ({ bind: () => down.prepare(), all: () => Promise.reject(new Error("D1_ERROR: Network connection lost.")) }),
  batch: () => Promise.reject(new Error("D1_ERROR: Network connection lost.")),
};
/** `leaseOnly`: only batches fail (the lease's renewal); the snapshot's reads go through. */
async function viewsDown(feed: DurableObjectStub<OpsFeedDurableObject>, leaseOnly = false): Promise<() => Promise<void>> {
  const kept = await runInDurableObject(feed, (instance: OpsFeedDurableObject) => {
    const env = (instance as unknown as { env: Env }).env;
    const views = env.VIEWS_DB;
    const noBatch = { prepare: (sql: string) => views.prepare(sql), batch: down.batch };
    env.VIEWS_DB = (leaseOnly ? noBatch : down) as unknown as D1Database;
    return views;
  });
  return () => runInDurableObject(feed, (instance: OpsFeedDurableObject) => void ((instance as unknown as { env: Env }).env.VIEWS_DB = kept));
}

describe("OpsFeed", () => {
  it("refuses anyone but an operator, and a request that is not an upgrade", async () => {
    expect((await ownFeed().fetch(liveRequest("http://gateway/v1/ops/live", { id: "r1", role: "rider" }, Date.now() + 3_600_000))).status).toBe(403);
    expect((await ownFeed().fetch(liveRequest("http://gateway/v1/ops/live", { id: "d1", role: "driver" }, Date.now() + 3_600_000))).status).toBe(403);
    expect((await ownFeed().fetch(new Request("http://gateway/v1/ops/live", { headers: { upgrade: "websocket" } }))).status).toBe(400);
  });

  it("with no console watching the map, the views worker writes its batch and calls no feed; once one watches, it tells it", async () => {
    const { env, counted } = countingFeedCalls();
    // no lease ever kept (a fresh deployment, or the gateway's feed not yet deployed with it)
    await testEnv.VIEWS_DB.prepare("DELETE FROM ops_watch").run();
    const unseen = uniqueId("rd");
    expect((await viewsBatch([rideMessage(unseen, 1, "requested")], env)).ackAll).toBe(true);
    expect(counted.stubs).toBe(0);
    const row = await testEnv.VIEWS_DB.prepare("SELECT status FROM rides WHERE id = ?1").bind(unseen).first<{ status: string }>();
    expect(row?.status).toBe("requested");

    // a stats-only console does not watch the map
    const statsFeed = ownFeed();
    const stats = await connect(statsFeed);
    stats.ws.send(JSON.stringify({ type: "subscribe", topics: ["stats"] }));
    await stats.waitFor((f) => f.type === "stats", "stats");
    await leaseAt(-1);
    await viewsBatch([rideMessage(unseen, 2, "dispatching")], env);
    expect(counted.stubs).toBe(0);
    await runInDurableObject(statsFeed, (instance: OpsFeedDurableObject) => void (leaseOf(instance).renewAt = 0));
    expect(await runDurableObjectAlarm(statsFeed)).toBe(true);
    expect(await leaseAhead(), "its alarm renews no lease").toBe(false);

    const map = await connect(city());
    const snapshot = await map.waitFor((f) => f.type === "snapshot", "the snapshot");
    expect(snapshot.rides).toContainEqual(expect.objectContaining({ id: unseen, version: 2 }));
    expect(await leaseAhead()).toBe(true);
    await viewsBatch([rideMessage(unseen, 3, "driver_assigned")], env);
    expect(counted.stubs).toBe(1);
    await map.waitFor((f) => f.type === "ride" && f.ride?.id === unseen && f.ride.version === 3, "the change, told");

    // the lease compared with D1's own clock: one ending this second is over
    await leaseAt(0);
    await viewsBatch([rideMessage(unseen, 4, "cancelled")], env);
    expect(counted.stubs).toBe(1);
    map.ws.close();
    stats.ws.close();
  });

  it("a ride's late message (a retry of a change the views have long superseded) is not told: the ride, ended while nobody watched, stays off every map", async () => {
    const ended = uniqueId("rd");
    const live = uniqueId("rd");
    // It ended while no console watched: the feed never heard of it.
    await leaseAt(-10);
    const { env, counted } = countingFeedCalls();
    await viewsBatch([rideMessage(ended, 1, "requested"), rideMessage(ended, 9, "completed")], env);
    expect(counted.stubs).toBe(0);
    const map = await connect(city());
    const snapshot = await map.waitFor((f) => f.type === "snapshot", "the snapshot");
    expect(snapshot.rides!.map((r) => r.id)).not.toContain(ended);
    // Its version 3 retried late; then another ride's news, which the socket carries after whatever the first batch sent.
    await viewsBatch([rideMessage(ended, 3, "driver_assigned")]);
    await viewsBatch([rideMessage(live, 1, "requested")]);
    await map.waitFor((f) => f.type === "ride" && f.ride?.id === live, "the other ride's news");
    expect(map.frames.filter((f) => f.type === "ride" && f.ride?.id === ended)).toEqual([]);
    const row = await testEnv.VIEWS_DB.prepare("SELECT status, version FROM rides WHERE id = ?1").bind(ended).first();
    expect(row).toEqual({ status: "completed", version: 9 });
    map.ws.close();
  });

  it("a console's connect takes the lease itself, before its snapshot, not at the alarm's next renewal", async () => {
    const feed = ownFeed();
    await runInDurableObject(feed, (instance: OpsFeedDurableObject) => void (leaseOf(instance).renewAt = Date.now() + 3_600_000));
    await testEnv.VIEWS_DB.prepare("DELETE FROM ops_watch").run();
    const map = await connect(feed);
    expect(await leaseAhead()).toBe(true);
    const renewal = await runInDurableObject(feed, (_i: OpsFeedDurableObject, state) => state.storage.getAlarm());
    expect(renewal).toBeGreaterThan(Date.now() + 30_000);
    map.ws.close();
  });

  it("a lease that ran out while a console watched: its next renewal sends that console a fresh snapshot with what nobody told it, not a stats-only one", async () => {
    const { map, quiet } = await mapAndStatsConsoles(city());
    await leaseAt(-1);
    const missed = uniqueId("rd");
    await viewsBatch([rideMessage(missed, 1, "requested")]);
    await sleep(200);
    expect(map.frames.some((f) => f.ride?.id === missed)).toBe(false);

    // the renewal is due (as after a wake: memory new), and the alarm runs
    await runInDurableObject(city(), (instance: OpsFeedDurableObject) => void (leaseOf(instance).renewAt = 0));
    expect(await runDurableObjectAlarm(city())).toBe(true);
    const fresh = await map.waitFor((f) => f.type === "snapshot" && map.frames.indexOf(f) > 0, "the fresh snapshot");
    expect(fresh.rides).toContainEqual(expect.objectContaining({ id: missed, version: 1 }));
    expect(await leaseAhead()).toBe(true);
    expect(quiet.frames.filter((f) => f.type === "snapshot")).toHaveLength(2); // its connect's and its subscription's only

    // a renewal that finds the lease still ahead sends nothing again
    await runInDurableObject(city(), (instance: OpsFeedDurableObject) => void (leaseOf(instance).renewAt = 0));
    await runDurableObjectAlarm(city());
    await sleep(200);
    expect(map.frames.filter((f) => f.type === "snapshot")).toHaveLength(2);

    // one whose last success is longer ago than the lease is a gap, whatever D1 answers (a renewal that committed but answered an error)
    await runInDurableObject(city(), (instance: OpsFeedDurableObject) => {
      const lease = leaseOf(instance) as unknown as { renewAt: number; renewedAt: number };
      [lease.renewAt, lease.renewedAt] = [0, Date.now() - 181_000];
    });
    await runDurableObjectAlarm(city());
    await until(async () => (map.frames.filter((f) => f.type === "snapshot").length === 3 ? true : undefined), "a third snapshot");

    // an alarm lost is set again at the console's next ping
    await runInDurableObject(city(), (_i: OpsFeedDurableObject, state) => state.storage.deleteAlarm());
    map.ws.send("ping");
    await map.waitFor((f) => f.type === "pong", "pong");
    await until(
      async () => ((await runInDurableObject(city(), (_i: OpsFeedDurableObject, state) => state.storage.getAlarm())) !== null ? true : undefined),
      "the alarm again",
    );
    map.ws.close();
    quiet.ws.close();
  });

  it("the views down as a run-out lease is renewed: the consoles watching the map connect again (1012); a subscription whose map could not be read too", async () => {
    const { map, quiet } = await mapAndStatsConsoles(city());
    const snapshotFails = (feed: DurableObjectStub<OpsFeedDurableObject>) =>
      runInDurableObject(feed, (instance: OpsFeedDurableObject) => {
        const inside = instance as unknown as { snapshot: () => Promise<string> };
        const kept = inside.snapshot;
        inside.snapshot = () => Promise.reject(new Error("D1_ERROR: Network connection lost."));
        leaseOf(instance).renewAt = 0;
        return () => runInDurableObject(feed, (again: OpsFeedDurableObject) => void ((again as unknown as { snapshot: unknown }).snapshot = kept));
      });
    await leaseAt(-1);
    const restore = await snapshotFails(city());
    try {
      await runDurableObjectAlarm(city());
      expect(await map.closedWith()).toBe(RECONNECT.code);
      await sleep(100);
      expect(quiet.frames.filter((f) => f.type === "snapshot")).toHaveLength(2);
    } finally {
      await restore();
    }

    const feed = ownFeed();
    const console2 = await connect(feed);
    const restoreOwn = await snapshotFails(feed);
    try {
      console2.ws.send(JSON.stringify({ type: "subscribe", topics: ["rides"] }));
      expect(await console2.closedWith()).toBe(RECONNECT.code);
    } finally {
      await restoreOwn();
    }

    // no lease, no map: a connect is refused 503 (the gateway's `unavailable`), a subscription to it connects again
    const third = ownFeed();
    const watcher = await connect(third, ops, Date.now() + 3_600_000, "stats");
    const back = await viewsDown(third, true);
    try {
      const refused = await third.fetch(liveRequest("http://gateway/v1/ops/live", ops, Date.now() + 3_600_000));
      expect(refused.status).toBe(503);
      watcher.ws.send(JSON.stringify({ type: "subscribe", topics: ["drivers"] }));
      expect(await watcher.closedWith()).toBe(RECONNECT.code);
    } finally {
      await back();
    }
    quiet.ws.close();
  });

  it("after a time nobody watched, the first console's connect drops the rides in memory and checks the drivers against the views: one gone off duty unheard is forgotten", async () => {
    const feed = ownFeed();
    const offline = uniqueId("d");
    const onDuty = uniqueId("d");
    const driver = (id: string, version: number, status: "available" | "offline" = "available") => ({
      id,
      name: "Kim",
      vehicle: { plate: "1", model: "m", product: "standard" as const },
      approval: "approved" as const,
      status,
      location: { lat: 37.5, lng: 127 },
      locationAt: "2026-12-01T05:00:00.000Z",
      currentRideId: null,
      version,
      createdAt: "2026-12-01T04:00:00.000Z",
      updatedAt: "2026-12-01T04:00:00.000Z",
    });
    const marker = (id: string, version: number) => driverMarker(driver(id, version));
    // nobody watching: pushes and a ride the feed heard of while a console watched, before the lease ran out
    await feed.driverMoved(marker(offline, 3));
    await feed.driverMoved(marker(onDuty, 3));
    const handedOver = uniqueId("rd");
    await runInDurableObject(feed, (instance: OpsFeedDurableObject) => void instance.publish([rideMarker(rideMessage(handedOver, 1, "requested").ride)], []));
    const sizes = () =>
      runInDurableObject(feed, (instance: OpsFeedDurableObject) => {
        const inside = instance as unknown as { drivers: { ids(): string[] }; rides: { ids(): string[] } };
        return { drivers: inside.drivers.ids().sort(), rides: inside.rides.ids() };
      });
    expect((await sizes()).rides).toEqual([handedOver]);
    // the views: one went off duty at 4 (told nobody), the other is on duty; the ride is not theirs any more
    const row = (id: string, status: "available" | "offline", version: number) =>
      testEnv.VIEWS_DB.prepare(
        "INSERT INTO drivers (id, name, status, approval, product, version, updated_at, snapshot) VALUES (?1, 'Kim', ?2, 'approved', 'standard', ?3, ?4, ?5)",
      )
        .bind(id, status, version, new Date().toISOString(), JSON.stringify(driver(id, version, status)))
        .run();
    await row(offline, "offline", 4);
    await row(onDuty, "available", 3);
    await leaseAt(-1);

    // a console of rides only: its snapshot reads no driver, so only the check forgets one
    const map = await connect(feed, ops, Date.now() + 3_600_000, "rides");
    await map.waitFor((f) => f.type === "snapshot", "the snapshot");
    expect((await sizes()).rides).toEqual([]);
    await until(async () => ((await sizes()).drivers.join() === onDuty ? true : undefined), "the driver gone off duty forgotten");
    map.ws.close();
  });

  it("two consoles connecting together after a time nobody watched: the second waits for the first's renewal, so neither snapshot shows a ride memory kept from before", async () => {
    const feed = ownFeed();
    const stale = uniqueId("rd"); // heard of before the quiet time; the views' window handed it over since (no row)
    await runInDurableObject(feed, (instance: OpsFeedDurableObject) => void instance.publish([rideMarker(rideMessage(stale, 1, "requested").ride)], []));
    await leaseAt(-1);
    // The renewal that finds the lease run out answers only once the second console asked for one too (or 2 s): a second
    // renewal made meanwhile would find the lease ahead at once.
    const renewals = await runInDurableObject(feed, (instance: OpsFeedDurableObject) => {
      const inside = instance as unknown as { holdWatch: (except?: WebSocket) => Promise<unknown> };
      const lease = leaseOf(instance) as unknown as { renew: () => Promise<{ lapsed: boolean }> };
      const [realRenew, realHold] = [lease.renew, inside.holdWatch.bind(instance)];
      const made = { renewals: 0, asked: 0 };
      inside.holdWatch = (except) => (made.asked++, realHold(except));
      lease.renew = async () => {
        made.renewals++;
        const answer = await realRenew();
        for (let waited = 0; answer.lapsed && made.asked < 2 && waited < 2_000; waited += 50) await sleep(50);
        if (answer.lapsed) await sleep(300); // and then some: a second renewal of its own would answer first
        return answer;
      };
      return () => runInDurableObject(feed, () => made);
    });
    const consoles = await Promise.all([connect(feed), connect(feed)]);
    for (const c of consoles) {
      const snapshot = await c.waitFor((f) => f.type === "snapshot", "the snapshot");
      expect(snapshot.rides?.map((r) => r.id)).not.toContain(stale);
    }
    expect(await renewals()).toEqual({ renewals: 1, asked: 2 });
    for (const c of consoles) c.ws.close();
  });

  it("a change published while a console's connect waits for its stats (the payments' health is slow) reaches that console", async () => {
    const feed = ownFeed();
    await runInDurableObject(feed, (instance: OpsFeedDurableObject) => {
      const inside = instance as unknown as { statsFrameOrNone: () => Promise<string | null> };
      const real = inside.statsFrameOrNone.bind(instance);
      inside.statsFrameOrNone = async () => {
        await sleep(400);
        return real();
      };
    });
    const changed = uniqueId("rd");
    const connecting = connect(feed, ops, Date.now() + 3_600_000, "rides,stats");
    await sleep(150);
    expect(await feed.publish([rideMarker(rideMessage(changed, 1, "requested").ride)], [])).toBe(0); // no socket yet to send it to
    const console_ = await connecting;
    await until(
      async () => (console_.frames.some((f) => f.ride?.id === changed || (f.type === "snapshot" && f.rides?.some((r) => r.id === changed))) ? true : undefined),
      "the change, in the snapshot or after it",
    );
    console_.ws.close();
  });

  it("a console that names its topics as it connects gets its snapshot and stats as its first frames, with no subscription; stats alone take no lease", async () => {
    const feed = ownFeed();
    await testEnv.VIEWS_DB.prepare("DELETE FROM ops_watch").run();
    const quiet = await connect(feed, ops, Date.now() + 3_600_000, "stats");
    await until(async () => (quiet.frames.length >= 2 ? true : undefined), "two frames");
    expect(quiet.frames.map((f) => f.type)).toEqual(["snapshot", "stats"]);
    expect([quiet.frames[0]!.rides, quiet.frames[0]!.drivers]).toEqual([[], []]);
    expect(await leaseAhead()).toBe(false);
    expect(await runInDurableObject(feed, (_i: OpsFeedDurableObject, state) => state.storage.getAlarm())).not.toBeNull();

    const full = await connect(city(), ops, Date.now() + 3_600_000, "rides,drivers,stats");
    await until(async () => (full.frames.length >= 2 ? true : undefined), "two frames");
    expect(full.frames.map((f) => f.type)).toEqual(["snapshot", "stats"]);
    expect(await leaseAhead()).toBe(true);
    const rideId = uniqueId("rd");
    await viewsBatch([rideMessage(rideId, 1, "requested")]);
    await full.waitFor((f) => f.type === "ride" && f.ride?.id === rideId, "the ride, to a socket subscribed from the start");
    expect(quiet.frames.some((f) => f.type === "ride")).toBe(false);
    quiet.ws.close();
    full.ws.close();
  });

  it("a console whose token expired is closed (4401) at its next frame instead of being sent it, and at its next ping", async () => {
    const current = await connect(city());
    const expiring = await connect(city(), ops, Date.now() + 400);
    const pinging = await connect(ownFeed(), ops, Date.now() + 400); // a feed nothing publishes to: only its ping can close it
    await expiring.waitFor((f) => f.type === "snapshot", "the snapshot");
    await sleep(500);

    const rideId = uniqueId("rd");
    await viewsBatch([rideMessage(rideId, 1, "requested")]);
    await current.waitFor((f) => f.type === "ride" && f.ride?.id === rideId, "the ride, on the socket whose token holds");
    expect(await expiring.closedWith()).toBe(TOKEN_EXPIRED.code);
    expect(expiring.frames.some((f) => f.type === "ride")).toBe(false);

    pinging.ws.send("ping");
    expect(await pinging.closedWith()).toBe(TOKEN_EXPIRED.code);
    expect(pinging.frames.some((f) => f.type === "pong")).toBe(false);
    current.ws.close();
  });

  it("starts with a snapshot of the open rides; the views worker's batch reaches rides sockets, each change once and in order, never a stats-only one", async () => {
    const open = uniqueId("rd");
    const done = uniqueId("rd");
    expect((await viewsBatch([rideMessage(open, 1, "requested"), rideMessage(done, 1, "requested"), rideMessage(done, 2, "cancelled")])).ackAll).toBe(true);

    const map = await connect(city());
    const quiet = await connect(city());
    const snapshot = await map.waitFor((f) => f.type === "snapshot", "the snapshot");
    expect(snapshot.rides!.map((r) => r.id)).toContain(open);
    expect(snapshot.rides!.map((r) => r.id)).not.toContain(done);

    quiet.ws.send(JSON.stringify({ type: "subscribe", topics: ["stats"] }));
    const quietSnapshot = await quiet.waitFor((f) => f.type === "snapshot" && quiet.frames.indexOf(f) > 0, "the stats-only snapshot");
    expect([quietSnapshot.rides, quietSnapshot.drivers]).toEqual([[], []]);
    await quiet.waitFor((f) => f.type === "stats", "stats at once");

    // one batch with two changes of the ride, out of order and one twice: each once, in order
    await viewsBatch([rideMessage(open, 3, "driver_assigned"), rideMessage(open, 2, "dispatching"), rideMessage(open, 3, "driver_assigned")]);
    const changed = await map.waitFor((f) => f.type === "ride" && f.ride?.id === open && f.ride.version === 3, "the ride's change");
    expect(changed.ride).toMatchObject({ status: "driver_assigned", version: 3 });
    // a late, older batch moves nothing back; the ride's last change (cancelled) still goes out
    await viewsBatch([rideMessage(open, 2, "dispatching")]);
    await viewsBatch([rideMessage(open, 4, "cancelled")]);
    await map.waitFor((f) => f.type === "ride" && f.ride?.status === "cancelled" && f.ride.id === open, "the last change");
    expect(map.frames.filter((f) => f.type === "ride" && f.ride?.id === open).map((f) => f.ride!.version)).toEqual([2, 3, 4]);
    expect(quiet.frames.some((f) => f.type === "ride")).toBe(false);

    map.ws.send("ping");
    await map.waitFor((f) => f.type === "pong", "pong");
    map.ws.send("not json");
    map.ws.send(JSON.stringify({ type: "subscribe", topics: "rides" }));
    map.ws.send("ping");
    await until(async () => (map.frames.filter((f) => f.type === "pong").length === 2 ? true : undefined), "still open after junk");
    map.ws.close();
    quiet.ws.close();
  });

  it("a position push reaches drivers sockets and answers the interval: long unwatched, short watched", async () => {
    const feed = ownFeed();
    const d = (lat: number, locationAt: string, version = 3) =>
      driverMarker({
        id: "d-push",
        name: "Kim",
        vehicle: { plate: "1", model: "m", product: "standard" },
        approval: "approved",
        status: "available",
        location: { lat, lng: 127 },
        locationAt,
        currentRideId: null,
        version,
        createdAt: "2026-12-01T04:00:00.000Z",
        updatedAt: "2026-12-01T04:00:00.000Z",
      });
    expect(await feed.driverMoved(d(37.5, "2026-12-01T05:00:00.000Z"))).toBe(UNWATCHED_PUSH_MS);
    const ridesOnly = await connect(feed);
    ridesOnly.ws.send(JSON.stringify({ type: "subscribe", topics: ["rides"] }));
    await until(async () => (ridesOnly.frames.length === 2 ? true : undefined), "the rides-only snapshot");
    expect(await feed.driverMoved(d(37.51, "2026-12-01T05:00:05.000Z"))).toBe(UNWATCHED_PUSH_MS);

    const map = await connect(feed);
    const snapshot = await map.waitFor((f) => f.type === "snapshot", "the snapshot");
    // what the feed holds in memory is in the snapshot (this feed's views have no such driver)
    expect(snapshot.drivers).toContainEqual(expect.objectContaining({ id: "d-push", location: { lat: 37.51, lng: 127 } }));
    expect(await feed.driverMoved(d(37.52, "2026-12-01T05:00:10.000Z"))).toBe(WATCHED_PUSH_MS);
    const moved = await map.waitFor((f) => f.type === "driver", "the moved marker");
    expect(moved.driver!.location).toEqual({ lat: 37.52, lng: 127 });
    // an event older than the position moves nothing: no frame
    expect(await runInDurableObject(feed, (instance: OpsFeedDurableObject) => instance.publish([], [d(37.4, "2026-12-01T04:59:00.000Z", 2)]))).toBe(0);
    expect(ridesOnly.frames.some((f) => f.type === "driver")).toBe(false);
  });

  it("a Driver DO's location report pushes its position to the city feed, without an event", async () => {
    const map = await connect(city());
    await map.waitFor((f) => f.type === "snapshot", "the snapshot");
    const driver = await onlineDriver({ lat: 37.55, lng: 126.97 });
    expect((await driver.stub.updateLocation({ lat: 37.56, lng: 126.98 })).ok).toBe(true);
    const moved = await map.waitFor((f) => f.type === "driver" && f.driver?.id === driver.id, "the driver's position");
    expect(moved.driver).toMatchObject({ status: "available", location: { lat: 37.56, lng: 126.98 } });
    map.ws.close();
  });

  it("a driver who goes off duty while no console watches tells the city feed itself: it stops counting them at once, not at the next console's check", async () => {
    const inside = (instance: OpsFeedDurableObject) => instance as unknown as { drivers: { ids(): string[] }; watching(topic: string): WebSocket[] };
    await until(
      async () => ((await runInDurableObject(city(), (i: OpsFeedDurableObject) => inside(i).watching("drivers").length)) === 0 ? true : undefined),
      "no console watching drivers (the earlier tests' closed)",
    );
    const known = (id: string) => runInDurableObject(city(), (instance: OpsFeedDurableObject) => inside(instance).drivers.ids().includes(id));
    const driver = await onlineDriver({ lat: 37.57, lng: 126.99 });
    expect((await driver.stub.updateLocation({ lat: 37.571, lng: 126.99 })).ok).toBe(true);
    await until(async () => ((await known(driver.id)) ? true : undefined), "the position pushed");
    const offline = await driver.stub.goOffline("c");
    expect(offline.ok && offline.value.status).toBe("offline");
    // no views batch runs here, and no console connects: only the Driver DO's own push can take them off
    await until(async () => ((await known(driver.id)) ? undefined : true), "the driver forgotten");
    // a late position push of theirs is dropped (older than their leaving)
    const late = driverMarker({ ...(await driver.stub.get())!, status: "available", version: offline.ok ? offline.value.version - 1 : 0 });
    await city().driverMoved(late);
    expect(await known(driver.id)).toBe(false);
  });

  it("stats frames count the rides under way afresh each time, and the ended ones (a walk of every one kept) once in ten minutes", async () => {
    const feed = ownFeed();
    const watcher = await connect(feed);
    watcher.ws.send(JSON.stringify({ type: "subscribe", topics: ["stats"] }));
    const first = await watcher.waitFor((f) => f.type === "stats", "stats at once");
    const counts = (frame: Frame) => (frame.stats as { ridesByStatus: Record<string, number> }).ridesByStatus;
    await viewsBatch([rideMessage(uniqueId("rd"), 1, "requested"), rideMessage(uniqueId("rd"), 1, "completed")]);
    await runDurableObjectAlarm(feed);
    const second = await until(async () => watcher.frames.filter((f) => f.type === "stats")[1], "the next stats");
    expect((counts(second).requested ?? 0) - (counts(first).requested ?? 0)).toBe(1);
    expect(counts(second).completed ?? 0, "the ended counts are the ones read ten minutes at most ago").toBe(counts(first).completed ?? 0);
    const fresh = await countEnded(testEnv.VIEWS_DB);
    expect(fresh.find((c) => c.status === "completed")?.n).toBe((counts(first).completed ?? 0) + 1);
    watcher.ws.close();
  });

  it("a stats subscription whose first answer failed (the views down) still gets stats from the alarm once they are back", async () => {
    const feed = ownFeed();
    const watcher = await connect(feed, ops, Date.now() + 3_600_000, ""); // watching nothing: no alarm yet
    expect(await runInDurableObject(feed, (_i: OpsFeedDurableObject, state) => state.storage.getAlarm())).toBeNull();
    const back = await viewsDown(feed);
    try {
      watcher.ws.send(JSON.stringify({ type: "subscribe", topics: ["stats"] }));
      await until(
        async () => ((await runInDurableObject(feed, (_i: OpsFeedDurableObject, state) => state.storage.getAlarm())) !== null ? true : undefined),
        "the stats alarm",
      );
      expect(watcher.frames.filter((f) => f.type === "stats")).toHaveLength(0);
    } finally {
      await back();
    }
    expect(await runDurableObjectAlarm(feed)).toBe(true);
    const stats = await watcher.waitFor((f) => f.type === "stats", "stats from the alarm");
    expect(stats.stats).toHaveProperty("ridesByStatus");
    watcher.ws.close();
  });

  it("sends stats every few seconds while a socket watches them, and stops its alarm once none does", async () => {
    const feed = ownFeed();
    const watcher = await connect(feed);
    watcher.ws.send(JSON.stringify({ type: "subscribe", topics: ["stats", "rides"] }));
    const first = await watcher.waitFor((f) => f.type === "stats", "stats at once");
    expect(first.stats).toHaveProperty("ridesByStatus");
    expect(first.stats).toHaveProperty("dispatchTimeMs");
    expect(first.stats).toHaveProperty("payments");
    expect(await runInDurableObject(feed, (_i: OpsFeedDurableObject, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await runDurableObjectAlarm(feed)).toBe(true);
    await until(async () => (watcher.frames.filter((f) => f.type === "stats").length >= 2 ? true : undefined), "stats from the alarm");
    expect(await runInDurableObject(feed, (_i: OpsFeedDurableObject, state) => state.storage.getAlarm())).not.toBeNull();

    // rides only: the alarm is the lease's renewal, a minute on, not the stats'
    watcher.ws.send(JSON.stringify({ type: "subscribe", topics: ["rides"] }));
    await until(async () => (watcher.frames.filter((f) => f.type === "snapshot").length === 3 ? true : undefined), "the new snapshot");
    const stats = watcher.frames.filter((f) => f.type === "stats").length;
    await runDurableObjectAlarm(feed);
    const renewal = await runInDurableObject(feed, (_i: OpsFeedDurableObject, state) => state.storage.getAlarm());
    expect(renewal).toBeGreaterThan(Date.now() + 30_000);
    expect(watcher.frames.filter((f) => f.type === "stats")).toHaveLength(stats);

    // nobody watching anything: the alarm runs once more and sets none
    watcher.ws.close();
    await until(
      async () => ((await runInDurableObject(feed, (_i: OpsFeedDurableObject, state) => state.getWebSockets().length)) === 0 ? true : undefined),
      "the socket gone",
    );
    await runDurableObjectAlarm(feed);
    expect(await runInDurableObject(feed, (_i: OpsFeedDurableObject, state) => state.storage.getAlarm())).toBeNull();
  });
});
