/**
 * `npm run soak:live`: 1,000 rides (SOAK_RIDES) through the local system, each watched
 * by a live WebSocket that stays open until the end. Checks that every socket saw every
 * change of its ride after it connected, and prints the memory of the local processes at
 * the start, with the sockets open, 30 s after they close, and once the system has been
 * left to settle (bench/runtime-memory.ts says why those steps and which figures).
 *
 * The local system is one workerd process (scripts/local-runtime.mjs): every worker, Durable
 * Object, queue and D1 database of the ride system, and the HTTP server in front of them.
 *
 * The rides run in SOAK_ROUNDS rounds (default 2); each round's sockets close at its
 * end, so the second round shows whether memory freed by the first is used again.
 *
 * Settings: SOAK_RIDES (default 1000), SOAK_CONCURRENCY (rides in flight, default 20),
 * SOAK_DRIVERS (default 40), SOAK_ROUNDS (default 2), SOAK_SOCKETS=0 for the same rides
 * without sockets (the baseline), SOAK_IDLE_S (default 30) seconds of quiet after a round,
 * SOAK_WARMUP (default 50) rides before the start reading, SOAK_LINGER_S (default 0) seconds of
 * quiet before a last reading, SOAK_HOLD_S to pause at the start and before stopping (to look
 * inside with a profiler).
 */
import { Api } from "../test/support/client.ts";
import { startSystem } from "../test/support/system.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { collectAllGarbage, readMemory, releaseFreeMemory, rssMiB, workerdRoles, type MemoryReading as Reading, type WorkerdRoles } from "./runtime-memory.ts";

const RIDES = Number(process.env.SOAK_RIDES ?? 1000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 20);
const DRIVERS = Number(process.env.SOAK_DRIVERS ?? 40);
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 2);
/** SOAK_SOCKETS=0 runs the same rides with no sockets: the baseline the sockets are compared with. */
const WITH_SOCKETS = process.env.SOAK_SOCKETS !== "0";
const IDLE_S = Number(process.env.SOAK_IDLE_S ?? 30);
/** SOAK_LINGER_S: after the rounds, this much more quiet and one more settled reading (default 0: none). */
const LINGER_S = Number(process.env.SOAK_LINGER_S ?? 0);
/** Rides run before the start reading (SOAK_WARMUP, default 50); their figures are reported apart. */
const WARMUP = Number(process.env.SOAK_WARMUP ?? 50);
/** workerd evicts an object 10 s after its last request ends. */
const EVICTION_WAIT_S = 15;
const CENTER = { lat: 37.5665, lng: 126.978 };

type Ride = { id: string; status: string; version: number; driver: { id: string } | null };
type RideResult = { id: string; received: Ride[]; token: string };

/**
 * The system left to settle, then a reading: a full collection in every isolate of the runtime
 * (what requests leave is native memory owned by JS garbage), the 10 s after which workerd evicts
 * idle objects, and a second collection for what the evicted objects left behind.
 */
async function readSettled(roles: WorkerdRoles): Promise<Reading> {
  await collectAllGarbage(roles.runtime);
  await sleep(EVICTION_WAIT_S * 1000);
  const isolates = await collectAllGarbage(roles.runtime);
  console.log(`soak: full garbage collection in ${isolates} isolates`);
  await sleep(2000);
  return readMemory(roles);
}

/** SOAK_HOLD_S: pause this long at the start and before stopping, to look inside the runtime. */
async function hold(when: string): Promise<void> {
  const seconds = Number(process.env.SOAK_HOLD_S ?? 0);
  if (seconds <= 0) return;
  console.log(`soak: holding ${seconds} s ${when}`);
  await sleep(seconds * 1000);
}

const STATUS_OF: Record<string, string> = { DriverAssigned: "driver_assigned", DriverArrived: "driver_arrived", TripStarted: "in_progress", TripEnded: "payment_pending", RideCompleted: "completed" };

async function main() {
  console.log(`soak: starting the local system …`);
  const system = await startSystem({ IDLE_COLLECT_S: process.env.IDLE_COLLECT_S ?? "10", DISPATCH_MODE: "auto", DRIVER_FRESHNESS_S: "3600", NO_SUPPLY_WINDOW_S: "0", DISPATCH_RETRY_S: "0.2", DISPATCH_TIMEOUT_S: "300" });
  const api = new Api(system.baseUrl);
  const ws = system.baseUrl.replace(/^http/, "ws");
  // the local process, found once: it runs until the system stops
  const roles = workerdRoles(system.pid);
  console.log(`soak: the local system runs in ${roles.runtime.length + roles.proxy.length} workerd process(es)`);
  const sockets: WebSocket[] = [];
  try {
    const drivers = new Map<string, string>();
    for (let i = 0; i < DRIVERS; i++) {
      const id = `sd_${i}`;
      const token = await api.token(id, "driver");
      await api.request("PUT", "/v1/drivers/me", { token, body: { name: id, vehicle: { plate: `11가${1000 + i}`, model: "Sonata", product: "standard" } } });
      await api.request("POST", "/v1/drivers/me/online", { token, body: { location: { lat: CENTER.lat + (i % 10) * 0.001, lng: CENTER.lng + Math.floor(i / 10) * 0.001 } } });
      drivers.set(id, token);
    }
    /** One ride from request to completion, watched by a live socket (added to `opened`) unless SOAK_SOCKETS=0. */
    const oneRide = async (n: number, key: string, opened: WebSocket[]): Promise<RideResult> => {
      const rider = await api.token(`sr_${n}`, "rider");
      const created = await api.request<Ride>("POST", "/v1/rides", {
        token: rider, headers: { "idempotency-key": key },
        body: { pickup: CENTER, dropoff: { lat: CENTER.lat + 0.02, lng: CENTER.lng + 0.02 }, product: "standard", paymentMethod: "pm_card_visa" },
      });
      if (created.status !== 202) throw new Error(`request ${n}: ${created.status} ${JSON.stringify(created.body)}`);
      const id = created.body.id;
      const received: Ride[] = [];
      let done: () => void = () => undefined;
      const completed = new Promise<void>((r) => (done = r));
      if (WITH_SOCKETS) {
        const socket = new WebSocket(`${ws}/v1/rides/${id}/live?access_token=${rider}`);
        opened.push(socket);
        socket.addEventListener("message", (e) => {
          const ride = JSON.parse(String(e.data)) as Ride;
          received.push(ride);
          if (ride.status === "completed") done();
        });
        await new Promise<void>((resolve, reject) => {
          socket.addEventListener("open", () => resolve());
          socket.addEventListener("error", () => reject(new Error(`socket for ${id} refused`)));
        });
      }
      // auto mode: wait for the assignment, then the driver takes the trip
      let ride = created.body;
      while (!ride.driver) {
        await sleep(50);
        ride = (await api.request<Ride>("GET", `/v1/rides/${id}`, { token: rider })).body;
      }
      const driverToken = drivers.get(ride.driver.id)!;
      for (const step of ["arrive", "start", "complete"]) {
        const res = await api.request("POST", `/v1/rides/${id}/${step}`, { token: driverToken, body: step === "complete" ? { distanceMeters: 3000, durationSeconds: 500 } : undefined });
        if (res.status !== 200) throw new Error(`${step} ${id}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      if (WITH_SOCKETS) {
        await Promise.race([completed, sleep(60_000).then(() => Promise.reject(new Error(`ride ${id} never completed on its socket`)))]);
      } else {
        while ((await api.request<Ride>("GET", `/v1/rides/${id}`, { token: rider })).body.status !== "completed") await sleep(100);
      }
      return { id, received, token: rider };
    };

    const cold = await readSettled(roles);
    // Warm-up: the first rides grow the runtime to a level it then keeps (a second round adds
    // nothing), so the start is read after some of them; the cold start is reported too.
    const warmSockets: WebSocket[] = [];
    await Promise.all(Array.from({ length: Math.min(WARMUP, CONCURRENCY) }, async (_, w) => {
      for (let n = w; n < WARMUP; n += CONCURRENCY) await oneRide(RIDES + n, `soak-warmup-${n}`, warmSockets);
    }));
    for (const s of warmSockets) s.close();
    const start = await readSettled(roles);
    await hold("at the start");
    console.log(`soak: runtime RSS ${start.runtimeMiB.toFixed(0)} MiB; ${RIDES} rides, ${CONCURRENCY} at a time`);

    const results: RideResult[] = [];
    const peak = { runtimeMiB: start.runtimeMiB };
    let next = 0;
    const sampler = setInterval(() => {
      peak.runtimeMiB = Math.max(peak.runtimeMiB, rssMiB(roles.runtime));
    }, 1000);
    const started = Date.now();
    const rounds: { rides: number; open: Reading; idle: Reading; settled: Reading }[] = [];
    const perRound = Math.ceil(RIDES / ROUNDS);
    for (let round = 1; round <= ROUNDS; round++) {
      const roundSockets: WebSocket[] = [];
      const last = Math.min(RIDES, round * perRound);
      const worker = async () => {
        while (next < last) {
          const n = next++;
          results.push(await oneRide(n, `soak-${n}`, roundSockets));
          if (results.length % 100 === 0) console.log(`soak: ${results.length} rides completed, ${roundSockets.length} sockets open in round ${round}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      sockets.push(...roundSockets);
      await sleep(2000);
      const open = await readMemory(roles);
      for (const s of roundSockets) s.close();
      // Idle objects are evicted after about 10 s; follow the memory while the system is quiet.
      const trail: number[] = [];
      for (let i = 0; i < IDLE_S / 10; i++) {
        await sleep(10_000);
        trail.push(Math.round(rssMiB(roles.runtime)));
      }
      const idle = await readMemory(roles);
      console.log(`soak: round ${round}: runtime RSS every 10 s after its sockets closed: ${trail.join(", ")} MiB`);
      const settled = await readSettled(roles);
      rounds.push({ rides: results.length, open, idle, settled });
    }
    clearInterval(sampler);
    const elapsed = (Date.now() - started) / 1000;
    let lingered: Reading | undefined;
    if (LINGER_S > 0) {
      await sleep(LINGER_S * 1000);
      lingered = await readSettled(roles);
    }
    // RSS once the runtime's allocator has given back its free pages: what it really holds
    const released = releaseFreeMemory(roles.runtime) ? rssMiB(roles.runtime) : undefined;

    // every socket saw every change of its ride after it connected
    let missing = 0;
    for (const r of WITH_SOCKETS ? results : []) {
      const first = r.received[0]!;
      const timeline = (await api.request<{ items: { type: string; version: number }[] }>("GET", `/v1/rides/${r.id}/events`, { token: r.token })).body.items;
      const final = timeline[timeline.length - 1]!.version;
      const versions = r.received.map((x) => x.version);
      const expected = timeline.filter((e) => e.version > first.version && STATUS_OF[e.type]).map((e) => STATUS_OF[e.type]!);
      const seen = new Set(r.received.map((x) => x.status));
      const ok = versions.every((v, i) => i === 0 || v > versions[i - 1]!) && versions[versions.length - 1] === final && expected.every((s) => seen.has(s));
      if (!ok) missing++;
    }

    const fmt = (n: number | undefined) => (n === undefined ? "n/a" : n.toFixed(0));
    const row = (label: string, r: Reading) => `| ${label} | ${fmt(r.runtimeMiB)} | ${fmt(r.runtimeInUseMiB)} | ${fmt(r.jsUsedMiB)} |`;
    const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "n/a" : (a / b).toFixed(2));
    const last = rounds.at(-1)!;
    const lines = [
      `| rides | sockets | elapsed s | rides/s | sockets that missed a change |`,
      `|---|---|---|---|---|`,
      `| ${results.length} | ${sockets.length} | ${elapsed.toFixed(0)} | ${(results.length / elapsed).toFixed(1)} | ${missing} |`,
      "",
      `| MiB | RSS | allocator in use | JS heaps |`,
      `|---|---|---|---|`,
      row("cold start (drivers online, settled)", cold),
      row(`start: after ${WARMUP} warm-up rides, settled`, start),
      `| peak RSS (sampled every second) | ${fmt(peak.runtimeMiB)} | | |`,
      ...rounds.flatMap((r, i) => [
        row(`round ${i + 1}: ${r.rides} rides done${WITH_SOCKETS ? ", their sockets open" : ""}`, r.open),
        row(`round ${i + 1}: ${IDLE_S} s ${WITH_SOCKETS ? "after those sockets closed" : "later"}`, r.idle),
        row(`round ${i + 1}: then settled (collection, eviction, collection)`, r.settled),
      ]),
      ...(lingered ? [row(`then ${LINGER_S} s more of quiet, settled`, lingered)] : []),
      `| end: the allocator gives back its free pages | ${fmt(released)} | | |`,
      "",
      `end / start: allocator in use ${ratio(last.settled.runtimeInUseMiB, start.runtimeInUseMiB)}, JS heaps ${ratio(last.settled.jsUsedMiB, start.jsUsedMiB)}, ` +
        `RSS ${ratio(last.settled.runtimeMiB, start.runtimeMiB)} (${ratio(released, start.runtimeMiB)} once free pages are given back)` +
        (rounds.length > 1 ? `; RSS at the end of the last round / of the first: ${ratio(last.open.runtimeMiB, rounds[0]!.open.runtimeMiB)}` : ""),
    ];
    console.log(`\n${lines.join("\n")}`);
    await hold("before stopping");
    if (missing > 0) process.exitCode = 1;
  } finally {
    for (const s of sockets) s.close();
    await system.stop();
  }
}

await main();
