/**
 * The simulator's clients, as the apps on phones would behave: a driver app that reports its
 * position every few seconds while cruising its route, listens on `/v1/drivers/me/live` for
 * offers (offer mode) and assignments (auto mode), accepts after a moment and drives each ride
 * to the end (arrive → start → complete, with pauses), and may go silent; a rider app that
 * requests its scheduled ride, follows it on `/v1/rides/{id}/live`, and cancels it when the
 * schedule says so. Every call is bounded in time; every surprise is counted, never thrown.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Api, ApiResponse } from "../../test/support/client.ts";
import { openLive, type LiveClient } from "../../test/support/live.ts";
import { dispatchCell } from "../../src/domain/geo.ts";
import { distanceM, lerp, towards, type Point } from "./area.ts";
import { pauses, type ScheduledDriver, type ScheduledRide } from "./schedule.ts";
import type { Tally } from "./tally.ts";

export interface RideView {
  id: string;
  status: string;
  version: number;
  updatedAt?: string;
  pickup: Point;
  dropoff: Point;
  driver: { id: string } | null;
}

/** What every app shares: the API, the counts, the settings, and what riders know of their rides. */
export interface SimContext {
  api: Api;
  wsBase: string;
  tally: Tally;
  reportS: number;
  speedKmh: number;
  /** Multiplies the drivers' pauses (accepting, driving to the pickup, boarding, the trip): below 1, shorter rides. */
  pauseScale: number;
  freshnessS: number;
  offerTimeoutS: number;
  /** Ride id → its request number, its rider's token and whether its steps are followed into the rider's list. */
  rides: Map<string, { n: number; token: string; sampleView: boolean }>;
  stopped: () => boolean;
  /** The riders' open ride sockets, closed when the run stops. */
  sockets: Set<LiveClient>;
}

/** `promise`, or a rejection after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Sleeps `ms`, or less once the run stops. */
async function nap(ctx: SimContext, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!ctx.stopped() && Date.now() < until) await sleep(Math.min(500, until - Date.now()));
}

/** One API call with a deadline; null (and an error counted) when it got no answer. */
export async function call<T>(
  ctx: SimContext,
  what: string,
  method: string,
  path: string,
  options: { token: string; body?: unknown; headers?: Record<string, string> },
  ms = 20_000,
): Promise<ApiResponse<T> | null> {
  try {
    const res = await within(ctx.api.request<T>(method, path, options), ms, what);
    if (res.status >= 500) ctx.tally.error(`${what}: ${res.status}`);
    return res;
  } catch (error) {
    ctx.tally.error(`${what}: ${String(error).slice(0, 120)}`);
    return null;
  }
}

/**
 * Follows ride `id` into its rider's list (GET /v1/rides, the query view) until it shows
 * `version` or later: the time from the step's answer (`at`) to that is the event → view lag.
 */
export async function probeView(ctx: SimContext, id: string, version: number, at: number): Promise<void> {
  const ride = ctx.rides.get(id);
  if (!ride?.sampleView) return;
  const deadline = at + 30_000;
  while (Date.now() < deadline) {
    const list = await call<{ items: { id: string; version: number }[] }>(ctx, "view probe", "GET", "/v1/rides?limit=50", { token: ride.token }, 10_000);
    const item = list?.status === 200 ? list.body.items.find((r) => r.id === id) : undefined;
    if (item && item.version >= version) {
      ctx.tally.viewLagMs.push(Date.now() - at);
      return;
    }
    await sleep(250);
  }
  ctx.tally.viewLagTimeouts++;
}

/** A driver's app. */
export class DriverApp {
  readonly id: string;
  readonly token: string;
  private position: Point;
  private waypoint = 0;
  private lastMoveAt = Date.now();
  /** When the server last accepted a report (epoch ms). */
  private lastReportAt = 0;
  private leg: { from: Point; to: Point; startAt: number; ms: number } | null = null;
  private trip: { rideId: string; abort: boolean } | null = null;
  private pending = false;
  private silent = false;
  private silenceDue = false;
  private online = false;
  private live: LiveClient | null = null;
  private readonly nextPauses: ReturnType<typeof pauses>;
  private readonly loops: Promise<void>[] = [];
  private readonly ctx: SimContext;
  readonly plan: ScheduledDriver;

  constructor(ctx: SimContext, plan: ScheduledDriver, id: string, token: string) {
    this.ctx = ctx;
    this.plan = plan;
    this.id = id;
    this.token = token;
    this.position = { ...plan.start };
    const next = pauses(plan.pauseSeed);
    const k = ctx.pauseScale;
    this.nextPauses = () => {
      const p = next();
      return { acceptMs: p.acceptMs * k, toPickupMs: p.toPickupMs * k, boardingMs: p.boardingMs * k, tripMs: p.tripMs * k };
    };
  }

  /** Registers the driver, opens its live socket and takes it online at its start point; false when that failed. */
  async setUp(n: number): Promise<boolean> {
    const profile = { name: `Sim driver ${n}`, vehicle: { plate: `${10 + (n % 89)}가${1000 + (n % 9000)}`, model: "Avante", product: "standard" } };
    const reg = await call(this.ctx, "register driver", "PUT", "/v1/drivers/me", { token: this.token, body: profile });
    if (reg?.status !== 200) return false;
    await this.connect();
    const online = await call(this.ctx, "online", "POST", "/v1/drivers/me/online", { token: this.token, body: { location: this.position } });
    if (online?.status !== 200) return false;
    this.lastReportAt = Date.now();
    this.online = true;
    this.ctx.tally.drivers.online++;
    return true;
  }

  /** Starts the report, listen and check loops. */
  start(): void {
    this.loops.push(this.reportLoop(), this.listenLoop(), this.checkLoop());
  }

  /** The app stops reporting and answering (a crash, a dead phone); its socket stays open to see what the server still sends it. */
  goSilent(): void {
    if (this.silent) return;
    if (this.trip || this.pending) {
      this.silenceDue = true;
      return;
    }
    this.silent = true;
    this.ctx.tally.drivers.silent++;
  }

  async stop(): Promise<void> {
    await this.live?.close().catch(() => undefined);
    await Promise.allSettled(this.loops);
  }

  /** Takes a driver that still answers offline (the end of a run). */
  async offline(): Promise<void> {
    if (this.online && !this.silent && !this.trip) await call(this.ctx, "offline", "POST", "/v1/drivers/me/offline", { token: this.token }, 10_000);
  }

  private async connect(): Promise<void> {
    try {
      this.live = await within(openLive(`${this.ctx.wsBase}/v1/drivers/me/live`, { authorization: `Bearer ${this.token}` }), 15_000, "driver socket");
    } catch (error) {
      this.live = null;
      this.ctx.tally.error(`driver socket: ${String(error).slice(0, 120)}`);
    }
  }

  /** Where the driver is now: along its trip leg, or cruising towards its next waypoint. */
  private whereNow(now: number): Point {
    if (this.leg) {
      this.position = lerp(this.leg.from, this.leg.to, this.leg.ms > 0 ? (now - this.leg.startAt) / this.leg.ms : 1);
    } else {
      const meters = ((now - this.lastMoveAt) / 1000) * (this.ctx.speedKmh / 3.6);
      const target = this.plan.waypoints[this.waypoint % this.plan.waypoints.length]!;
      this.position = towards(this.position, target, meters);
      if (distanceM(this.position, target) < 1) this.waypoint++;
    }
    this.lastMoveAt = now;
    return this.position;
  }

  private async reportLoop(): Promise<void> {
    await nap(this.ctx, this.plan.phaseMs);
    while (!this.ctx.stopped() && !this.silent) {
      const due = Date.now() + this.ctx.reportS * 1000;
      if (this.online) {
        const at = this.whereNow(Date.now());
        const res = await call(this.ctx, "location", "PUT", "/v1/drivers/me/location", { token: this.token, body: { lat: at.lat, lng: at.lng } }, 10_000);
        this.ctx.tally.report(Date.now(), res ? res.status : "error", dispatchCell(at));
        if (res?.status === 204) this.lastReportAt = Date.now();
      }
      const wait = due - Date.now();
      if (wait > 0) await nap(this.ctx, wait);
    }
  }

  /** Handles each message of the live socket; reconnects when it closes. */
  private async listenLoop(): Promise<void> {
    while (!this.ctx.stopped()) {
      const live = this.live;
      if (!live) {
        await sleep(2_000);
        if (!this.ctx.stopped()) await this.connect();
        continue;
      }
      try {
        const got = await live.waitFor<Record<string, unknown>>(() => true, "a message", 60_000);
        // handled messages are dropped, so a long run keeps no history
        live.messages.splice(0, got.index + 1);
        this.onMessage(got.message);
      } catch (error) {
        // a timeout only means nothing came; a closed socket is opened again
        if (/closed/.test(String(error))) this.live = null;
      }
    }
  }

  private onMessage(message: Record<string, unknown>): void {
    if (message.type === "offer") {
      const offer = message.offer as { rideId: string; expiresAt: string };
      const decidedAt = Math.min(Date.now(), Date.parse(offer.expiresAt) - this.ctx.offerTimeoutS * 1000);
      if (this.noteIfSilent(decidedAt, null)) return;
      void this.accept(offer.rideId);
    } else if (message.type === "driver") {
      const offers = (message.offers ?? []) as { rideId: string }[];
      if (offers[0] && !this.silent) void this.accept(offers[0].rideId);
    } else if (message.type === "ride") {
      const ride = message.ride as RideView;
      if (ride.status === "driver_assigned" && ride.driver?.id === this.id && this.trip?.rideId !== ride.id) {
        const decidedAt = Math.min(Date.now(), ride.updatedAt ? Date.parse(ride.updatedAt) : Date.now());
        if (this.noteIfSilent(decidedAt, ride.id)) return;
        if (!this.trip && !this.pending) void this.drive(ride);
      }
      if (ride.status === "cancelled" && this.trip?.rideId === ride.id) this.trip.abort = true;
    }
  }

  /**
   * A silent driver only counts what it is sent: offers and assignments, and whether it had
   * been silent past the freshness window. An assignment (`assigned`) holds the ride until the
   * driver's `silent` check takes them off it (DRIVER_PICKUP_SILENT_S), and the run does not wait for it.
   */
  private noteIfSilent(decidedAt: number, assigned: string | null): boolean {
    if (!this.silent) return false;
    this.ctx.tally.offersWhileSilent++;
    if (assigned) this.ctx.tally.heldBySilent.add(assigned);
    if (decidedAt - this.lastReportAt > this.ctx.freshnessS * 1000) this.ctx.tally.offersSilentPastFreshness++;
    return true;
  }

  private async accept(rideId: string): Promise<void> {
    if (this.trip || this.pending) return;
    this.pending = true;
    const { acceptMs } = this.nextPauses();
    await sleep(acceptMs);
    const res = await call<RideView>(this.ctx, "accept", "POST", `/v1/rides/${rideId}/accept`, { token: this.token });
    this.pending = false;
    if (res?.status === 200) await this.drive(res.body);
    else {
      this.ctx.tally.offersLost++;
      this.afterTrip();
    }
  }

  /** Once in a while (and after missing a push) the app reads its own state: a trip it did not hear of, an offer, or being offline. */
  private async checkLoop(): Promise<void> {
    await nap(this.ctx, this.plan.phaseMs + 15_000);
    while (!this.ctx.stopped() && !this.silent) {
      if (!this.trip && !this.pending) {
        const me = await call<{ status: string; currentRideId: string | null }>(
          this.ctx,
          "driver state",
          "GET",
          "/v1/drivers/me",
          { token: this.token },
          10_000,
        );
        if (me?.status === 200 && !this.trip && !this.pending && !this.silent) {
          if (me.body.status === "on_trip" && me.body.currentRideId) {
            const ride = await call<RideView>(this.ctx, "ride", "GET", `/v1/rides/${me.body.currentRideId}`, { token: this.token }, 10_000);
            if (ride?.status === 200 && !this.trip && !this.pending) void this.drive(ride.body);
          } else if (me.body.status === "offered") {
            const offers = await call<{ items: { rideId: string }[] }>(this.ctx, "offers", "GET", "/v1/drivers/me/offers", { token: this.token }, 10_000);
            const first = offers?.status === 200 ? offers.body.items[0] : undefined;
            if (first) void this.accept(first.rideId);
          } else if (me.body.status === "offline") {
            await call(this.ctx, "online", "POST", "/v1/drivers/me/online", { token: this.token, body: { location: this.whereNow(Date.now()) } });
          }
        }
      }
      await nap(this.ctx, 30_000);
    }
  }

  /** Drives ride `ride` from wherever it is to the end; stops at the first refusal (a cancelled ride). */
  private async drive(ride: RideView): Promise<void> {
    if (this.trip) return;
    const trip = (this.trip = { rideId: ride.id, abort: false });
    this.ctx.tally.drivers.onTrip++;
    this.ctx.tally.assigned(ride.id, Date.now());
    const p = this.nextPauses();
    const step = async (name: "arrive" | "start" | "complete", body?: unknown): Promise<boolean> => {
      if (trip.abort || this.ctx.stopped()) return false;
      const res = await call<RideView>(this.ctx, name, "POST", `/v1/rides/${ride.id}/${name}`, { token: this.token, body });
      if (res?.status !== 200) return false;
      void probeView(this.ctx, ride.id, res.body.version, Date.now());
      return true;
    };
    try {
      if (ride.status === "driver_assigned") {
        this.travel(ride.pickup, p.toPickupMs);
        await sleep(p.toPickupMs);
        if (!(await step("arrive"))) return;
        ride.status = "driver_arrived";
      }
      if (ride.status === "driver_arrived") {
        this.leg = null;
        await sleep(p.boardingMs);
        if (!(await step("start"))) return;
        ride.status = "in_progress";
      }
      if (ride.status === "in_progress") {
        this.travel(ride.dropoff, p.tripMs);
        await sleep(p.tripMs);
        const meters = Math.round(distanceM(ride.pickup, ride.dropoff) * 1.3);
        if (await step("complete", { distanceMeters: meters, durationSeconds: Math.round(meters / 7) })) this.ctx.tally.ended(ride.id, "completed");
      }
    } finally {
      this.whereNow(Date.now());
      this.leg = null;
      this.trip = null;
      this.ctx.tally.drivers.onTrip--;
      this.afterTrip();
    }
  }

  private travel(to: Point, ms: number): void {
    this.leg = { from: this.whereNow(Date.now()), to, startAt: Date.now(), ms };
  }

  private afterTrip(): void {
    if (this.silenceDue) {
      this.silenceDue = false;
      this.goSilent();
    }
  }
}

/** One scheduled ride, from its rider's phone: request, follow, perhaps cancel. */
export async function riderRide(ctx: SimContext, plan: ScheduledRide, token: string, key: string): Promise<void> {
  const body = { pickup: plan.pickup, dropoff: plan.dropoff, product: "standard", paymentMethod: plan.paymentMethod };
  const request = () => call<RideView>(ctx, "request", "POST", "/v1/rides", { token, body, headers: { "idempotency-key": key } }, 30_000);
  const sentAt = Date.now();
  ctx.tally.sent++;
  let res = await request();
  if (res?.status === 402) {
    // A late decline left dues: the rider pays them, as the app asks, and requests again.
    const paid = await call(ctx, "pay dues", "POST", "/v1/me/dues/pay", { token, body: { paymentMethod: "pm_card_visa" } });
    if (paid?.status === 200) ctx.tally.duesPaid++;
    res = await request();
  }
  if (res?.status !== 202) {
    ctx.tally.refusedWith(res ? String(res.status) : "no answer");
    return;
  }
  const ride = res.body;
  ctx.rides.set(ride.id, { n: plan.n, token, sampleView: plan.sampleView });
  ctx.tally.accepted(ride.id, sentAt, Date.now() - sentAt);
  void probeView(ctx, ride.id, ride.version, Date.now());
  const follow = followRide(ctx, ride.id, token);
  if (plan.cancelAfterMs !== null) {
    await sleep(plan.cancelAfterMs);
    if (ctx.tally.endedIds.has(ride.id) || ctx.stopped()) ctx.tally.cancels.skipped++;
    else {
      ctx.tally.cancels.asked++;
      const cancel = await call<RideView>(ctx, "cancel", "POST", `/v1/rides/${ride.id}/cancel`, { token, body: { reason: "changed my mind" } });
      if (cancel?.status === 200) {
        ctx.tally.cancels.cancelled++;
        ctx.tally.ended(ride.id, "cancelled");
        void probeView(ctx, ride.id, cancel.body.version, Date.now());
      } else if (cancel?.status === 409) ctx.tally.cancels.tooLate++;
      else ctx.tally.cancels.failed++;
    }
  }
  await follow;
}

/** The rider's live socket on the ride, until the ride is over (or the run is). */
async function followRide(ctx: SimContext, id: string, token: string): Promise<void> {
  let live: LiveClient;
  try {
    live = await within(openLive(`${ctx.wsBase}/v1/rides/${id}/live?access_token=${token}`), 15_000, "ride socket");
  } catch (error) {
    ctx.tally.error(`ride socket: ${String(error).slice(0, 120)}`);
    return;
  }
  ctx.sockets.add(live);
  try {
    while (!ctx.stopped() && !ctx.tally.endedIds.has(id)) {
      let got: { index: number; message: RideView };
      try {
        got = await live.waitFor<RideView>(() => true, "a ride change", 60_000);
      } catch (error) {
        if (/closed/.test(String(error))) return;
        continue;
      }
      live.messages.splice(0, got.index + 1);
      const { status } = got.message;
      if (status !== "requested" && status !== "dispatching" && status !== "cancelled") ctx.tally.assigned(id, Date.now());
      if (status === "completed") ctx.tally.ended(id, "completed");
      if (status === "cancelled") ctx.tally.ended(id, "cancelled");
    }
  } finally {
    ctx.sockets.delete(live);
    await live.close().catch(() => undefined);
  }
}
