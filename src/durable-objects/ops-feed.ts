/**
 * OpsFeed: the operators' live socket (GET /v1/ops/live), one object for the city. It
 * holds the consoles' hibernatable sockets, each with the topics it chose in its
 * attachment (so the filter survives hibernation), and forwards what reaches it:
 *
 * - ride and driver markers, published by the views worker once it has written a batch, and by
 *   the views' repair, rebuild and replay once they wrote theirs (`publish`, ./ops-publish.ts);
 * - drivers' positions, pushed by the Driver DOs, throttled on their side by the interval
 *   this object answers (`driverMoved`), and a driver's offline marker as they go off duty;
 * - the GET /v1/ops/stats figures every 5 s, from its alarm while a socket watches `stats`.
 *
 * While a socket watches the map (rides or drivers) it keeps a lease in the views database
 * ahead (src/views/ops-watch.ts): the views worker publishes only while it is, so a city nobody
 * watches costs no call per batch. The same alarm renews it every minute (src/ops-feed/wake.ts).
 *
 * A snapshot (open rides, drivers on duty) comes from the D1 views, with the fresher positions
 * held here. The rules are pure, in src/ops-feed/feed.ts; this class only wires. Its memory
 * (positions, versions sent) is lost on eviction, rebuilt by the next pushes: the views stay the truth.
 */
import {
  byMapTopics,
  DEFAULT_TOPICS,
  driverMarker,
  isOpenRide,
  mergeDriver,
  newerRide,
  parseClientMessage,
  pushIntervalMs,
  rideMarker,
  snapshotFrame,
  topicsOf,
  topicsParam,
  TOPICS_HEADER,
  watchesMap,
  type DriverMarker,
  type RideMarker,
  type Topic,
} from "../ops-feed/feed";
import { checkDrivers, driversOnDuty, MAP_LIMIT, openRides, statesIn } from "../views/ops-map";
import { MarkerBoard } from "../ops-feed/marker-board";
import { countEnded, ENDED_COUNTS_EVERY_MS, opsStats, type RideCounts } from "../views/stats";
import { acceptLive, actorFromHeaders, closeWith, onLiveClose, onLiveMessage, openSockets, RECONNECT, spendTicketOf } from "./live";
import { StoredObject } from "./stored-object";
import { renewWatch } from "../views/ops-watch";
import { nextWake, renewDue, type Watching } from "../ops-feed/wake";
import { LeaseKeeper, type Hold } from "../ops-feed/lease-keeper";

/** The payment worker's health, through the gateway's service binding (its class lives in workers/, which objects may not import). */
type PaymentsHealth = { health(): Promise<unknown> };

export class OpsFeedDurableObject extends StoredObject<Env> {
  /** Every driver on duty the feed heard of: status from the views (and a Driver DO's push on going off duty), position from its pushes. */
  private readonly drivers = new MarkerBoard<DriverMarker>((d) => d.status !== "offline", mergeDriver);
  /** Every open ride the feed heard of, and the version each ended at (a late, older batch never moves a ride back). */
  private readonly rides = new MarkerBoard<RideMarker>((r) => isOpenRide(r.status), newerRide);
  /** The ended rides' counts and when they were read (`endedCounts`). */
  private ended: { at: number; counts: Promise<RideCounts> } | null = null;
  /** The watch lease: when to renew it, and whether consoles may have missed changes (memory only: new after a wake). */
  private readonly lease = new LeaseKeeper(() => renewWatch(this.env.VIEWS_DB));
  /** The renewal on its way (`holdWatch`), which a caller meanwhile joins instead of making its own. */
  private holding: Promise<Hold> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, []);
  }

  /** A console's socket, handed over by the gateway (which checked the ops role). */
  override async fetch(request: Request): Promise<Response> {
    const actor = actorFromHeaders(request);
    if (!actor || request.headers.get("upgrade")?.toLowerCase() !== "websocket")
      return new Response("expected an authenticated WebSocket upgrade", { status: 400 });
    if (actor.role !== "ops") return new Response("operators only", { status: 403 });
    // Spent before any work: a replayed ticket costs the city's one feed no lease, stats or snapshot.
    const spent = spendTicketOf(this.ctx, actor);
    if (spent instanceof Response) return spent;
    // The topics the console named (`?topics=`, checked by the gateway), else the default.
    const topics = topicsParam(request.headers.get(TOPICS_HEADER)) ?? DEFAULT_TOPICS;
    // The lease before the snapshot: a batch that saw no lease is in what the snapshot reads. No
    // lease, no snapshot: one read without it could miss a batch for good.
    if (watchesMap(topics) && (await this.holdWatch()) === "failed") return new Response("the views database is not answering", { status: 503 });
    const stats = topics.includes("stats") ? await this.statsFrameOrNone() : null;
    // The alarm before the socket, for what it watches: a failure is this request's 500, never a socket no alarm serves.
    await this.armAlarm({ markers: watchesMap(topics), stats: topics.includes("stats") });
    // The snapshot last, the socket accepted as soon as it is built: a change published while anything
    // else was awaited (the stats wait on the payments' health) is in it, never sent to no socket.
    const snapshot = await this.snapshot(topics);
    return acceptLive(this.ctx, spent, stats ? [snapshot, stats] : [snapshot], { topics });
  }

  /** `ping`, or a subscription (answered with a fresh snapshot, and stats at once); anything else is ignored. A socket past its token is closed instead. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const parsed = typeof message === "string" ? parseClientMessage(message) : null;
    if (!parsed) return;
    // A ping is onLiveMessage's (it closes a socket past its token); a subscription is checked here.
    if (parsed.type === "ping") {
      onLiveMessage(ws, message);
      return this.alarmKept();
    }
    if (openSockets([ws], Date.now()).length === 0) return;
    ws.serializeAttachment({ ...(ws.deserializeAttachment() as object | null), topics: parsed.topics });
    const map = watchesMap(parsed.topics);
    // The lease (which never throws) and the alarm before any read that may fail: a subscription whose
    // first answer failed (the views down a moment) still gets its stats every few seconds from then on.
    // A map with no lease connects again (its snapshot could miss a batch for good).
    if (map && (await this.holdWatch(ws)) === "failed") return closeWith(ws, RECONNECT);
    try {
      await this.armAlarm();
      ws.send(await this.snapshot(parsed.topics));
      if (parsed.topics.includes("stats")) ws.send(await this.statsFrame());
    } catch (error) {
      console.warn(JSON.stringify({ msg: "ops feed: subscription answer failed", error: String(error) }));
      // A map it did not get, maybe after a gap (holdWatch left it out of the catch-up): it connects again, and reads its snapshot then.
      if (map) closeWith(ws, RECONNECT);
    }
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    onLiveClose(ws, code);
  }

  /**
   * The markers of a batch the views worker wrote (each change once, oldest first).
   * Answers how many frames went out.
   */
  publish(rides: RideMarker[], drivers: DriverMarker[]): number {
    let sent = 0;
    const rideWatchers = this.watching("rides");
    for (const ride of rides) {
      // Its last change too (a ride that ended: the console takes it off the map).
      if (this.rides.take(ride)) sent += send(rideWatchers, JSON.stringify({ type: "ride", ride }));
    }
    const driverWatchers = drivers.length > 0 ? this.watching("drivers") : [];
    for (const driver of drivers) sent += this.takeDriver(driver, driverWatchers);
    return sent;
  }

  /**
   * A driver's position (a Driver DO, after a location report), or their offline marker as they
   * go off duty. Answers in how many ms that driver should push again: long while nobody
   * watches drivers, short while watched.
   */
  driverMoved(marker: DriverMarker): number {
    const watchers = this.watching("drivers");
    this.takeDriver(marker, watchers);
    return pushIntervalMs(watchers.length, this.drivers.size);
  }

  /** The ended rides' counts, read once in ENDED_COUNTS_EVERY_MS (a walk of every ended ride kept); a failed read is not kept. */
  private endedCounts(): Promise<RideCounts> {
    const now = Date.now();
    if (this.ended && now - this.ended.at < ENDED_COUNTS_EVERY_MS) return this.ended.counts;
    const counts = countEnded(this.env.VIEWS_DB);
    const kept = { at: now, counts };
    this.ended = kept;
    counts.catch(() => {
      if (this.ended === kept) this.ended = null;
    });
    return counts;
  }

  /** The stats frame while a socket watches stats, the lease renewed while one watches the map; no alarm again once nobody watches either. */
  override async alarm(): Promise<void> {
    const watchers = this.watching("stats");
    if (watchers.length > 0) {
      try {
        send(watchers, await this.statsFrame());
      } catch (error) {
        console.warn(JSON.stringify({ msg: "ops feed: stats failed", error: String(error) }));
      }
    }
    if (renewDue(Date.now(), this.watchingNow())) await this.holdWatch();
    const next = nextWake(Date.now(), this.watchingNow());
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  /** Sets the alarm for what the sockets watch now (and `also`), unless it is set sooner already. */
  private async armAlarm(also: { markers?: boolean; stats?: boolean } = {}): Promise<void> {
    const watching = this.watchingNow();
    const next = nextWake(Date.now(), { ...watching, markers: watching.markers || also.markers === true, stats: watching.stats || also.stats === true });
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  /** At a console's ping: an alarm lost (its retries given up) is set again, so that the lease is renewed. Never throws. */
  private async alarmKept(): Promise<void> {
    try {
      if ((await this.ctx.storage.getAlarm()) === null) await this.armAlarm();
    } catch (error) {
      console.warn(JSON.stringify({ msg: "ops feed: alarm not set again", error: String(error) }));
    }
  }

  private watchingNow(): Watching {
    const topics = openSockets(this.ctx.getWebSockets(), Date.now()).flatMap((ws) => topicsOf(ws.deserializeAttachment()));
    return { stats: topics.includes("stats"), markers: watchesMap(topics), renewAt: this.lease.renewAt };
  }

  /**
   * Renews the watch lease (`LeaseKeeper`, which never throws) and answers what it found. After a
   * gap the views worker told nobody of the batches written meanwhile: the rides in memory are
   * dropped (the views hold every open one), the drivers checked against the views in the
   * background (they count for the push interval; a snapshot checks whom it shows), and every
   * console watching the map but `except` (about to read its own) gets a fresh snapshot read now;
   * should the views not answer, those consoles connect again instead. One at a time: a console
   * arriving meanwhile joins the renewal on its way (its own would find the lease ahead and could
   * answer first, its snapshot then read before this one dropped the rides in memory).
   */
  private holdWatch(except?: WebSocket): Promise<Hold> {
    this.holding ??= this.renewAndCatchUp(except).finally(() => (this.holding = null));
    return this.holding;
  }

  private async renewAndCatchUp(except?: WebSocket): Promise<Hold> {
    const hold = await this.lease.hold();
    if (hold !== "gap") return hold;
    this.rides.forgetAll();
    const checking = checkDrivers(this.env.VIEWS_DB, this.drivers).catch((error: unknown) => {
      console.warn(JSON.stringify({ msg: "ops feed: drivers not checked", error: String(error) }));
    });
    this.ctx.waitUntil(checking);
    const behind = openSockets(this.ctx.getWebSockets(), Date.now()).filter((ws) => ws !== except && watchesMap(topicsOf(ws.deserializeAttachment())));
    if (behind.length === 0) return hold;
    console.warn(JSON.stringify({ msg: "ops feed: watch lease had run out; consoles sent a fresh snapshot", consoles: behind.length }));
    try {
      // By the map's topics, each group sent its snapshot as soon as it is read: a change published
      // while a later group's snapshot is read then reaches the earlier group after its snapshot, never before.
      for (const [topics, sockets] of byMapTopics(behind, (ws) => topicsOf(ws.deserializeAttachment()))) send(sockets, await this.snapshot(topics));
    } catch (error) {
      console.warn(JSON.stringify({ msg: "ops feed: catch-up snapshot failed; consoles told to reconnect", error: String(error) }));
      for (const ws of behind) closeWith(ws, RECONNECT);
    }
    return hold;
  }

  private takeDriver(incoming: DriverMarker, watchers: WebSocket[]): number {
    const merged = this.drivers.take(incoming);
    return merged ? send(watchers, JSON.stringify({ type: "driver", driver: merged })) : 0;
  }

  /** The open sockets subscribed to `topic` (those past their token are closed here). */
  private watching(topic: Topic): WebSocket[] {
    return openSockets(this.ctx.getWebSockets(), Date.now()).filter((ws) => topicsOf(ws.deserializeAttachment()).includes(topic));
  }

  private async snapshot(topics: readonly Topic[]): Promise<string> {
    const db = this.env.VIEWS_DB;
    // One row past the limit: whether the views hold more than a snapshot carries.
    const read = MAP_LIMIT + 1;
    const [rides, drivers] = await Promise.all([
      topics.includes("rides") ? openRides(db, read) : [],
      topics.includes("drivers") ? driversOnDuty(db, read) : [],
    ]);
    const viewsCut = [...(rides.length >= read ? (["rides"] as const) : []), ...(drivers.length >= read ? (["drivers"] as const) : [])];
    const open = rides.slice(0, MAP_LIMIT).map(rideMarker);
    const onDuty = drivers.slice(0, MAP_LIMIT).map(driverMarker);
    const none = new Map<string, { version: number; onMap: boolean }>();
    const [rideStates, driverStates] = await Promise.all([
      topics.includes("rides") ? statesIn(db, "rides", this.rides.unknownTo(open)) : none,
      topics.includes("drivers") ? statesIn(db, "drivers", this.drivers.unknownTo(onDuty)) : none,
    ]);
    const rideMarkers = topics.includes("rides") ? this.rides.snapshot(open, rideStates) : [];
    const driverMarkers = topics.includes("drivers") ? this.drivers.snapshot(onDuty, driverStates) : [];
    return snapshotFrame(topics, rideMarkers, driverMarkers, new Date(), viewsCut);
  }

  /** The stats frame, or none when it cannot be built now (the alarm's next one comes in 5 s). */
  private async statsFrameOrNone(): Promise<string | null> {
    try {
      return await this.statsFrame();
    } catch (error) {
      console.warn(JSON.stringify({ msg: "ops feed: stats failed", error: String(error) }));
      return null;
    }
  }

  private async statsFrame(): Promise<string> {
    const payments = this.env.PAYMENTS as unknown as PaymentsHealth;
    const stats = await opsStats(
      this.env,
      () => payments.health(),
      () => this.endedCounts(),
    );
    return JSON.stringify({ type: "stats", at: new Date().toISOString(), stats });
  }
}

/** Sends `frame` to each socket; a socket closing under us is skipped (the runtime calls webSocketClose). */
function send(sockets: WebSocket[], frame: string): number {
  let sent = 0;
  for (const ws of sockets) {
    try {
      ws.send(frame);
      sent += 1;
    } catch {
      // closing
    }
  }
  return sent;
}
