/**
 * The crash test's load: drivers (a loop each) that stay online, report their location and
 * take every ride assigned to them from pickup to drop-off; riders requesting rides at a
 * steady rate with an Idempotency-Key each, some with the declined test card, some
 * cancelling before pickup. Every request that got no answer is sent again, the same, once
 * the system is back. Bounded: rides by `rate × loadMs`, every loop by its deadline.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Answer, Http } from "./http.ts";

export const CENTER = { lat: 37.5665, lng: 126.978 };
export const DECLINED_CARD = "pm_card_chargeDeclined";

export interface Actor {
  id: string;
  token: string;
}

export interface AcceptedRide {
  riderId: string;
  key: string;
  paymentMethod: string;
  /** The rider asked to cancel it (answered 200: cancelled, 409: too late). */
  cancel?: number;
}

/** What the clients did and were told. */
export interface LoadRecord {
  /** Ride id → the request that got the 202. */
  accepted: Map<string, AcceptedRide>;
  requested: number;
  /** Ride requests and cancellations not yet answered. */
  inFlight: number;
  /** Requests still unanswered when their deadline passed (never accepted, as far as the rider knows). */
  unanswered: number;
  /** Answers other than 202 to ride requests, by status. */
  refused: Record<string, number>;
  cancels: { asked: number; cancelled: number; tooLate: number; unanswered: number };
  steps: Record<string, number>;
}

export const newRecord = (): LoadRecord => ({
  accepted: new Map(),
  requested: 0,
  inFlight: 0,
  unanswered: 0,
  refused: {},
  cancels: { asked: 0, cancelled: 0, tooLate: 0, unanswered: 0 },
  steps: {},
});

/** A small seeded generator (mulberry32), so a run's choices can be replayed with --seed. */
export { seeded } from "../../test/support/seeded.ts";

const near = (random: () => number, km: number) => ({
  lat: CENTER.lat + (random() - 0.5) * 2 * (km / 111),
  lng: CENTER.lng + (random() - 0.5) * 2 * (km / 88),
});

/** Registers `count` drivers and takes them online at spots around the centre. */
export async function driversOnline(
  http: Http,
  run: string,
  count: number,
  random: () => number,
  until: number,
): Promise<(Actor & { at: { lat: number; lng: number } })[]> {
  const drivers = [];
  for (let i = 0; i < count; i++) {
    const id = `${run}-d${i}`;
    const token = await http.token(id, "driver", until);
    const at = near(random, 1);
    const profile = { name: `Crash driver ${i}`, vehicle: { plate: `12가${1000 + i}`, model: "Sonata", product: "standard" } };
    const reg = await http.send("PUT", "/v1/drivers/me", { token, body: profile }, until);
    const online = await http.send("POST", "/v1/drivers/me/online", { token, body: { location: at } }, until);
    if (reg?.status !== 200 || online?.status !== 200) throw new Error(`driver ${id}: register ${reg?.status}, online ${online?.status}`);
    drivers.push({ id, token, at });
  }
  return drivers;
}

type DriverState = { status: string; currentRideId: string | null };
type RideState = { id: string; status: string };

const NEXT_STEP: Record<string, { step: "arrive" | "start" | "complete"; pauseMs: [number, number] }> = {
  driver_assigned: { step: "arrive", pauseMs: [300, 1200] },
  driver_arrived: { step: "start", pauseMs: [200, 800] },
  in_progress: { step: "complete", pauseMs: [800, 2500] },
};

/**
 * One driver's app until `stop()` says so (or `until`): reports its location every 5 s, looks
 * at its state about once a second,
 * goes online again if it finds itself offline, and moves its ride on one step at a time.
 * It reads its state afresh each round, so a step lost to a crash is simply taken again.
 */
export async function driveLoop(
  http: Http,
  driver: Actor & { at: { lat: number; lng: number } },
  record: LoadRecord,
  random: () => number,
  stop: () => boolean,
  until: number,
) {
  let reported = 0;
  const once = async <T>(method: string, path: string, body?: unknown): Promise<Answer<T> | null> => {
    if (!http.gate.up) return null;
    try {
      return await http.once<T>(method, path, { token: driver.token, body });
    } catch {
      return null;
    }
  };
  while (!stop() && Date.now() < until) {
    if (!http.gate.up) {
      await http.gate.wait(Math.min(1_000, until - Date.now()));
      continue;
    }
    if (Date.now() - reported > 5_000) {
      const at = { lat: driver.at.lat + (random() - 0.5) * 0.0005, lng: driver.at.lng + (random() - 0.5) * 0.0005 };
      if ((await once("PUT", "/v1/drivers/me/location", at))?.status === 204) reported = Date.now();
    }
    const me = await once<DriverState>("GET", "/v1/drivers/me");
    if (me?.status === 200 && me.body.status === "offline") await once("POST", "/v1/drivers/me/online", { location: driver.at });
    const rideId = me?.status === 200 && me.body.status === "on_trip" ? me.body.currentRideId : null;
    if (rideId) {
      const ride = await once<RideState>("GET", `/v1/rides/${rideId}`);
      const next = ride?.status === 200 ? NEXT_STEP[ride.body.status] : undefined;
      if (next) {
        const [low, high] = next.pauseMs;
        await sleep(low + random() * (high - low));
        const body =
          next.step === "complete" ? { distanceMeters: 2500 + Math.round(random() * 3000), durationSeconds: 420 + Math.round(random() * 600) } : undefined;
        const done = await once("POST", `/v1/rides/${rideId}/${next.step}`, body);
        const key = `${next.step} ${done ? done.status : "no answer"}`;
        record.steps[key] = (record.steps[key] ?? 0) + 1;
        continue;
      }
    }
    await sleep(700 + random() * 600);
  }
}

export interface RiderSettings {
  run: string;
  rate: number;
  /** At most this many requests. */
  maxRides: number;
  declinedShare: number;
  cancelShare: number;
  /** How long a request is sent again before the rider gives up (epoch ms). */
  giveUpAt: number;
}

/** One ride: request it until answered (same key), then perhaps cancel it a moment later. */
async function oneRide(http: Http, rider: Actor, n: number, s: RiderSettings, record: LoadRecord, random: () => number) {
  const key = `${s.run}-ride-${n}`;
  const pickup = near(random, 1.5);
  const dropoff = { lat: pickup.lat + (random() - 0.5) * 0.04, lng: pickup.lng + (random() - 0.5) * 0.04 };
  const paymentMethod = random() < s.declinedShare ? DECLINED_CARD : "pm_card_visa";
  const willCancel = random() < s.cancelShare;
  const cancelAfterMs = 300 + random() * 5_000;
  record.requested += 1;
  const body = { pickup, dropoff, product: "standard", paymentMethod };
  const res = await http.send<{ id: string }>("POST", "/v1/rides", { token: rider.token, body, headers: { "idempotency-key": key } }, s.giveUpAt);
  if (!res) {
    record.unanswered += 1;
    return;
  }
  if (res.status !== 202) {
    record.refused[res.status] = (record.refused[res.status] ?? 0) + 1;
    return;
  }
  const ride: AcceptedRide = { riderId: rider.id, key, paymentMethod };
  record.accepted.set(res.body.id, ride);
  if (!willCancel) return;
  await sleep(cancelAfterMs);
  record.cancels.asked += 1;
  const cancel = await http.send("POST", `/v1/rides/${res.body.id}/cancel`, { token: rider.token, body: { reason: "changed my mind" } }, s.giveUpAt);
  ride.cancel = cancel?.status;
  if (cancel?.status === 200) record.cancels.cancelled += 1;
  else if (cancel) record.cancels.tooLate += 1;
  else record.cancels.unanswered += 1;
}

/**
 * Starts `start(n)` about `rate` times a second until `stop()` or `max` starts (none while the
 * system is down, as an app shows an error instead), each one in flight on its own; `sized`
 * hears how many are in flight. Resolves, with how many were started, once every one ended.
 */
export async function paced(
  http: Http,
  pace: { rate: number; max: number },
  random: () => number,
  stop: () => boolean,
  start: (n: number) => Promise<void>,
  sized: (inFlight: number) => void = () => undefined,
): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  let n = 0;
  while (!stop() && n < pace.max) {
    if (!http.gate.up) {
      await http.gate.wait(1_000);
      continue;
    }
    const task = start(n++);
    inFlight.add(task);
    sized(inFlight.size);
    void task.finally(() => {
      inFlight.delete(task);
      sized(inFlight.size);
    });
    await sleep((1_000 / pace.rate) * (0.5 + random()));
  }
  await Promise.all(inFlight);
  return n;
}

/**
 * Riders requesting `rate` rides a second until `stop()`, each one in flight on its own (`paced`);
 * resolves once every ride request and cancellation has been answered or given up.
 */
export function ridersLoop(http: Http, riders: Actor[], s: RiderSettings, record: LoadRecord, random: () => number, stop: () => boolean) {
  const start = (n: number) => {
    const rider = riders[Math.floor(random() * riders.length)]!;
    return oneRide(http, rider, n, s, record, random).catch((error: unknown) => {
      record.refused[`error: ${String(error)}`] = (record.refused[`error: ${String(error)}`] ?? 0) + 1;
    });
  };
  return paced(http, { rate: s.rate, max: s.maxRides }, random, stop, start, (size) => (record.inFlight = size));
}
