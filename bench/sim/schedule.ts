/**
 * The simulator's whole demand and supply plan, computed from the seed before the first
 * request and never from an answer: so two runs with the same seed and settings request the
 * same rides, at the same offsets, from the same riders, with the same cards and
 * cancellations, and start the same drivers on the same routes. `hash` fingerprints it.
 *
 * Two streams (scripts/crash/load.ts `seeded`, mulberry32): demand from `seed`, drivers from
 * `seed + 1`, so a change in the number of drivers leaves the rides alone and the other way
 * round. Each ride draws its values in a fixed order, every value drawn whether used or not,
 * so a change of `cancelShare` or `declinedShare` flips choices and moves no pickup.
 *
 * @example
 * const plan = buildSchedule({ seed: 7, rate: 1, minutes: 2, drivers: 50, riders: 12, reportS: 4, cancelShare: 0.1, declinedShare: 0.05, silentShare: 0.05, hotShare: 0.7, viewSample: 0.1 });
 * plan.rides[0]; // { n: 0, atMs: 812, rider: 3, pickup: {…}, spot: "Gangnam", … }
 */
import { createHash } from "node:crypto";
import { DECLINED_CARD, seeded } from "../../scripts/crash/load.ts";
import { HOT_SPOTS, nearSpot, pickSpot, ringPoint, uniformInArea, type Point } from "./area.ts";

export { DECLINED_CARD };
export const GOOD_CARD = "pm_card_visa";

export interface ScheduleSettings {
  seed: number;
  /** Ride requests per second (λ of a Poisson process). */
  rate: number;
  minutes: number;
  drivers: number;
  /** How many riders share the requests (each is limited to RIDER_LIMITER's 30 a minute). */
  riders: number;
  /** Seconds between one driver's location reports. */
  reportS: number;
  cancelShare: number;
  declinedShare: number;
  /** Share of drivers whose app goes silent (no reports, no answers) at some moment of the run. */
  silentShare: number;
  /** Share of pickups around a hot spot (the rest uniform in the area). */
  hotShare: number;
  /** Share of rides whose steps are followed into the rider's list (event → view lag). */
  viewSample: number;
}

export interface ScheduledRide {
  n: number;
  /** Offset from the start of the request phase. */
  atMs: number;
  /** Index into the riders. */
  rider: number;
  pickup: Point;
  dropoff: Point;
  /** The hot spot the pickup is around, null for a uniform one. */
  spot: string | null;
  paymentMethod: string;
  /** When set, the rider asks to cancel this long after the request was accepted. */
  cancelAfterMs: number | null;
  sampleView: boolean;
}

export interface ScheduledDriver {
  index: number;
  start: Point;
  /** Where it cruises while free, in a loop. */
  waypoints: Point[];
  /** Offset of its first report within a report period, so reports spread evenly. */
  phaseMs: number;
  /** When its app goes silent (from the start of the request phase), null if never. */
  silentAtMs: number | null;
  /** Seed of its own stream of pauses (to the pickup, boarding, the trip), consumed one trip at a time. */
  pauseSeed: number;
}

export interface Schedule {
  settings: ScheduleSettings;
  rides: ScheduledRide[];
  drivers: ScheduledDriver[];
  /** sha256 (hex, 16 digits) of settings, rides and drivers. */
  hash: string;
}

/** More requests than this in one run is a typo, not a load. */
export const MAX_RIDES = 50_000;
export const MAX_DRIVERS = 5_000;
export const MAX_MINUTES = 180;

/** Rides at Poisson times over `minutes`, from the demand stream. */
function demand(s: ScheduleSettings): ScheduledRide[] {
  const random = seeded(s.seed);
  const endMs = s.minutes * 60_000;
  const rides: ScheduledRide[] = [];
  let t = 0;
  for (;;) {
    t += (-Math.log(1 - random()) / s.rate) * 1000;
    if (t >= endMs) break;
    if (rides.length >= MAX_RIDES) throw new Error(`more than ${MAX_RIDES} requests: lower --rate or --minutes`);
    const rider = Math.floor(random() * s.riders);
    const hot = random() < s.hotShare;
    const spot = pickSpot(random);
    const pickup = hot ? nearSpot(random, spot, 1000) : uniformInArea(random);
    const dropoff = random() < 0.4 ? nearSpot(random, pickSpot(random), 1500) : ringPoint(random, pickup, 1500, 12_000);
    const declined = random() < s.declinedShare;
    const cancels = random() < s.cancelShare;
    const cancelAfterMs = Math.round(2_000 + random() * 18_000);
    const sampleView = random() < s.viewSample;
    rides.push({
      n: rides.length,
      atMs: Math.round(t),
      rider,
      pickup,
      dropoff,
      spot: hot ? spot.name : null,
      paymentMethod: declined ? DECLINED_CARD : GOOD_CARD,
      cancelAfterMs: cancels ? cancelAfterMs : null,
      sampleView,
    });
  }
  return rides;
}

/** Drivers' start points (60 % around the hot spots), routes and silences, from the drivers' stream. */
function supply(s: ScheduleSettings): ScheduledDriver[] {
  const random = seeded(s.seed + 1);
  const endMs = s.minutes * 60_000;
  return Array.from({ length: s.drivers }, (_, index) => {
    const start = random() < 0.6 ? nearSpot(random, pickSpot(random), 2000) : uniformInArea(random);
    const waypoints: Point[] = [];
    let at = start;
    for (let i = 0; i < 6; i++) waypoints.push((at = ringPoint(random, at, 1000, 4000)));
    const phaseMs = Math.round(random() * s.reportS * 1000);
    const silent = random() < s.silentShare;
    const silentAt = Math.round((0.2 + random() * 0.6) * endMs);
    const pauseSeed = Math.floor(random() * 2 ** 31);
    return { index, start, waypoints, phaseMs, silentAtMs: silent ? silentAt : null, pauseSeed };
  });
}

/** The fingerprint of a schedule: equal for equal plans, different for any change of a ride or a driver. */
export function hashOf(settings: ScheduleSettings, rides: readonly ScheduledRide[], drivers: readonly ScheduledDriver[]): string {
  return createHash("sha256").update(JSON.stringify({ settings, rides, drivers })).digest("hex").slice(0, 16);
}

/** The whole plan of a run; throws on settings that make no sense. */
export function buildSchedule(s: ScheduleSettings): Schedule {
  const problems = [
    !Number.isSafeInteger(s.seed) && "seed must be an integer",
    !(s.rate > 0) && "rate must be > 0",
    !(s.minutes > 0 && s.minutes <= MAX_MINUTES) && `minutes must be in (0, ${MAX_MINUTES}]`,
    !(Number.isInteger(s.drivers) && s.drivers >= 0 && s.drivers <= MAX_DRIVERS) && `drivers must be a whole number up to ${MAX_DRIVERS}`,
    !(Number.isInteger(s.riders) && s.riders >= 1) && "riders must be at least 1",
    !(s.reportS > 0) && "report-s must be > 0",
    ...(["cancelShare", "declinedShare", "silentShare", "hotShare", "viewSample"] as const).map((k) => !(s[k] >= 0 && s[k] <= 1) && `${k} must be in [0, 1]`),
  ].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) throw new Error(problems.join("; "));
  const settings = { ...s };
  const rides = demand(settings);
  const drivers = supply(settings);
  return { settings, rides, drivers, hash: hashOf(settings, rides, drivers) };
}

/** Pauses of one driver's trips (ms), in order: to the pickup, boarding, the trip itself. */
export function pauses(seed: number): () => { toPickupMs: number; boardingMs: number; tripMs: number; acceptMs: number } {
  const random = seeded(seed);
  return () => ({
    acceptMs: Math.round(400 + random() * 1600),
    toPickupMs: Math.round(3_000 + random() * 6_000),
    boardingMs: Math.round(1_000 + random() * 2_000),
    tripMs: Math.round(6_000 + random() * 12_000),
  });
}

export { HOT_SPOTS };
