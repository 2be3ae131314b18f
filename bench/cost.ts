/**
 * `npm run bench:cost`: what a ride costs, in floor operations, in one run (issue 16).
 *
 * The unit, the floor operation: a request to a new Durable Object that does one SQL write and
 * sends one queue message, which a consumer takes (alone) and acks (bench/floor/, `POST /op`).
 * Its CPU is read from /proc for the floor worker's process group (bench/support/cpu.ts), less
 * the rate that group burns idle, over K operations sent one after another, until the consumer
 * has acked the last one. The same reading of the ride system's process group (dev.mjs,
 * wrangler, workerd: every worker, object, queue and D1 of it) over each phase below, less its
 * own idle rate, divided by the phase's rides (or reports), is that thing's cost; divided by the
 * floor operation's CPU, its cost in floor units.
 *
 * A phase is divided by the floor operation measured beside it: floor operations are sent at
 * COST_FLOOR_RATE a second (default 20) for as long as the phase runs, and their CPU over the
 * same span, per operation, is the phase's unit. This machine's cores are shared, and a stretch
 * of minutes when everything runs slower slows the floor with the ride only if both run in it.
 * For comparison the floor is also measured alone (K operations one after another) before the
 * first phase and after each one, and the table shows the phase against the mean of the
 * readings before and after it too (the method until 2026-12-01).
 *
 * Phases (each ends when every consumer has settled: the counters have not moved for 3 s and the
 * views show each ride's end):
 *  1. served rides, one after another: request → auto assignment (DISPATCH_MODE=auto) → arrive →
 *     start → complete → captured, projected and notified;
 *  2. location reports of online drivers with no ride (closed loop);
 *  3. unserved rides, all at once, each in its own cell far from every driver, at
 *     DISPATCH_TIMEOUT_S=10 (this system) and =60 (a second system, started after the first stops);
 *     each after the same batch unmeasured, so that both run on code the runtime has warmed
 *     alike (the second system is new: its first rides ran colder code, about 4 floor units
 *     more a ride, which read as a cost of the longer wait); then the same number again in cells
 *     that the measured batch made: an unserved ride in new cells makes about 10 new objects,
 *     one in old cells finds them made (if perhaps evicted from memory while idle).
 * With the CPU, the structural counts per ride from the development counters (GET /v1/dev/metrics
 * and the views/notification workers' log lines): object calls, alarms, queue messages, consumer
 * runs, D1 write statements, transactions and rows.
 *
 * Only 127.0.0.1; every server it starts is stopped by its process group id. Prints a table and
 * writes bench/results/cost-<time>.json.
 *
 * Settings (environment): COST_FLOOR_OPS (K, default 200), COST_FLOOR_RATE (default 20), COST_RIDES (served, default 30),
 * COST_REPORTS (default 300), COST_UNSERVED (per deadline, default 8), COST_IDLE_S (default 10),
 * COST_SKIP_60=1 (no second system).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { startSystem, type RunningSystem } from "../test/support/system.ts";
import { delta, readCounters, scale, structure, type Counters, type Structure } from "./support/counters.ts";
import { endSpan, idleRate, minus, ROLES, startSpan, type ByRole, type IdleRate, type Span } from "./support/cpu.ts";
import { startFloor, type FloorWorker } from "./support/floor.ts";
import { stateMedium } from "./support/state-medium.ts";

const K = Number(process.env.COST_FLOOR_OPS ?? 200);
const SERVED = Number(process.env.COST_RIDES ?? 30);
const REPORTS = Number(process.env.COST_REPORTS ?? 300);
const UNSERVED = Number(process.env.COST_UNSERVED ?? 8);
const IDLE_S = Number(process.env.COST_IDLE_S ?? 10);
const SKIP_60 = process.env.COST_SKIP_60 === "1";
/** Floor operations a second sent beside each phase. */
const FLOOR_RATE = Number(process.env.COST_FLOOR_RATE ?? 20);

const CENTER = { lat: 37.5219, lng: 126.9245 };
const REPORT_AREA = { lat: 37.3, lng: 127.1 };
/** The i-th unserved pickup: far from every driver, 11 km from the next, so each is in its own cells. */
const nowhere = (i: number) => ({ lat: 36.0 + i * 0.1, lng: 128.5 });
const jitter = (p: { lat: number; lng: number }, meters: number) => ({
  lat: p.lat + ((Math.random() * 2 - 1) * meters) / 111_320,
  lng: p.lng + ((Math.random() * 2 - 1) * meters) / 88_000,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = () => Math.random().toString(36).slice(2, 10);

type Ride = { id: string; status: string; driver: { id: string } | null; payment: { status: string } };
type Driver = { id: string; token: string; location: { lat: number; lng: number } };

interface Phase {
  what: string;
  n: number;
  cpuMsEach: number;
  units: number;
  wallS: number;
  /** HTTP requests the benchmark made per ride (or report), each one work of the system too. */
  clientRequestsEach: number;
  perEach: Structure;
  counters: Counters;
  /** The floor operation's CPU this phase is divided by: measured beside it, over the same span (`FloorMeter.beside`). */
  floorCpuMs: number;
  /** How many floor operations that was. */
  floorBesideOps: number;
  /** The mean of the floor readings before and after the phase (K operations each, nothing beside them): the method until 2026-12-01. */
  floorAroundMs: number;
  /** The phase in units of `floorAroundMs`. */
  unitsAround: number;
  /** CPU ms each of the benchmark's own reads after the counters stopped (left out of `cpuMsEach` since 2026-12-02 evening). */
  benchReadsMsEach: number;
  /** CPU ms each by role (bench/support/cpu.ts), each less its own idle rate. */
  byRoleMsEach: ByRole;
  /** The runtime alone (both its parts: what Cloudflare runs), each and against the floor's runtime beside it. */
  runtimeMsEach: number;
  floorRuntimeMs: number;
  runtimeUnits: number;
}

/** The runtime's share of a reading by role: what Cloudflare would run, without wrangler's parts. */
const runtimeOf = (x: ByRole) => x["runtime main thread"] + x["runtime other threads"];
/** A span's CPU by role, less each role's idle rate over it, in ms per one of `n`. */
const perEachMs = (raw: ByRole, idle: ByRole, wallS: number, n: number): ByRole =>
  Object.fromEntries(Object.entries(minus(raw, idle, wallS)).map(([r, s]) => [r, (Math.max(0, s) * 1000) / n])) as ByRole;

/** A local system and the client calls made to it, counted (each is work the system does). */
class Subject {
  requests = 0;
  readonly system: RunningSystem;
  constructor(system: RunningSystem) {
    this.system = system;
  }
  async call<T>(method: string, path: string, token: string | null, body?: unknown, expect = 200): Promise<T> {
    this.requests++;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method === "POST") headers["idempotency-key"] = rand();
    const res = await fetch(`${this.system.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status !== expect) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }
  async token(sub: string, role: "rider" | "driver"): Promise<string> {
    return (await this.call<{ token: string }>("POST", "/v1/dev/tokens", null, { sub, role })).token;
  }
  async driver(near: { lat: number; lng: number }, spread: number): Promise<Driver> {
    const id = `cd_${rand()}`;
    const token = await this.token(id, "driver");
    await this.call("PUT", "/v1/drivers/me", token, { name: id, vehicle: { plate: "12가3456", model: "Sonata", product: "standard" } });
    const location = jitter(near, spread);
    await this.call("POST", "/v1/drivers/me/online", token, { location });
    return { id, token, location };
  }
  request(rider: string, pickup: { lat: number; lng: number }): Promise<{ id: string }> {
    const dropoff = { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 };
    return this.call("POST", "/v1/rides", rider, { pickup, dropoff, product: "standard", paymentMethod: "pm_card_visa" }, 202);
  }
  /** Polls the ride (its object) until `done`. */
  async until(rider: string, id: string, done: (r: Ride) => boolean, limitMs: number, everyMs: number): Promise<Ride> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const ride = await this.call<Ride>("GET", `/v1/rides/${id}`, rider);
      if (done(ride)) return ride;
      if (Date.now() > deadline) throw new Error(`ride ${id} still ${ride.status}`);
      await sleep(everyMs);
    }
  }
  /** The views' copies (D1) of `ids`, as their riders list them. */
  async viewed(riders: readonly string[]): Promise<Ride[]> {
    const lists = await Promise.all(riders.map((r) => this.call<{ items: Ride[] }>("GET", "/v1/rides?limit=100", r)));
    return lists.flatMap((l) => l.items);
  }
}

/**
 * Waits until no counter moved for `quietMs` and `done` holds; answers the counters then and,
 * given a `span`, its reading at the first poll that found the counters still (`quiet`). The
 * quiet polls after that one, and the `done` checks (each a client's list of rides), are the
 * benchmark's own reads, not the rides' work: with them a served ride read about 1 floor unit more.
 */
async function settle(
  s: Subject,
  done: () => Promise<boolean>,
  span?: Span,
  quietMs = 3000,
  limitMs = 120_000,
): Promise<{ counters: Counters; quiet?: ReturnType<typeof endSpan> }> {
  const deadline = Date.now() + limitMs;
  let last = "";
  let since = Date.now();
  let quiet: ReturnType<typeof endSpan> | undefined;
  for (;;) {
    const counters = await readCounters(s.system);
    const now = JSON.stringify(counters);
    if (now !== last) {
      last = now;
      since = Date.now();
      quiet = undefined;
    } else {
      quiet ??= span && endSpan(span, 0);
      if (Date.now() - since >= quietMs && (await done())) return { counters, quiet };
    }
    if (Date.now() > deadline) throw new Error("the system did not settle within the limit");
    await sleep(500);
  }
}

const finalPayment = (r: Ride) => !["pending", "authorized"].includes(r.payment.status);

/**
 * The system's idle rate, measured again after each phase: `rate` is the latest reading. A
 * phase takes off the mean of the readings before and after it, since a long phase (an
 * unserved ride waiting out a 60 s deadline) keeps its objects in memory and the system's idle
 * rate with them; the reading before alone left that on the phase.
 */
type Idle = IdleRate;

/**
 * The floor operation's CPU per operation, measured K operations at a time whenever asked:
 * `latest` is the newest reading.
 */
class FloorMeter {
  latest = NaN;
  readonly readings: number[] = [];
  /** The runtime's part of each reading (ms per operation). */
  readonly runtimeReadings: number[] = [];
  private readonly floor: FloorWorker;
  private readonly idle: IdleRate;
  constructor(floor: FloorWorker, idle: IdleRate) {
    this.floor = floor;
    this.idle = idle;
  }
  async measure(): Promise<number> {
    const before = await consumedOf(this.floor);
    const span = startSpan(this.floor.pid);
    for (let i = 0; i < K; i++) if (!(await floorOp(this.floor, `op-${i}-${rand()}`))) throw new Error("floor operation failed");
    const { ms, runtimeMs } = await this.perOperation(span, before, K);
    this.latest = ms;
    this.readings.push(ms);
    this.runtimeReadings.push(runtimeMs);
    console.log(`  floor operation: ${this.latest.toFixed(2)} ms CPU`);
    return this.latest;
  }

  /** Once the consumer has acked the `n` operations sent since `consumed` was `before`: the span's CPU (less the idle rate) per operation, in ms; in all and the runtime's part. */
  private async perOperation(span: Span, before: number, n: number): Promise<{ ms: number; runtimeMs: number }> {
    await untilConsumed(this.floor, before + n);
    const { cpuS, rawByRole, wallS } = endSpan(span, this.idle.rate);
    return { ms: (cpuS * 1000) / n, runtimeMs: runtimeOf(perEachMs(rawByRole, this.idle.byRole, wallS, n)) };
  }

  /**
   * Runs `work` with floor operations sent beside it, one after another at FLOOR_RATE a
   * second until it ends, and answers the floor operation's CPU over that same span: the
   * phase and its unit then run at the same time on this shared machine, where readings
   * minutes apart moved by up to 1.8× within one run (the ratio was not steadier for it in
   * the first runs, BENCHMARKS.md: a ride and a new object do not slow alike).
   */
  async beside<T>(work: () => Promise<T>): Promise<{ value: T; floorCpuMs: number; floorRuntimeMs: number; ops: number }> {
    const before = await consumedOf(this.floor);
    const span = startSpan(this.floor.pid);
    let sent = 0;
    let stop = false;
    const loop = (async () => {
      const start = performance.now();
      while (!stop) {
        if (!(await floorOp(this.floor, `beside-${sent}-${rand()}`))) throw new Error("floor operation failed");
        sent++;
        const wait = start + (sent * 1000) / FLOOR_RATE - performance.now();
        if (wait > 0) await sleep(wait);
      }
    })();
    loop.catch(() => undefined); // awaited below; this only keeps a failure from going unhandled meanwhile
    let value: T;
    try {
      value = await work();
    } finally {
      stop = true;
      await loop;
    }
    const { ms: floorCpuMs, runtimeMs: floorRuntimeMs } = await this.perOperation(span, before, sent);
    console.log(`  floor operation beside it: ${floorCpuMs.toFixed(2)} ms CPU, ${floorRuntimeMs.toFixed(2)} in its runtime (${sent} operations)`);
    return { value, floorCpuMs, floorRuntimeMs, ops: sent };
  }
}

const floorOp = (floor: FloorWorker, key: string) => fetch(`${floor.baseUrl}/op`, { method: "POST", body: JSON.stringify({ key }) }).then((r) => r.ok);
const consumedOf = async (floor: FloorWorker) => ((await (await fetch(`${floor.baseUrl}/consumed`)).json()) as { consumed: number }).consumed;

/** Measures `run` (n rides or reports) on `s`: CPU less the idle rate, and the counters' delta until settled; in floor operations measured beside it (and, for comparison, before and after it). */
async function phase(
  s: Subject,
  idle: Idle,
  floorMeter: FloorMeter,
  what: string,
  n: number,
  run: () => Promise<void>,
  done: () => Promise<boolean>,
): Promise<Phase> {
  console.log(`${what}: ${n} …`);
  const before = await readCounters(s.system);
  const r0 = s.requests;
  const beside = await floorMeter.beside(async () => {
    const span = startSpan(s.system.pid);
    await run();
    const requests = s.requests - r0; // the ride's own, not the views read while settling
    const { counters: settled, quiet } = await settle(s, done, span);
    const withReads = endSpan(span, 0);
    return { settled, requests, ...(quiet ?? withReads), withReadsCpuS: withReads.rawCpuS, withReadsWallS: withReads.wallS };
  });
  const { settled: after, requests, rawCpuS, rawByRole, wallS, withReadsCpuS, withReadsWallS } = beside.value;
  const clientRequestsEach = requests / n;
  const idleBefore = idle.rate;
  const idleByRoleBefore = idle.byRole;
  Object.assign(idle, await idleRate(s.system.pid, IDLE_S));
  const idleTakenOff = (idleBefore + idle.rate) / 2;
  const idleByRole = Object.fromEntries(ROLES.map((r) => [r, (idleByRoleBefore[r] + idle.byRole[r]) / 2])) as ByRole;
  const byRoleMsEach = perEachMs(rawByRole, idleByRole, wallS, n);
  const runtimeMsEach = runtimeOf(byRoleMsEach);
  console.log(`  by role, ms each: ${ROLES.map((r) => `${r} ${byRoleMsEach[r].toFixed(1)}`).join(", ")}`);
  const cpuS = Math.max(0, rawCpuS - idleTakenOff * wallS);
  const readsMsEach = ((withReadsCpuS - rawCpuS - idleTakenOff * (withReadsWallS - wallS)) * 1000) / n;
  console.log(`  the benchmark's own reads after the counters stopped, left out: ${readsMsEach.toFixed(1)} ms each`);
  console.log(
    `  idle ${(idleBefore * 1000).toFixed(1)} ms/s before, ${(idle.rate * 1000).toFixed(1)} after; ${(idleTakenOff * 1000).toFixed(1)} ms/s × ${wallS.toFixed(1)} s taken off`,
  );
  const counters = delta(after, before);
  // A worker that restarted (wrangler reloads on a file change) starts its counters again from zero.
  const reset = Object.entries(counters).filter(([, n]) => n < 0);
  if (reset.length > 0) console.warn(`  warning: counters went down (a worker restarted during the phase): ${reset.map(([k]) => k).join(", ")}`);
  const cpuMsEach = (cpuS * 1000) / n;
  const floorBefore = floorMeter.latest;
  const floorAroundMs = (floorBefore + (await floorMeter.measure())) / 2;
  return {
    what,
    n,
    cpuMsEach,
    floorCpuMs: beside.floorCpuMs,
    floorBesideOps: beside.ops,
    floorAroundMs,
    benchReadsMsEach: readsMsEach,
    units: cpuMsEach / beside.floorCpuMs,
    unitsAround: cpuMsEach / floorAroundMs,
    byRoleMsEach,
    runtimeMsEach,
    floorRuntimeMs: beside.floorRuntimeMs,
    runtimeUnits: runtimeMsEach / beside.floorRuntimeMs,
    wallS,
    clientRequestsEach,
    perEach: scale(structure(counters), 1 / n),
    counters: scale(counters, 1 / n),
  };
}

/**
 * Waits until the floor's consumer has acked `count` operations in all, for a minute at most: a
 * queue that stops delivering ends the run (divided by operations it never took, the unit would
 * read too low and every figure too high).
 */
async function untilConsumed(floor: FloorWorker, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  let consumed = await consumedOf(floor);
  while (consumed < count && Date.now() < deadline) {
    await sleep(100);
    consumed = await consumedOf(floor);
  }
  if (consumed < count) throw new Error(`the floor's consumer took ${consumed} of ${count} operations in a minute: no unit to measure by`);
}

/** The floor worker warmed up, its idle rate, and its first reading. */
async function floorMeterOf(floor: FloorWorker): Promise<FloorMeter> {
  for (let i = 0; i < 20; i++) await floorOp(floor, `warm-${i}-${rand()}`);
  await untilConsumed(floor, 20);
  const idle = await idleRate(floor.pid, IDLE_S);
  console.log(`floor: ${K} operations at a time (idle ${(idle.rate * 1000).toFixed(1)} ms/s taken off) …`);
  const meter = new FloorMeter(floor, idle);
  await meter.measure();
  return meter;
}

/** Served rides, reports and unserved rides on a system with DISPATCH_TIMEOUT_S=10. */
async function firstSystem(system: RunningSystem, floorMeter: FloorMeter): Promise<Phase[]> {
  const s = new Subject(system);
  const drivers = await Promise.all(Array.from({ length: 3 }, () => s.driver(CENTER, 300)));
  const reporters = await Promise.all(Array.from({ length: 10 }, () => s.driver(REPORT_AREA, 1000)));
  const riders = await Promise.all(Array.from({ length: 5 }, (_, i) => s.token(`cr_${i}_${rand()}`, "rider")));
  const served: string[] = [];
  const serve = async (i: number) => {
    const rider = riders[i % riders.length]!;
    const { id } = await s.request(rider, jitter(CENTER, 200));
    const assigned = await s.until(rider, id, (r) => r.driver !== null, 20_000, 150);
    const driver = drivers.find((d) => d.id === assigned.driver!.id)!;
    await s.call("POST", `/v1/rides/${id}/arrive`, driver.token);
    await s.call("POST", `/v1/rides/${id}/start`, driver.token);
    await s.call("POST", `/v1/rides/${id}/complete`, driver.token, { distanceMeters: 3500, durationSeconds: 600 });
    served.push(id);
  };
  console.log("warming up (2 rides) …");
  for (let i = 0; i < 2; i++) await serve(i);
  const servedDone = async () =>
    (await s.viewed(riders)).filter((r) => served.includes(r.id)).every((r) => r.status === "completed" && r.payment.status === "captured");
  await settle(s, servedDone);
  const idle: Idle = await idleRate(system.pid, IDLE_S);
  const phases: Phase[] = [];

  phases.push(
    await phase(
      s,
      idle,
      floorMeter,
      "served ride",
      SERVED,
      async () => {
        for (let i = 0; i < SERVED; i++) await serve(i);
      },
      servedDone,
    ),
  );

  let sent = 0;
  phases.push(
    await phase(
      s,
      idle,
      floorMeter,
      "location report",
      REPORTS,
      async () => {
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (sent < REPORTS) {
              const d = reporters[sent++ % reporters.length]!;
              await s.call("PUT", "/v1/drivers/me/location", d.token, jitter(d.location, 30), 204);
            }
          }),
        );
      },
      async () => true,
    ),
  );

  phases.push(...(await unserved(s, floorMeter, 10)));
  return phases;
}

/**
 * UNSERVED rides requested at once where no driver is, left to the dispatch deadline: first a
 * batch unmeasured (the same number, in cells of their own), then the measured one, in cells
 * nothing has used yet (each of its ~10 dispatch cells is a new object); then one more, in
 * cells that exist: its pickups are 5 km north of the last batch's, so that all but about
 * 0.2 of a ride's cells were made by that batch (and its pickup's cell is not one that batch
 * marked empty). A city's unserved rides are mostly of the second kind.
 */
async function unserved(s: Subject, floorMeter: FloorMeter, deadlineS: number): Promise<Phase[]> {
  const batch = async (where: (i: number) => { lat: number; lng: number }) => {
    const riders = await Promise.all(Array.from({ length: UNSERVED }, (_, i) => s.token(`cu_${i}_${rand()}`, "rider")));
    const ids: string[] = [];
    const request = async () => {
      ids.push(...(await Promise.all(riders.map((r, i) => s.request(r, where(i))))).map((r) => r.id));
      await sleep(deadlineS * 1000);
    };
    const done = async () => {
      const views = (await s.viewed(riders)).filter((r) => ids.includes(r.id));
      return views.length === ids.length && views.every((r) => r.status === "cancelled" && finalPayment(r));
    };
    return { request, done };
  };
  console.log(`unserved rides at DISPATCH_TIMEOUT_S=${deadlineS}, warming up (${UNSERVED}, not measured) …`);
  const warm = await batch((i) => ({ lat: 36.0 + i * 0.1, lng: 129.5 }));
  await warm.request();
  await settle(s, warm.done);
  const idle: Idle = await idleRate(s.system.pid, IDLE_S);
  const fresh = await batch(nowhere);
  const inNewCells = await phase(s, idle, floorMeter, `unserved ride, DISPATCH_TIMEOUT_S=${deadlineS}`, UNSERVED, fresh.request, fresh.done);
  const again = await batch((i) => ({ lat: nowhere(i).lat + 0.045, lng: nowhere(i).lng }));
  const inOldCells = await phase(
    s,
    idle,
    floorMeter,
    `unserved ride, DISPATCH_TIMEOUT_S=${deadlineS}, in cells that exist`,
    UNSERVED,
    again.request,
    again.done,
  );
  return [inNewCells, inOldCells];
}

async function secondSystem(floorMeter: FloorMeter): Promise<Phase[]> {
  console.log("starting a second system with DISPATCH_TIMEOUT_S=60 …");
  const system = await startSystem({ DISPATCH_MODE: "auto", DISPATCH_TIMEOUT_S: "60", DEV_CRON: "off" });
  try {
    // The phase warms the system up itself (a batch unmeasured) and reads its idle rate after that.
    return await unserved(new Subject(system), floorMeter, 60);
  } finally {
    await system.stop();
  }
}

function table(floorMeter: FloorMeter, phases: Phase[]): string {
  const floorReadings = floorMeter.readings;
  const f1 = (x: number) => x.toFixed(1);
  const rows = phases.map(
    (p) =>
      `| ${p.what} | ${p.n} | ${p.cpuMsEach.toFixed(2)} | ${p.floorCpuMs.toFixed(2)} (${p.floorBesideOps}) | **${f1(p.units)}** | ${p.floorAroundMs.toFixed(2)} / ${f1(p.unitsAround)} | ${p.runtimeMsEach.toFixed(1)} / ${p.floorRuntimeMs.toFixed(2)} / **${f1(p.runtimeUnits)}** | ${f1(p.clientRequestsEach)} | ${f1(p.perEach.logLines)} | ${f1(p.perEach.objectCalls)} | ${f1(p.perEach.alarms)} (${f1(p.perEach.alarmWrites)}) | ${f1(p.perEach.messages)} | ${f1(p.perEach.consumerRuns)} | ${f1(p.perEach.d1Statements)} / ${f1(p.perEach.d1Transactions)} / ${f1(p.perEach.d1Rows)} |`,
  );
  return [
    `| what | n | CPU ms each | floor op CPU ms beside it (ops) | floor units | floor op ms around it / units | runtime alone: ms each / floor op's ms beside it / units | client requests | log lines | object calls | alarms (alarm writes) | queue msgs | consumer runs | D1 writes: statements / txns / rows |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
    `| floor operation: new object, 1 SQL write, 1 queue message and its consumer | ${K} × ${floorReadings.length}, alone | ${floorReadings.map((r) => r.toFixed(1)).join(", ")} | | 1 | | ${floorMeter.runtimeReadings.map((r) => r.toFixed(1)).join(", ")} | 1 | | 1 | 0 | 1 | 1 | 0 |`,
    ...rows,
  ].join("\n");
}

async function main() {
  console.log("starting the floor worker and the local system (auto mode, DISPATCH_TIMEOUT_S=10) …");
  const [floorStart, systemStart] = await Promise.allSettled([
    startFloor(),
    startSystem({ DISPATCH_MODE: "auto", DISPATCH_TIMEOUT_S: "10", DRIVER_FRESHNESS_S: "3600", DEV_CRON: "off" }),
  ]);
  const floor = floorStart.status === "fulfilled" ? floorStart.value : undefined;
  let system = systemStart.status === "fulfilled" ? systemStart.value : undefined;
  try {
    if (!floor || !system) throw floorStart.status === "rejected" ? floorStart.reason : (systemStart as PromiseRejectedResult).reason;
    const floorMeter = await floorMeterOf(floor);
    const phases = await firstSystem(system, floorMeter);
    await system.stop();
    system = undefined;
    if (!SKIP_60) phases.push(...(await secondSystem(floorMeter)));
    const text = table(floorMeter, phases);
    const state = stateMedium();
    console.log(`\n${text}\n\nstate directories under ${state} (bench/support/state-medium.ts)\n`);
    const dir = resolve(import.meta.dirname, "results");
    mkdirSync(dir, { recursive: true });
    const file = resolve(dir, `cost-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(
      file,
      JSON.stringify({ state, floor: { ops: K, readings: floorMeter.readings, runtimeReadings: floorMeter.runtimeReadings }, phases }, null, 2),
    );
    console.log(`written ${file}`);
  } finally {
    await Promise.all([system?.stop(), floor?.stop()]);
  }
}

await main();
