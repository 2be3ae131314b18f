/**
 * `npm run soak:live`: 1,000 rides (SOAK_RIDES) through the local system, each watched
 * by a live WebSocket that stays open until the end. Checks that every socket saw every
 * change of its ride after it connected, and prints the memory of the local runtime at
 * the start, with the sockets open, 30 s after they close, and after one full garbage
 * collection in every isolate (bench/runtime-memory.ts says why that step and which figures).
 *
 * The rides run in SOAK_ROUNDS rounds (default 2); each round's sockets close at its
 * end, so the second round shows whether memory freed by the first is used again.
 *
 * Settings: SOAK_RIDES (default 1000), SOAK_CONCURRENCY (rides in flight, default 20),
 * SOAK_DRIVERS (default 40), SOAK_ROUNDS (default 2), SOAK_SOCKETS=0 for the same rides
 * without sockets (the baseline), SOAK_IDLE_S (default 30) seconds of quiet after a round.
 */
import { Api } from "../test/support/client.ts";
import { startSystem } from "../test/support/system.ts";
import { allocatorInUseMiB, collectAllGarbage, jsHeapMiB, rss, workerdPids } from "./runtime-memory.ts";

const RIDES = Number(process.env.SOAK_RIDES ?? 1000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 20);
const DRIVERS = Number(process.env.SOAK_DRIVERS ?? 40);
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 2);
/** SOAK_SOCKETS=0 runs the same rides with no sockets: the baseline the sockets are compared with. */
const WITH_SOCKETS = process.env.SOAK_SOCKETS !== "0";
const IDLE_S = Number(process.env.SOAK_IDLE_S ?? 30);
const CENTER = { lat: 37.5665, lng: 126.978 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Ride = { id: string; status: string; version: number; driver: { id: string } | null };

/** Everything the soak reports of one moment: RSS (tree and workerd), the allocator's bytes in use and the JS heaps, in MiB. */
interface Reading { treeMiB: number; workerdMiB: number; inUseMiB: number | undefined; jsUsedMiB: number }

async function read(pgid: number): Promise<Reading> {
  const pids = workerdPids(pgid);
  return { ...rss(pgid), inUseMiB: allocatorInUseMiB(pids), jsUsedMiB: (await jsHeapMiB(pids)).used };
}

/** One full collection in every isolate, then a reading. */
async function readAfterCollection(pgid: number): Promise<Reading> {
  const isolates = await collectAllGarbage(workerdPids(pgid));
  console.log(`soak: full garbage collection in ${isolates} isolates`);
  await sleep(2000);
  return read(pgid);
}

const STATUS_OF: Record<string, string> = { DriverAssigned: "driver_assigned", DriverArrived: "driver_arrived", TripStarted: "in_progress", TripEnded: "payment_pending", RideCompleted: "completed" };

async function main() {
  console.log(`soak: starting the local system …`);
  const system = await startSystem({ DISPATCH_MODE: "auto", DRIVER_FRESHNESS_S: "3600", NO_SUPPLY_WINDOW_S: "0", DISPATCH_RETRY_S: "0.2", DISPATCH_TIMEOUT_S: "300" });
  const api = new Api(system.baseUrl);
  const ws = system.baseUrl.replace(/^http/, "ws");
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
    await sleep(3000);
    const start = await readAfterCollection(system.pid);
    console.log(`soak: baseline RSS ${start.treeMiB.toFixed(0)} MiB (workerd ${start.workerdMiB.toFixed(0)} MiB); ${RIDES} rides, ${CONCURRENCY} at a time`);

    const results: { id: string; received: Ride[]; token: string }[] = [];
    let peak = rss(system.pid);
    let next = 0;
    const sampler = setInterval(() => {
      const m = rss(system.pid);
      if (m.workerdMiB > peak.workerdMiB) peak = m;
    }, 1000);
    const started = Date.now();
    const rounds: { rides: number; open: Reading; idle: Reading; collected: Reading }[] = [];
    const perRound = Math.ceil(RIDES / ROUNDS);
    for (let round = 1; round <= ROUNDS; round++) {
      const roundSockets: WebSocket[] = [];
      const last = Math.min(RIDES, round * perRound);
      const worker = async () => {
        while (next < last) {
          const n = next++;
          const rider = await api.token(`sr_${n}`, "rider");
          const created = await api.request<Ride>("POST", "/v1/rides", {
            token: rider, headers: { "idempotency-key": `soak-${n}` },
            body: { pickup: CENTER, dropoff: { lat: CENTER.lat + 0.02, lng: CENTER.lng + 0.02 }, product: "standard", paymentMethod: "pm_card_visa" },
          });
          if (created.status !== 202) throw new Error(`request ${n}: ${created.status} ${JSON.stringify(created.body)}`);
          const id = created.body.id;
          const received: Ride[] = [];
          let done: () => void = () => undefined;
          const completed = new Promise<void>((r) => (done = r));
          if (WITH_SOCKETS) {
            const socket = new WebSocket(`${ws}/v1/rides/${id}/live?access_token=${rider}`);
            sockets.push(socket);
            roundSockets.push(socket);
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
            results.push({ id, received, token: rider });
          } else {
            while ((await api.request<Ride>("GET", `/v1/rides/${id}`, { token: rider })).body.status !== "completed") await sleep(100);
            results.push({ id, received, token: rider });
          }
          if (results.length % 100 === 0) console.log(`soak: ${results.length} rides completed, ${roundSockets.length} sockets open in round ${round}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await sleep(2000);
      const open = await read(system.pid);
      for (const s of roundSockets) s.close();
      // Idle objects are evicted after about 10 s; follow the memory while the system is quiet.
      const trail: number[] = [];
      for (let i = 0; i < IDLE_S / 10; i++) {
        await sleep(10_000);
        trail.push(Math.round(rss(system.pid).workerdMiB));
      }
      const idle = await read(system.pid);
      console.log(`soak: round ${round}: workerd RSS every 10 s after its sockets closed: ${trail.join(", ")} MiB`);
      const collected = await readAfterCollection(system.pid);
      rounds.push({ rides: results.length, open, idle, collected });
    }
    clearInterval(sampler);
    const elapsed = (Date.now() - started) / 1000;

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
    const row = (label: string, r: Reading) => `| ${label} | ${fmt(r.treeMiB)} | ${fmt(r.workerdMiB)} | ${fmt(r.inUseMiB)} | ${fmt(r.jsUsedMiB)} |`;
    const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "n/a" : (a / b).toFixed(2));
    const last = rounds.at(-1)!;
    const lines = [
      `| rides | sockets | elapsed s | rides/s | sockets that missed a change |`,
      `|---|---|---|---|---|`,
      `| ${results.length} | ${sockets.length} | ${elapsed.toFixed(0)} | ${(results.length / elapsed).toFixed(1)} | ${missing} |`,
      "",
      `| MiB | RSS, process tree | RSS, workerd | workerd allocator, bytes in use | JS heaps, used |`,
      `|---|---|---|---|---|`,
      row("start (drivers online, after a full collection)", start),
      `| peak RSS (sampled every second) | ${peak.treeMiB.toFixed(0)} | ${peak.workerdMiB.toFixed(0)} | | |`,
      ...rounds.flatMap((r, i) => [
        row(`round ${i + 1}: ${r.rides} rides done, their sockets open`, r.open),
        row(`round ${i + 1}: ${IDLE_S} s after those sockets closed`, r.idle),
        row(`round ${i + 1}: then one full collection per isolate`, r.collected),
      ]),
      "",
      `end / start: allocator in use ${ratio(last.collected.inUseMiB, start.inUseMiB)}, JS heaps ${ratio(last.collected.jsUsedMiB, start.jsUsedMiB)}, workerd RSS ${ratio(last.collected.workerdMiB, start.workerdMiB)}` +
        (rounds.length > 1 ? `; workerd RSS with the last round's sockets open / with the first's: ${ratio(last.open.workerdMiB, rounds[0]!.open.workerdMiB)}` : ""),
      // workerd's own word for an idle object it did not evict (it keeps it, and its SQLite, until its next request)
      `objects workerd kept because they still had strong references when their eviction timer fired: ${system.logs.filter((l) => l.includes("strong references when hibernation timeout expired")).length}`,
    ];
    console.log(`\n${lines.join("\n")}`);
    if (missing > 0) process.exitCode = 1;
  } finally {
    for (const s of sockets) s.close();
    await system.stop();
  }
}

await main();
