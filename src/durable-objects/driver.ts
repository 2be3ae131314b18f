/**
 * Driver Durable Object: the single writer of one driver's status, location and
 * reservation. A driver holds at most one offer or trip; a second reservation is
 * refused here, atomically, whatever the dispatch index believed. Changes and their
 * events are written in one transaction and relayed to the views queue.
 */
import { DurableObject } from "cloudflare:workers";
import type { Driver, DriverEventMessage } from "../domain/events";
import { geohash } from "../domain/geo";
import type { LatLng, Ride, Vehicle } from "../domain/types";
import {
  canGoOffline,
  canGoOnline,
  canReserve,
  indexPoint,
  approvalEffect,
  type DriverOffer,
  type DriverRecord,
  type Reservation,
} from "../driver/driver-rules";
import { newId } from "../lib/ids";
import { SqliteOutbox } from "../lib/outbox";
import { fail, ok, type Outcome } from "../lib/problem";
import { SqliteTimers, SerialQueue } from "../lib/timers";
import { PEER_CALL_MS, within } from "../lib/timeout";
import { acceptLive, actorFromHeaders, broadcast, onLiveClose, onLiveMessage } from "./live";
import { queueSender } from "./queues";

import { CELL_PRECISION } from "../ride/dispatch";

export class DriverDurableObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly outbox: SqliteOutbox;
  private readonly timers: SqliteTimers;
  private readonly serial = new SerialQueue();
  private readonly indexUpdates = new SerialQueue();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS driver (id TEXT PRIMARY KEY, record TEXT NOT NULL)");
    this.outbox = new SqliteOutbox(this.sql);
    this.timers = new SqliteTimers(this.sql);
  }

  private load(): DriverRecord | null {
    const row = this.sql.exec<{ record: string }>("SELECT record FROM driver LIMIT 1").toArray()[0];
    return row ? (JSON.parse(row.record) as DriverRecord) : null;
  }

  /** Saves the record and, when `eventType` is given, its event, in one transaction. */
  private commit(record: DriverRecord, eventType: string | null, correlationId: string, data: Record<string, unknown> = {}): void {
    const now = new Date().toISOString();
    if (eventType) {
      record.driver.version += 1;
      record.driver.updatedAt = now;
    }
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO driver (id, record) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record",
        record.driver.id,
        JSON.stringify(record),
      );
      if (eventType) {
        const message: DriverEventMessage = {
          kind: "driver.event",
          event: {
            id: newId("ev"),
            type: eventType,
            driverId: record.driver.id,
            version: record.driver.version,
            occurredAt: now,
            correlationId,
            causationId: correlationId,
            data,
          },
          driver: record.driver,
        };
        this.outbox.add("ride-events", message);
        // Relayed by the alarm, so a slow or failing queue never delays the caller.
        this.timers.set("outbox", Date.now());
      }
    });
  }

  /**
   * After a commit: arm the alarm that relays the events, and bring the dispatch
   * index in line. `indexInBackground` leaves the index update running after the
   * answer (reservations are on the dispatcher's critical path, and the index may lag);
   * index updates still run one at a time, in commit order. Never throws.
   */
  private async afterCommit(record: DriverRecord, indexInBackground = false): Promise<void> {
    await this.armAlarm();
    const update = this.indexUpdates.run(() =>
      this.syncIndex(record).catch((error: unknown) =>
        console.warn(JSON.stringify({ msg: "dispatch index update failed", driverId: record.driver.id, error: String(error) })),
      ),
    );
    if (indexInBackground) this.ctx.waitUntil(update);
    else await update;
  }

  private async relay(): Promise<void> {
    if (this.outbox.size() === 0) return;
    const { retryAt } = await this.outbox.relay(queueSender(this.env), Date.now());
    if (retryAt !== null) {
      this.timers.set("outbox", retryAt);
      await this.armAlarm();
    }
  }

  private async armAlarm(): Promise<void> {
    const next = this.timers.nextDueAt();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private async syncIndex(record: DriverRecord): Promise<void> {
    const point = indexPoint(record.driver);
    const cell = point ? geohash(point, CELL_PRECISION) : null;
    // Where the driver is listed now (an earlier update may have moved it since `record` was read).
    const previous = this.load()?.indexedCell ?? null;
    if (previous && previous !== cell) {
      await this.env.DISPATCH_CELL.get(this.env.DISPATCH_CELL.idFromName(previous)).remove(record.driver.id);
    }
    if (cell && point) {
      await this.env.DISPATCH_CELL.get(this.env.DISPATCH_CELL.idFromName(cell)).upsert({
        driverId: record.driver.id,
        lat: point.lat,
        lng: point.lng,
        product: record.driver.vehicle.product,
        reportedAt: Date.parse(record.driver.locationAt ?? new Date(0).toISOString()),
      });
    }
    if (previous !== cell) {
      const current = this.load();
      if (current) {
        current.indexedCell = cell;
        this.sql.exec("UPDATE driver SET record = ? WHERE id = ?", JSON.stringify(current), current.driver.id);
      }
    }
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    return this.serial.run(work);
  }

  /** Registers the driver, or updates name and vehicle. */
  register(driverId: string, profile: { name: string; vehicle: Vehicle }, autoApprove: boolean, correlationId: string): Promise<Driver> {
    return this.run(async () => {
      const existing = this.load();
      const now = new Date().toISOString();
      if (existing) {
        const next: DriverRecord = { ...existing, driver: { ...existing.driver, name: profile.name, vehicle: profile.vehicle } };
        this.commit(next, "DriverUpdated", correlationId);
        await this.afterCommit(next);
        return next.driver;
      }
      const record: DriverRecord = {
        driver: {
          id: driverId,
          name: profile.name,
          vehicle: profile.vehicle,
          approval: "pending",
          status: "offline",
          location: null,
          locationAt: null,
          currentRideId: null,
          version: 0,
          createdAt: now,
          updatedAt: now,
        },
        offer: null,
        indexedCell: null,
      };
      this.commit(record, "DriverRegistered", correlationId);
      if (autoApprove) {
        record.driver.approval = "approved";
        this.commit(record, "DriverApproved", correlationId);
      }
      await this.afterCommit(record);
      return record.driver;
    });
  }

  get(): Driver | null {
    return this.load()?.driver ?? null;
  }

  /**
   * An operator approves or rejects the driver. A rejected driver is taken offline and
   * loses its open offer at once (the ride is told to move on); a trip under way is left
   * to finish, and the driver goes offline when it ends (see `release`).
   */
  async setApproval(approval: "approved" | "rejected", correlationId: string): Promise<Outcome<Driver>> {
    const changed = await this.run(async () => {
      const record = this.load();
      if (!record) return null;
      if (record.driver.approval === approval) return { driver: record.driver, withdrawn: null };
      const effect = approvalEffect(record, approval);
      record.driver.approval = approval;
      record.driver.status = effect.status;
      record.driver.currentRideId = effect.currentRideId;
      record.offer = effect.offer;
      const data = effect.withdrawnRideId ? { withdrawnOfferRideId: effect.withdrawnRideId } : {};
      this.commit(record, approval === "approved" ? "DriverApproved" : "DriverRejected", correlationId, data);
      await this.afterCommit(record);
      broadcast(this.ctx, JSON.stringify({ type: "driver", driver: record.driver, offers: this.offers() }));
      return { driver: record.driver, withdrawn: effect.withdrawnRideId };
    });
    if (!changed) return fail("not_found", "no such driver");
    // Outside this driver's command queue: the Ride DO calls this DO while holding its own.
    if (changed.withdrawn) await this.withdrawFrom(changed.withdrawn, changed.driver.id, correlationId);
    return ok(changed.driver);
  }

  /** Tells the ride its offer to this driver is gone. Best effort: the offer timer is the fallback. */
  private async withdrawFrom(rideId: string, driverId: string, correlationId: string): Promise<void> {
    try {
      const ride = this.env.RIDE.get(this.env.RIDE.idFromName(rideId));
      const outcome = (await within(PEER_CALL_MS, Promise.resolve(ride.withdrawOffer(driverId, "driver_rejected", correlationId)), "withdraw offer")) as Outcome<null>;
      if (!outcome.ok) throw new Error(`${outcome.problem.code}: ${outcome.problem.detail}`);
    } catch (error) {
      console.warn(JSON.stringify({ msg: "offer withdrawal failed; the offer will expire instead", rideId, driverId, error: String(error) }));
    }
  }

  goOnline(location: LatLng, correlationId: string): Promise<Outcome<Driver>> {
    return this.run(async () => {
      const record = this.load();
      if (!record) return fail("not_found", "register first: PUT /v1/drivers/me");
      const rule = canGoOnline(record);
      if (!rule.ok) return fail(rule.code, rule.detail);
      record.driver.location = { lat: location.lat, lng: location.lng };
      record.driver.locationAt = new Date().toISOString();
      if (record.driver.status === "offline") {
        record.driver.status = "available";
        this.commit(record, "DriverWentOnline", correlationId, { location });
      } else {
        this.commit(record, null, correlationId);
      }
      await this.afterCommit(record);
      return ok(record.driver);
    });
  }

  goOffline(correlationId: string): Promise<Outcome<Driver>> {
    return this.run(async () => {
      const record = this.load();
      if (!record) return fail("not_found", "register first: PUT /v1/drivers/me");
      if (record.driver.status === "offline") return ok(record.driver);
      const rule = canGoOffline(record);
      if (!rule.ok) return fail(rule.code, rule.detail);
      record.driver.status = "offline";
      this.commit(record, "DriverWentOffline", correlationId);
      await this.afterCommit(record);
      return ok(record.driver);
    });
  }

  /**
   * A location report. Not an event for the views (too frequent): it refreshes the
   * dispatch index and, on the way to a pickup, the ride's ETA.
   */
  async updateLocation(location: LatLng): Promise<Outcome<null>> {
    const updated = await this.run(async () => {
      const record = this.load();
      if (!record) return null;
      record.driver.location = { lat: location.lat, lng: location.lng };
      record.driver.locationAt = new Date().toISOString();
      this.commit(record, null, "");
      await this.indexUpdates.run(() =>
        this.syncIndex(record).catch((error: unknown) =>
          console.warn(JSON.stringify({ msg: "dispatch index update failed", driverId: record.driver.id, error: String(error) })),
        ),
      );
      return record.driver;
    });
    if (!updated) return fail("not_found", "register first: PUT /v1/drivers/me");
    // Outside this driver's command queue: the Ride DO calls this DO while holding its
    // own queue (reserve, release), so waiting on it from inside ours could deadlock.
    const rideId = updated.currentRideId;
    if (updated.status === "on_trip" && rideId && updated.location) {
      await this.env.RIDE.get(this.env.RIDE.idFromName(rideId))
        .driverMoved(updated.id, updated.location)
        .catch((error: unknown) => console.warn(JSON.stringify({ msg: "ETA refresh failed", rideId, error: String(error) })));
    }
    return ok(null);
  }


  /**
   * Reserves the driver for a ride: as an offer (the driver must accept) or as a
   * direct assignment (auto mode). Refused unless the driver is available, approved
   * and fresh: this is the one place that prevents double booking.
   */
  reserve(reservation: Reservation, freshnessS: number, correlationId: string): Promise<Outcome<Driver>> {
    return this.run(async () => {
      const record = this.load();
      if (!record) return fail("not_found", "no such driver");
      const rideId = reservation.kind === "offer" ? reservation.offer.rideId : reservation.rideId;
      if (record.driver.currentRideId === rideId) return ok(record.driver);
      const rule = canReserve(record, new Date(), freshnessS);
      if (!rule.ok) return fail(rule.code, rule.detail);
      record.driver.currentRideId = rideId;
      if (reservation.kind === "offer") {
        record.driver.status = "offered";
        record.offer = reservation.offer;
        this.commit(record, "DriverOffered", correlationId, { rideId, expiresAt: reservation.offer.expiresAt });
        // The driver's app hears of the offer at once, with its expiry.
        broadcast(this.ctx, JSON.stringify({ type: "offer", offer: reservation.offer }));
      } else {
        record.driver.status = "on_trip";
        record.offer = null;
        this.commit(record, "DriverReserved", correlationId, { rideId });
      }
      await this.afterCommit(record, true);
      return ok(record.driver);
    });
  }

  /** The driver accepted the offer for `rideId`: offered → on_trip. */
  confirm(rideId: string, correlationId: string): Promise<Outcome<Driver>> {
    return this.run(async () => {
      const record = this.load();
      // First: a driver rejected while the accept was on its way is refused as such.
      if (record && record.driver.approval !== "approved") return fail("driver_not_approved", `driver approval is ${record.driver.approval}`);
      if (!record || record.driver.currentRideId !== rideId) return fail("offer_not_available", "no offer for this ride");
      if (record.driver.status === "on_trip") return ok(record.driver);
      record.driver.status = "on_trip";
      record.offer = null;
      this.commit(record, "DriverReserved", correlationId, { rideId });
      await this.afterCommit(record, true);
      return ok(record.driver);
    });
  }

  /** Frees the driver from `rideId` (trip ended, ride cancelled, offer declined or expired). Idempotent. */
  release(rideId: string, correlationId: string): Promise<Driver | null> {
    return this.run(async () => {
      const record = this.load();
      if (!record) return null;
      if (record.driver.currentRideId !== rideId) return record.driver;
      record.driver.currentRideId = null;
      record.offer = null;
      if (record.driver.status === "offered" || record.driver.status === "on_trip") {
        // A driver rejected during the trip does not come back online after it.
        record.driver.status = record.driver.approval === "approved" ? "available" : "offline";
      }
      this.commit(record, "DriverReleased", correlationId, { rideId });
      await this.afterCommit(record, true);
      return record.driver;
    });
  }

  /** A notification for the driver (the live channel): pushed to their open sockets. */
  notify(payload: { type: "notification"; id: string; event: string; rideId: string; text: string }): number {
    return broadcast(this.ctx, JSON.stringify(payload));
  }

  /** A ride this driver is offered or driving changed: push it to the driver's live sockets. */
  rideChanged(ride: Ride): number {
    return broadcast(this.ctx, JSON.stringify({ type: "ride", ride }));
  }

  /** GET /v1/drivers/me/live, forwarded by the gateway: the driver's own socket. */
  override async fetch(request: Request): Promise<Response> {
    const actor = actorFromHeaders(request);
    if (!actor || actor.role !== "driver" || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected the driver's WebSocket upgrade", { status: 400 });
    const record = this.load();
    if (!record || record.driver.id !== actor.id) return new Response("not registered", { status: 404 });
    return acceptLive(this.ctx, actor, JSON.stringify({ type: "driver", driver: record.driver, offers: this.offers() }));
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    onLiveMessage(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    onLiveClose(ws, code);
  }

  /** The open offer, if any and not expired. */
  offers(): DriverOffer[] {
    const record = this.load();
    if (!record?.offer || record.driver.status !== "offered") return [];
    return Date.parse(record.offer.expiresAt) > Date.now() ? [record.offer] : [];
  }

  override async alarm(): Promise<void> {
    await this.run(async () => {
      this.timers.clear("outbox");
      await this.relay();
      await this.armAlarm();
    });
  }
}
