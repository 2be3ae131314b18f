/**
 * OpsFeed: the operators' live socket (GET /v1/ops/live), one object for the city. It
 * holds the consoles' hibernatable sockets, each with the topics it chose in its
 * attachment (so the filter survives hibernation), and forwards what reaches it:
 *
 * - ride and driver markers, published by the views worker once it has written a batch,
 *   and by the views' repair, rebuild and replay once they wrote theirs (`publish`: one
 *   call per batch or run, ./ops-publish.ts);
 * - drivers' positions, pushed by the Driver DOs, throttled on their side by the interval
 *   this object answers (`driverMoved`);
 * - the GET /v1/ops/stats figures every 5 s, from an alarm that runs only while a socket
 *   watches `stats`.
 *
 * While a socket watches rides or drivers it keeps a lease in the views database ahead
 * (src/views/ops-watch.ts): the views worker publishes only while it is, so a city nobody
 * watches costs no call per batch. The same alarm renews it (src/ops-feed/wake.ts).
 *
 * A snapshot (open rides, drivers on duty) comes from the D1 views, with the fresher
 * positions held here. The rules are pure, in src/ops-feed/feed.ts; this class only wires.
 * What it holds in memory (positions, versions sent) is lost on eviction and rebuilt by
 * the next pushes: the views stay the truth.
 */
import {
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
  type DriverMarker,
  type RideMarker,
  type Topic,
} from "../ops-feed/feed";
import { driversOnDuty, MAP_LIMIT, openRides, statesIn } from "../views/ops-map";
import { MarkerBoard } from "../ops-feed/marker-board";
import { countEnded, ENDED_COUNTS_EVERY_MS, opsStats, type RideCounts } from "../views/stats";
import { acceptLive, actorFromHeaders, onLiveClose, onLiveMessage, openSockets, RECONNECT } from "./live";
import { StoredObject } from "./stored-object";
import { renewWatch } from "../views/ops-watch";
import { nextWake, renewAfter, renewDue, type Watching } from "../ops-feed/wake";

export { STATS_EVERY_MS } from "../ops-feed/wake";

/** The payment worker's health, through the gateway's service binding (its class lives in workers/, which objects may not import). */
type PaymentsHealth = { health(): Promise<unknown> };

export class OpsFeedDurableObject extends StoredObject<Env> {
  /** Every driver on duty the feed heard of: status from the views, position from the Driver DO's pushes. */
  private readonly drivers = new MarkerBoard<DriverMarker>((d) => d.status !== "offline", mergeDriver);
  /** Every open ride the feed heard of, and the version each ended at (a late, older batch never moves a ride back). */
  private readonly rides = new MarkerBoard<RideMarker>((r) => isOpenRide(r.status), newerRide);
  /** The ended rides' counts and when they were read (`endedCounts`). */
  private ended: { at: number; counts: Promise<RideCounts> } | null = null;
  /** When the watch lease wants renewing next. Memory only: 0 after a wake, so the first alarm renews it. */
  private renewAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, []);
  }

  /** A console's socket, handed over by the gateway (which checked the ops role). */
  override async fetch(request: Request): Promise<Response> {
    const actor = actorFromHeaders(request);
    if (!actor || request.headers.get("upgrade")?.toLowerCase() !== "websocket")
      return new Response("expected an authenticated WebSocket upgrade", { status: 400 });
    if (actor.role !== "ops") return new Response("operators only", { status: 403 });
    // The lease before the snapshot: a batch that saw no lease is in what the snapshot reads.
    await this.holdWatch();
    const response = acceptLive(this.ctx, actor, await this.snapshot(DEFAULT_TOPICS));
    await this.armAlarm();
    return response;
  }

  /** `ping`, or a subscription (answered with a fresh snapshot, and stats at once); anything else is ignored. A socket past its token is closed instead. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const parsed = typeof message === "string" ? parseClientMessage(message) : null;
    if (!parsed) return;
    // A ping is onLiveMessage's (it closes a socket past its token); a subscription is checked here.
    if (parsed.type === "ping") return onLiveMessage(ws, message);
    if (openSockets([ws], Date.now()).length === 0) return;
    ws.serializeAttachment({ ...(ws.deserializeAttachment() as object | null), topics: parsed.topics });
    // The alarm first, before any read that may fail: a subscription whose first answer failed
    // (the views down a moment) still gets its stats every few seconds from then on, and its lease renewed.
    try {
      await this.armAlarm();
    } catch (error) {
      console.warn(JSON.stringify({ msg: "ops feed: subscription answer failed", error: String(error) }));
    }
    try {
      if (parsed.topics.includes("rides") || parsed.topics.includes("drivers")) await this.holdWatch(ws);
      ws.send(await this.snapshot(parsed.topics));
      if (parsed.topics.includes("stats")) ws.send(await this.statsFrame());
    } catch (error) {
      console.warn(JSON.stringify({ msg: "ops feed: subscription answer failed", error: String(error) }));
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
   * A driver's position (a Driver DO, after a location report). Answers in how many ms
   * that driver should push again: long while nobody watches drivers, short while watched.
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

  /** Sets the alarm for what the sockets watch now, unless it is set sooner already. */
  private async armAlarm(): Promise<void> {
    const next = nextWake(Date.now(), this.watchingNow());
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  private watchingNow(): Watching {
    const topics = new Set(openSockets(this.ctx.getWebSockets(), Date.now()).flatMap((ws) => topicsOf(ws.deserializeAttachment())));
    return { stats: topics.has("stats"), markers: topics.has("rides") || topics.has("drivers"), renewAt: this.renewAt };
  }

  /**
   * Renews the watch lease; never throws (a failure is tried again soon, and the lease holds
   * for two more). Should it have run out, the views worker told nobody of the batches written
   * meanwhile: every console watching the map but `except` (about to read its own) gets a fresh
   * snapshot, read now that the lease is back.
   */
  private async holdWatch(except?: WebSocket): Promise<void> {
    let lapsed: boolean;
    try {
      lapsed = (await renewWatch(this.env.VIEWS_DB)).lapsed;
      this.renewAt = renewAfter(Date.now(), true);
    } catch (error) {
      this.renewAt = renewAfter(Date.now(), false);
      return void console.warn(JSON.stringify({ msg: "ops feed: watch lease not renewed", error: String(error) }));
    }
    if (!lapsed) return;
    const behind = openSockets(this.ctx.getWebSockets(), Date.now()).filter(
      (ws) => ws !== except && topicsOf(ws.deserializeAttachment()).some((t) => t !== "stats"),
    );
    if (behind.length === 0) return;
    console.warn(JSON.stringify({ msg: "ops feed: watch lease had run out; consoles sent a fresh snapshot", consoles: behind.length }));
    const snapshots = new Map<string, Promise<string>>();
    try {
      for (const ws of behind) {
        const topics = topicsOf(ws.deserializeAttachment());
        const snapshot = snapshots.get(topics.join(",")) ?? this.snapshot(topics);
        snapshots.set(topics.join(","), snapshot);
        send([ws], await snapshot);
      }
    } catch (error) {
      // The views cannot be read now: those consoles connect again, and read their snapshot then.
      console.warn(JSON.stringify({ msg: "ops feed: catch-up snapshot failed; consoles told to reconnect", error: String(error) }));
      for (const ws of behind) closeQuietly(ws);
    }
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

/** Closes `ws` to be opened again; one closing under us already is left to the runtime. */
function closeQuietly(ws: WebSocket): void {
  try {
    ws.close(RECONNECT.code, RECONNECT.reason);
  } catch {
    // closing
  }
}
