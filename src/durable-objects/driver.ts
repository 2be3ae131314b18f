/** Driver Durable Object: the single writer of one driver's status, location and reservation (one offer or trip: a second is refused
 * here, atomically, whatever the dispatch index believed). The RPC surface over src/driver/machine.ts plus `perform`; the rest is the base's. */
import type { Driver } from "../domain/events";
import type { Actor, LatLng, Ride } from "../domain/types";
import { indexWrite } from "../driver/driver-rules";
import { decideDriver, driverState, openOffers, planDriver } from "../driver/machine";
import { PushOrder } from "../driver/push-order";
import { releaseForPush, silenceStep, SILENT_TIMER, stillSilent } from "../driver/silence";
import type { DriverCommand, DriverEffect, DriverOffer, DriverProfile, DriverRecord, Reservation } from "../driver/types";
import { ok, type Outcome } from "../lib/problem";
import { SerialQueue } from "../lib/timers";
import { RideOwnerObject, type Welcome } from "./owner";
import { listDriver, rideClaims, takeOffDriver, tellPeer, WAKE_SETTLE_MS, wakeWaiting } from "./driver-effects";
import { OpsPositionPush } from "./ops-push";

export class DriverDurableObject extends RideOwnerObject<DriverRecord, DriverEffect> {
  /** Dispatch index updates, one at a time in commit order (some finish after the answer). */
  private readonly indexUpdates = new SerialQueue();
  /** The operators' map: the position pushed now and then, never on the report's path (ops-push.ts). */
  private readonly opsPush = new OpsPositionPush(this.ctx, this.env);
  private readonly pushes = new PushOrder();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, "driver");
  }

  protected idOf(record: DriverRecord): string {
    return record.driver.id;
  }

  /** Decides `command` and carries it out after the commands before it (`queued`: the caller is one, a timer); answers the driver as it now is. */
  private async run(command: DriverCommand, correlationId: string, queued = false): Promise<Outcome<Driver>> {
    if (!queued) return this.exclusive(() => this.run(command, correlationId, true));
    const before = this.load();
    const now = new Date();
    const ctx = { now, correlationId, newId: this.newId, listing: this.config, silence: this.config, statusBefore: before?.driver.status ?? null };
    const outcome = await this.enact(decideDriver(before, command, now), (after, events) => planDriver(command, after, events, ctx), before ? undefined : {});
    // A refusal commits nothing but may show the cell lists a driver it should not (one silent past the freshness limit): fix it after the answer.
    if (!outcome.ok && before && indexWrite(before, now, this.config) !== "none") await this.perform({ type: "syncIndex", background: true });
    return outcome.ok ? ok(outcome.value.driver) : outcome;
  }

  /** Registers the driver (listed in the fleet first) or changes the profile; a new plate or other products while the driver has a ride is refused. */
  register(driverId: string, profile: DriverProfile, autoApprove: boolean, correlationId: string): Promise<Outcome<Driver>> {
    return this.run({ type: "register", driverId, profile, autoApprove }, correlationId);
  }

  get(): Driver | null {
    return this.load()?.driver ?? null;
  }

  /** An operator approves or rejects the driver. A rejected driver goes offline and loses its open offer at once, or its ride not yet picked up
   * (the ride is told once this command has left the queue: the Ride DO calls this DO while holding its own); a trip under way ends first, then offline. */
  setApproval(decision: Extract<DriverCommand, { type: "approve" | "reject" }>, correlationId: string): Promise<Outcome<Driver>> {
    return this.run(decision, correlationId);
  }

  goOnline(location: LatLng, correlationId: string): Promise<Outcome<Driver>> {
    return this.run({ type: "online", location }, correlationId);
  }

  goOffline(correlationId: string): Promise<Outcome<Driver>> {
    return this.run({ type: "offline" }, correlationId);
  }

  /** A location report: the cell is written only when it needs to be (`indexWrite`); on the way to a pickup, the ride refreshes its ETA. */
  async updateLocation(location: LatLng): Promise<Outcome<null>> {
    const outcome = await this.run({ type: "locate", location }, "");
    if (outcome.ok) this.opsPush.after(outcome.value);
    return outcome.ok ? ok(null) : outcome;
  }

  /** Reserves the driver for a ride: as an offer (the driver must accept) or as a direct assignment (auto mode). */
  reserve(reservation: Reservation, freshnessS: number, correlationId: string): Promise<Outcome<Driver>> {
    return this.run({ type: "reserve", reservation, freshnessS }, correlationId);
  }

  /** The driver accepted the offer for `rideId`: offered → on_trip. */
  confirm(rideId: string, correlationId: string): Promise<Outcome<Driver>> {
    return this.run({ type: "confirm", rideId }, correlationId);
  }

  /** Frees the driver from `rideId` (trip ended, ride cancelled, offer declined or expired). Idempotent. */
  release(rideId: string, correlationId: string): Promise<Driver | null> {
    return this.run({ type: "release", rideId }, correlationId).then((outcome) => (outcome.ok ? outcome.value : null));
  }

  /** A notification for the driver (the live channel): pushed to their open sockets. */
  notify(payload: { type: "notification"; id: string; event: string; rideId: string; text: string }): number {
    return this.broadcast(JSON.stringify(payload));
  }

  /** A ride this driver is offered or driving changed: pushed to their sockets unless older than one sent (`PushOrder`); one that let go of them (a release lost) is let go of (`releaseForPush`). */
  async rideChanged(ride: Ride): Promise<number> {
    if (!this.pushes.take(ride)) return 0;
    const release = releaseForPush(this.load(), ride);
    if (release) await this.run(release, `push-${ride.id}`);
    return this.pushes.isNewest(ride) ? this.broadcast(JSON.stringify({ type: "ride", ride })) : 0;
  }

  /** The open offer, if any and not expired. */
  offers(): DriverOffer[] {
    return openOffers(this.load(), new Date());
  }

  /** GET /v1/drivers/me/live: the driver's own socket. */
  protected welcome(actor: Actor, record: DriverRecord | null): Welcome {
    if (actor.role !== "driver") return new Response("expected the driver's WebSocket upgrade", { status: 400 });
    if (!record || record.driver.id !== actor.id) return new Response("not registered", { status: 404 });
    return { first: driverState(record, new Date()) };
  }

  /** `silent` (src/driver/silence.ts): again later; offline; let go of a ride; taken off one, unawaited (the ride calls back into this queue). */
  protected async onTimer(name: string): Promise<void> {
    const step = name === SILENT_TIMER ? await silenceStep(this.load(), new Date(), this.config, rideClaims(this.env)) : null;
    if (step?.again) this.schedule(SILENT_TIMER, step.again);
    if (step?.command) await this.run(step.command, `silent-${this.newId()}`, true);
    const silent = () => this.exclusive(async () => stillSilent(this.load(), new Date(), this.config));
    if (step?.takeOff) this.ctx.waitUntil(takeOffDriver(this.env, step.takeOff, silent));
  }

  /** The only place the driver talks to other objects (driver-effects.ts). A ride past the pickup gets no more positions. */
  protected async perform(effect: DriverEffect): Promise<Outcome<unknown>> {
    if (effect.type === "syncIndex") {
      const update = this.indexUpdates.run(() => this.syncIndex());
      if (effect.background) this.ctx.waitUntil(update);
      return ok(effect.background ? null : await update);
    }
    const told = await tellPeer(this.env, effect, this.opsPush, (work) => this.ctx.waitUntil(work));
    const current = told.ok && told.value?.more === false && effect.type === "driverMoved" ? this.load() : null;
    if (effect.type === "driverMoved" && current?.driver.currentRideId === effect.rideId) this.store({ ...current, etaDoneRideId: effect.rideId });
    return told;
  }

  /** Writes the cell if needed (`indexWrite`), keeps only the listing, wakes waiting rides unawaited (they reserve this driver). Never throws. */
  private async syncIndex(): Promise<void> {
    const record = this.load();
    const now = new Date();
    if (!record || indexWrite(record, now, this.config) === "none") return;
    try {
      const { listed, waiting } = await listDriver(this.env, record, now, this.config);
      const current = this.load();
      if (current) this.store({ ...current, ...listed });
      const free = { ask: () => this.load()?.driver.status === "available", afterMs: WAKE_SETTLE_MS };
      if (waiting) this.ctx.waitUntil(wakeWaiting(this.env, record.driver.id, waiting, free));
    } catch (error) {
      console.warn(JSON.stringify({ msg: "dispatch index update failed", driverId: record?.driver.id, error: String(error) }));
    }
  }
}
