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
import { acceptLive, actorFromHeaders, onLiveClose, onLiveMessage, openSockets } from "./live";
import { StoredObject } from "./stored-object";

/** How often a socket watching `stats` gets them. */
export const STATS_EVERY_MS = 5_000;

/** The payment worker's health, through the gateway's service binding (its class lives in workers/, which objects may not import). */
type PaymentsHealth = { health(): Promise<unknown> };

export class OpsFeedDurableObject extends StoredObject<Env> {
  /** Every driver on duty the feed heard of: status from the views, position from the Driver DO's pushes. */
  private readonly drivers = new MarkerBoard<DriverMarker>((d) => d.status !== "offline", mergeDriver);
  /** Every open ride the feed heard of, and the version each ended at (a late, older batch never moves a ride back). */
  private readonly rides = new MarkerBoard<RideMarker>((r) => isOpenRide(r.status), newerRide);
  /** The ended rides' counts and when they were read (`endedCounts`). */
  private ended: { at: number; counts: Promise<RideCounts> } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, []);
  }

  /** A console's socket, handed over by the gateway (which checked the ops role). */
  override async fetch(request: Request): Promise<Response> {
    const actor = actorFromHeaders(request);
    if (!actor || request.headers.get("upgrade")?.toLowerCase() !== "websocket")
      return new Response("expected an authenticated WebSocket upgrade", { status: 400 });
    if (actor.role !== "ops") return new Response("operators only", { status: 403 });
    return acceptLive(this.ctx, actor, await this.snapshot(DEFAULT_TOPICS));
  }

  /** `ping`, or a subscription (answered with a fresh snapshot, and stats at once); anything else is ignored. A socket past its token is closed instead. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const parsed = typeof message === "string" ? parseClientMessage(message) : null;
    if (!parsed) return;
    // A ping is onLiveMessage's (it closes a socket past its token); a subscription is checked here.
    if (parsed.type === "ping") return onLiveMessage(ws, message);
    if (openSockets([ws], Date.now()).length === 0) return;
    ws.serializeAttachment({ ...(ws.deserializeAttachment() as object | null), topics: parsed.topics });
    // The stats alarm first, before any read that may fail: a subscription whose first answer failed
    // (the views down a moment) still gets its stats every few seconds from then on.
    try {
      if (parsed.topics.includes("stats") && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + STATS_EVERY_MS);
    } catch (error) {
      console.warn(JSON.stringify({ msg: "ops feed: subscription answer failed", error: String(error) }));
    }
    try {
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

  /** The stats frame every `STATS_EVERY_MS` while a socket watches stats; no alarm again once nobody does. */
  override async alarm(): Promise<void> {
    const watchers = this.watching("stats");
    if (watchers.length === 0) return;
    try {
      send(watchers, await this.statsFrame());
    } catch (error) {
      console.warn(JSON.stringify({ msg: "ops feed: stats failed", error: String(error) }));
    }
    await this.ctx.storage.setAlarm(Date.now() + STATS_EVERY_MS);
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
