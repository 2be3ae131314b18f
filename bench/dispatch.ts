/**
 * `npm run bench:dispatch`: starts the local system in auto mode and measures, in
 * one run,
 *  - dispatch: time from sending POST /v1/rides to the ride's DriverAssigned event
 *    (server clock, same machine), at a fixed request rate;
 *  - location ingest: PUT /v1/drivers/me/location accepted per second, closed loop;
 *  - the floor for both: one bare Durable Object RPC with one storage write, behind its
 *    own `wrangler dev` (bench/floor/, started beside the system in the same run and
 *    stopped with it): alone at the same rate, beside each ride request (same load), and
 *    in the same closed loop as the location updates;
 * and prints the figures with their ratios to the floor, and how busy each part of the system
 * was while the ride requests went out (bench/support/cpu.ts: the runtime's main thread runs
 * every worker and object, so it bounds what this machine serves).
 *
 * The state directories are made under TMPDIR, and the figures depend on what that is on: see
 * bench/support/state-medium.ts (`TMPDIR=/dev/shm npm run bench:dispatch` for tmpfs).
 *
 * Settings (environment): BENCH_RATE (requests/s, default 10), BENCH_RIDES (default
 * 200), BENCH_CONCURRENCY (default 16), BENCH_SECONDS (ingest window, default 8).
 */
import { Api } from "../test/support/client.ts";
import { startSystem } from "../test/support/system.ts";
import { availableParallelism } from "node:os";
import { delta, keyOf, readCounters, scale, structure } from "./support/counters.ts";
import { endSpan, ROLES, startSpan } from "./support/cpu.ts";
import { startFloor } from "./support/floor.ts";
import { stateMedium } from "./support/state-medium.ts";
import { summary } from "./support/stats.ts";

const RATE = Number(process.env.BENCH_RATE ?? 10);
const RIDES = Number(process.env.BENCH_RIDES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CENTER = { lat: 37.5219, lng: 126.9245 };
const INGEST_AREA = { lat: 37.3, lng: 127.1 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = (p: { lat: number; lng: number }, meters: number) => ({
  lat: p.lat + ((Math.random() * 2 - 1) * meters) / 111_320,
  lng: p.lng + ((Math.random() * 2 - 1) * meters) / 88_000,
});

/**
 * What one ride request made the system do while the requests went out (and 3 s after), from
 * the development counters: object calls by binding and method, alarms, queue messages, D1
 * writes. On the request path alone (`DEV_GATEWAY_ONLY=1`) this is the work behind each
 * acceptance and dispatch round; in the whole system, some of the work behind the rides too.
 */
function perRide(work: Record<string, number>, rides: number): string[] {
  const f = (x: number) => x.toFixed(2);
  const s = scale(structure(work), 1 / rides);
  const calls = Object.entries(work)
    .filter(([k]) => keyOf(k).startsWith("do:") && keyOf(k).split(":").length === 3)
    .map(([k, n]) => [keyOf(k).slice(3), n / rides] as const)
    .sort((a, b) => b[1] - a[1]);
  return [
    `per ride request, from the development counters: ${f(s.objectCalls)} object calls, ${f(s.alarms)} alarms (${f(s.alarmWrites)} alarm writes), ${f(s.messages)} queue messages, ${f(s.consumerRuns)} consumer runs, ${f(s.d1Statements)} D1 write statements`,
    `object calls per ride request, by object and method: ${calls.map(([k, n]) => `${k} ${f(n)}`).join(", ")}`,
  ];
}

/** Sends `count` operations at `rate` per second (open loop), returning each one's result. */
async function paced<T>(count: number, rate: number, op: (i: number) => Promise<T>): Promise<T[]> {
  const start = performance.now();
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      return op(i);
    }),
  );
}

/** Runs `op` from `concurrency` loops for `seconds`; returns completed operations per second. */
async function closedLoop(seconds: number, concurrency: number, op: (i: number) => Promise<boolean>): Promise<{ perSecond: number; errors: number }> {
  const end = performance.now() + seconds * 1000;
  let done = 0,
    errors = 0,
    n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        if (await op(n++)) done++;
        else errors++;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - started) / 1000), errors };
}

async function main() {
  console.log(`starting the local system (auto mode) and the floor worker …`);
  const [systemStart, floorStart] = await Promise.allSettled([
    startSystem({ DISPATCH_MODE: "auto", DRIVER_FRESHNESS_S: "3600", NO_SUPPLY_WINDOW_S: "0", DISPATCH_TIMEOUT_S: "120" }),
    startFloor(),
  ]);
  if (systemStart.status === "rejected" || floorStart.status === "rejected") {
    if (systemStart.status === "fulfilled") await systemStart.value.stop();
    if (floorStart.status === "fulfilled") await floorStart.value.stop();
    throw systemStart.status === "rejected" ? systemStart.reason : (floorStart as PromiseRejectedResult).reason;
  }
  const system = systemStart.value;
  const floorWorker = floorStart.value;
  // Ctrl-C or a kill: both servers stop with the bench, by their process groups.
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void Promise.allSettled([system.stop(), floorWorker.stop()]).then(() => process.exit(130)));
  const api = new Api(system.baseUrl);
  const floorApi = new Api(floorWorker.baseUrl);
  try {
    console.log(`registering ${RIDES + 20} dispatch drivers and 100 ingest drivers …`);
    const register = async (near: { lat: number; lng: number }, spread: number) => {
      const id = `bd_${Math.random().toString(36).slice(2, 12)}`;
      const token = await api.token(id, "driver");
      await api.request("PUT", "/v1/drivers/me", { token, body: { name: id, vehicle: { plate: "12가3456", model: "Sonata", product: "standard" } } });
      const location = jitter(near, spread);
      const online = await api.request("POST", "/v1/drivers/me/online", { token, body: { location } });
      if (online.status !== 200) throw new Error(`online failed: ${online.status}`);
      return { id, token, location };
    };
    type BenchDriver = Awaited<ReturnType<typeof register>>;
    const dispatchDrivers: BenchDriver[] = [];
    for (let i = 0; i < RIDES + 20; i += 10) dispatchDrivers.push(...(await Promise.all(Array.from({ length: 10 }, () => register(CENTER, 2000)))));
    const ingestDrivers: BenchDriver[] = [];
    for (let i = 0; i < 100; i += 10) ingestDrivers.push(...(await Promise.all(Array.from({ length: 10 }, () => register(INGEST_AREA, 2000)))));
    const riders = await Promise.all(Array.from({ length: RIDES + 10 }, (_, i) => api.token(`br_${i}`, "rider")));

    const floorCall = async (key: string) => {
      const t0 = performance.now();
      const res = await floorApi.request("POST", "/", { body: { key } });
      if (res.status !== 200) throw new Error(`floor: ${res.status}`);
      return performance.now() - t0;
    };
    const ride = async (i: number) => {
      const t0 = Date.now();
      const res = await api.request<{ id: string }>("POST", "/v1/rides", {
        token: riders[i]!,
        body: { pickup: jitter(CENTER, 500), dropoff: jitter(CENTER, 4000), product: "standard", paymentMethod: "pm_card_visa" },
      });
      if (res.status !== 202) throw new Error(`ride: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id, token: riders[i]!, t0, acceptedMs: Date.now() - t0 };
    };

    console.log("warming up …");
    await paced(20, 20, (i) => floorCall(`warm-${i}`));
    // (warm-up rides use the last 10 riders and drivers; they are not measured)
    await paced(10, 5, (i) => ride(RIDES + i));

    console.log(`floor latency, system idle: ${RIDES} calls at ${RATE}/s …`);
    const floorIdle = summary(await paced(RIDES, RATE, (i) => floorCall(`f-${i}-${Math.random().toString(36).slice(2, 8)}`)));

    // Locally the gateway and every Durable Object of the system share one workerd isolate,
    // so the work each ride causes (queues, payments, projections) delays whatever comes next
    // there. The floor runs in a workerd of its own, on the same cores: it is also measured
    // interleaved with the rides, one floor call beside each ride request, under the same load.
    console.log(`dispatch: ${RIDES} ride requests at ${RATE}/s, each with a floor call beside it …`);
    const floorSamples: number[] = [];
    // How busy the system's processes were while the requests went out: the runtime runs every
    // worker and object on its one main thread, and a thread near 100 % makes every call wait its turn.
    const countedBefore = await readCounters(system);
    const load = startSpan(system.pid);
    const sent = await paced(RIDES, RATE, async (i) => {
      const [r, f] = await Promise.all([ride(i), floorCall(`g-${i}-${Math.random().toString(36).slice(2, 8)}`)]);
      floorSamples.push(f);
      return r;
    });
    const { rawByRole, wallS } = endSpan(load, 0);
    // What the rides made the system do (development counters), before the bench's own reads of
    // the timelines: a few seconds for the last rounds to end (the work behind them goes on
    // in the whole system, and what of it falls in these seconds is counted too).
    await sleep(3000);
    const work = delta(await readCounters(system), countedBefore);
    const busy = ROLES.map((r) => `${r} ${((100 * rawByRole[r]) / wallS).toFixed(0)} %`).join(", ");
    const floor = summary(floorSamples);
    const assignedAt = new Map<string, number>();
    const deadline = Date.now() + 120_000;
    while (assignedAt.size < sent.length && Date.now() < deadline) {
      for (const r of sent) {
        if (assignedAt.has(r.id)) continue;
        const tl = await api.request<{ items: { type: string; occurredAt: string }[] }>("GET", `/v1/rides/${r.id}/events`, { token: r.token });
        const assigned = tl.body.items.find((e) => e.type === "DriverAssigned");
        if (assigned) assignedAt.set(r.id, Date.parse(assigned.occurredAt));
      }
      if (assignedAt.size < sent.length) await sleep(200);
    }
    const dispatch = summary(sent.filter((r) => assignedAt.has(r.id)).map((r) => assignedAt.get(r.id)! - r.t0));
    const accepted = summary(sent.map((r) => r.acceptedMs));

    console.log(`floor rate: ${CONCURRENCY} loops for ${SECONDS} s …`);
    const floorRate = await closedLoop(
      SECONDS,
      CONCURRENCY,
      async (i) => (await floorApi.request("POST", "/", { body: { key: `r-${i % 100}` } })).status === 200,
    );
    console.log(`location ingest: ${CONCURRENCY} loops for ${SECONDS} s over ${ingestDrivers.length} drivers …`);
    const ingest = await closedLoop(SECONDS, CONCURRENCY, async (i) => {
      const d = ingestDrivers[i % ingestDrivers.length]!;
      return (await api.request("PUT", "/v1/drivers/me/location", { token: d.token, body: jitter(d.location, 30) })).status === 204;
    });

    const f = (x: number) => x.toFixed(1);
    const lines = [
      `| what | n | p50 ms | p90 ms | p99 ms | max ms |`,
      `|---|---|---|---|---|---|`,
      `| floor: DO RPC + 1 write (HTTP round trip), system idle, at ${RATE}/s | ${floorIdle.n} | ${f(floorIdle.p50)} | ${f(floorIdle.p90)} | ${f(floorIdle.p99)} | ${f(floorIdle.max)} |`,
      `| floor, beside the ride requests (same load) | ${floor.n} | ${f(floor.p50)} | ${f(floor.p90)} | ${f(floor.p99)} | ${f(floor.max)} |`,
      `| ride request accepted (202) at ${RATE}/s | ${accepted.n} | ${f(accepted.p50)} | ${f(accepted.p90)} | ${f(accepted.p99)} | ${f(accepted.max)} |`,
      `| dispatch, auto mode: request sent → DriverAssigned at ${RATE}/s | ${dispatch.n}/${sent.length} | ${f(dispatch.p50)} | ${f(dispatch.p90)} | ${f(dispatch.p99)} | ${f(dispatch.max)} |`,
      "",
      `| throughput (${CONCURRENCY} concurrent loops, ${SECONDS} s) | per second | errors |`,
      `|---|---|---|`,
      `| floor: DO RPC + 1 write | ${f(floorRate.perSecond)} | ${floorRate.errors} |`,
      `| location updates accepted (204) | ${f(ingest.perSecond)} | ${ingest.errors} |`,
      "",
      `dispatch p99 / floor p99 (same load) = ${(dispatch.p99 / floor.p99).toFixed(2)}; against the idle floor: ${(dispatch.p99 / floorIdle.p99).toFixed(2)} (issue 16's target ≤ 2)`,
      `request acceptance p99 / floor p99 (same load) = ${(accepted.p99 / floor.p99).toFixed(2)}; against the idle floor: ${(accepted.p99 / floorIdle.p99).toFixed(2)} (issue 16's target ≤ 1.5)`,
      `location ingest / floor rate = ${(ingest.perSecond / floorRate.perSecond).toFixed(2)} (target ≥ 0.5)`,
      "",
      ...perRide(work, RIDES),
      "",
      `state directories of the system and the floor under ${stateMedium()}; TMPDIR=/dev/shm puts them on tmpfs (bench/support/state-medium.ts)`,
      `CPU of the system while the ride requests went out (${wallS.toFixed(1)} s, ${availableParallelism()} cores, CPU s per wall s): ${busy}`,
    ];
    console.log(`\n${lines.join("\n")}`);
  } finally {
    await Promise.all([system.stop(), floorWorker.stop()]);
  }
}

await main();
