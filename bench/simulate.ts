/**
 * `npm run simulate [-- --flags]`: a city at peak against the running system. N drivers move
 * through Seoul (the outline of web/console/seoul.json) reporting their position every
 * `--report-s`, riders request rides at λ = `--rate` a second for `--minutes`, 70 % around the
 * hot spots (Gangnam, Hongdae, Jamsil, Yeouido, Seoul Station, Jongno, Itaewon, Konkuk); the
 * drivers accept their offers (or take their auto-assignments) from `/v1/drivers/me/live` and
 * drive each ride to the end; some riders cancel, some cards are declined, some drivers go
 * silent. The whole demand and supply plan comes from `--seed` before the first request
 * (bench/sim/schedule.ts) and its hash is printed: two runs with the same seed and settings
 * request the same rides.
 *
 * A live line every second; at the end a report (bench/sim/report.ts), printed and written to
 * bench/results/simulate-<time>-seed<n>.json (or `--out`). Exit 0, or 1 when an invariant of the
 * report broke (an accepted ride not accounted for, an offer to a driver silent for longer than
 * the freshness window), 2 when the run itself failed.
 *
 * Against `npm run dev` (http://127.0.0.1:8787, the default `--base-url`), or `--start` to start
 * a system of its own (test/support/system.ts, stopped by process group at the end, on an error
 * or on Ctrl-C; `--mode auto|offer` and `--freshness-s` configure it). `npm run dev` has
 * RATE_LIMITS=on: tokens (POST /v1/dev/tokens) are limited to 120 a minute per address, so the
 * simulator mints drivers + riders at that pace and waits out a 429; run
 * `RATE_LIMITS=off npm run dev` for more than about 110 drivers.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { Api } from "../test/support/client.ts";
import { startSystem, type RunningSystem } from "../test/support/system.ts";
import { call, DriverApp, riderRide, type SimContext } from "./sim/apps.ts";
import { cellWritesOf, summarizeMetrics } from "./sim/metrics.ts";
import { brokenInvariants, buildReport, factsOf, reportText, type RideFacts, type TimelineEvent } from "./sim/report.ts";
import { buildSchedule, type ScheduleSettings } from "./sim/schedule.ts";
import { Tally } from "./sim/tally.ts";

const HELP = `npm run simulate -- [--base-url http://127.0.0.1:8787 | --start [--mode offer|auto]] [--seed 1] [--drivers 100] [--rate 1]
  [--minutes 5] [--report-s 4] [--riders n] [--cancel-share 0.1] [--declined-share 0.05] [--silent-share 0.05] [--hot-share 0.7]
  [--view-sample 0.1] [--speed-kmh 30] [--pause-scale 1] [--drain-s 60] [--freshness-s 30] [--offer-timeout-s 15] [--out file.json]
  [--dry-run: print the schedule and its hash, send nothing]`;

const { values: flags } = parseArgs({
  options: {
    "base-url": { type: "string", default: "http://127.0.0.1:8787" },
    start: { type: "boolean", default: false },
    mode: { type: "string" },
    seed: { type: "string", default: "1" },
    drivers: { type: "string", default: "100" },
    rate: { type: "string", default: "1" },
    minutes: { type: "string", default: "5" },
    "report-s": { type: "string", default: "4" },
    riders: { type: "string" },
    "cancel-share": { type: "string", default: "0.1" },
    "declined-share": { type: "string", default: "0.05" },
    "silent-share": { type: "string", default: "0.05" },
    "hot-share": { type: "string", default: "0.7" },
    "view-sample": { type: "string", default: "0.1" },
    "speed-kmh": { type: "string", default: "30" },
    "drain-s": { type: "string", default: "60" },
    "freshness-s": { type: "string" },
    "offer-timeout-s": { type: "string" },
    "pause-scale": { type: "string", default: "1" },
    out: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}

const num = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n)) throw new Error(`--${name} must be a number, not ${value}`);
  return n;
};
const rate = num("rate", flags.rate);
const settings: ScheduleSettings = {
  seed: num("seed", flags.seed),
  rate,
  minutes: num("minutes", flags.minutes),
  drivers: num("drivers", flags.drivers),
  // RIDER_LIMITER allows 30 requests a minute per rider: spread the requests so each rider makes a few
  riders: flags.riders ? num("riders", flags.riders) : Math.max(8, Math.ceil(rate * 8)),
  reportS: num("report-s", flags["report-s"]),
  cancelShare: num("cancel-share", flags["cancel-share"]),
  declinedShare: num("declined-share", flags["declined-share"]),
  silentShare: num("silent-share", flags["silent-share"]),
  hotShare: num("hot-share", flags["hot-share"]),
  viewSample: num("view-sample", flags["view-sample"]),
};
const drainS = num("drain-s", flags["drain-s"]);
const freshnessS = flags["freshness-s"] ? num("freshness-s", flags["freshness-s"]) : 30;
const offerTimeoutS = flags["offer-timeout-s"] ? num("offer-timeout-s", flags["offer-timeout-s"]) : 15;
if (flags.mode !== undefined && flags.mode !== "offer" && flags.mode !== "auto") throw new Error(`--mode is offer or auto, not ${flags.mode}`);
if (flags.mode && !flags.start) throw new Error("--mode configures the system --start starts; a running system keeps its DISPATCH_MODE");

const schedule = buildSchedule(settings);
if (flags["dry-run"]) {
  const { rides, drivers, hash } = schedule;
  const spots: Record<string, number> = {};
  for (const r of rides) spots[r.spot ?? "elsewhere"] = (spots[r.spot ?? "elsewhere"] ?? 0) + 1;
  console.log(`schedule ${hash} (seed ${settings.seed}): ${rides.length} ride requests, ${drivers.length} drivers`);
  console.log(
    `pickups: ${Object.entries(spots)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
  );
  console.log(
    `first requests: ${rides
      .slice(0, 3)
      .map((r) => `+${r.atMs} ms rider ${r.rider} ${r.pickup.lat},${r.pickup.lng} → ${r.dropoff.lat},${r.dropoff.lng}`)
      .join("; ")}`,
  );
  process.exit(0);
}
const runId = Math.random().toString(36).slice(2, 8);
const tty = process.stdout.isTTY === true;
const say = (line: string) => console.log(tty ? `\r\x1b[K${line}` : line);

let system: RunningSystem | null = null;
let interrupted = false;
let stopped = false;
const stopSystem = async () => {
  const s = system;
  system = null;
  if (s) await s.stop();
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) {
      void stopSystem().finally(() => process.exit(130));
      return;
    }
    interrupted = true;
    say(`${signal}: stopping the requests; the report follows (again to quit at once)`);
  });
}

/** How long minting may wait on the IP limiter in all before the run gives up (5,000 drivers took some 40 minutes). */
const MINT_WAIT_LIMIT_MS = 5 * 60_000;

/** Tokens for `subs`, minted at the pace the IP limiter allows (a 429 waits its Retry-After, `MINT_WAIT_LIMIT_MS` in all). */
async function mint(api: Api, subs: string[], role: "driver" | "rider"): Promise<string[]> {
  const tokens: string[] = [];
  let waitedMs = 0;
  for (let i = 0; i < subs.length && !interrupted;) {
    const res = await api.request<{ token: string }>("POST", "/v1/dev/tokens", { body: { sub: subs[i], role } });
    if (res.status === 200) {
      tokens.push(res.body.token);
      i++;
    } else if (res.status === 429) {
      const wait = Number(res.headers.get("retry-after") ?? 60);
      waitedMs += wait * 1000;
      if (waitedMs > MINT_WAIT_LIMIT_MS)
        throw new Error(
          `${tokens.length} of ${subs.length} ${role} tokens after ${MINT_WAIT_LIMIT_MS / 60_000} minutes of the token limit: run against RATE_LIMITS=off npm run dev`,
        );
      say(`token limit reached (${tokens.length} ${role} tokens so far): waiting ${wait} s (RATE_LIMITS=off npm run dev avoids it)`);
      await sleep(wait * 1000);
    } else throw new Error(`POST /v1/dev/tokens: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return tokens;
}

/** Runs `op` over `items`, `concurrency` at a time. */
async function pool<T>(items: readonly T[], concurrency: number, op: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await op(items[i]!, i);
      }
    }),
  );
}

async function metricsSnapshot(api: Api): Promise<unknown> {
  const res = await api.request("GET", "/v1/dev/metrics").catch(() => null);
  return res?.status === 200 ? res.body : null;
}

async function main(): Promise<number> {
  const s = schedule.settings;
  console.log(
    `schedule ${schedule.hash} (seed ${s.seed}): ${schedule.rides.length} ride requests over ${s.minutes} min (λ = ${s.rate}/s) from ${s.riders} riders, ` +
      `${s.drivers} drivers reporting every ${s.reportS} s, ${schedule.drivers.filter((d) => d.silentAtMs !== null).length} of them going silent`,
  );
  if (flags.start) {
    console.log(`starting a local system${flags.mode ? ` (DISPATCH_MODE=${flags.mode})` : ""} …`);
    const vars: Record<string, string> = { RATE_LIMITS: "on" };
    if (flags.mode) vars.DISPATCH_MODE = flags.mode;
    if (flags["freshness-s"]) vars.DRIVER_FRESHNESS_S = String(freshnessS);
    if (flags["offer-timeout-s"]) vars.OFFER_TIMEOUT_S = String(offerTimeoutS);
    system = await startSystem(vars);
  }
  const baseUrl = system?.baseUrl ?? flags["base-url"];
  const api = new Api(baseUrl);
  const tally = new Tally();
  const ctx: SimContext = {
    api,
    wsBase: baseUrl.replace(/^http/, "ws"),
    tally,
    reportS: s.reportS,
    speedKmh: num("speed-kmh", flags["speed-kmh"]),
    pauseScale: num("pause-scale", flags["pause-scale"]),
    freshnessS,
    offerTimeoutS,
    rides: new Map(),
    stopped: () => stopped,
    sockets: new Set(),
  };
  const ready = await api.request("GET", "/readyz").catch((e: unknown) => ({ status: 0, body: String(e) }));
  if (ready.status !== 200) throw new Error(`${baseUrl}/readyz answered ${ready.status}: is the system running (npm run dev), or pass --start?`);

  console.log(`minting ${s.drivers} driver and ${s.riders} rider tokens …`);
  const driverTokens = await mint(
    api,
    schedule.drivers.map((d) => `sim-${runId}-d${d.index}`),
    "driver",
  );
  const riderTokens = await mint(
    api,
    Array.from({ length: s.riders }, (_, i) => `sim-${runId}-r${i}`),
    "rider",
  );
  // The counters run from the system's start: this run's cell writes are those after here, before any driver reports.
  const atStart = await metricsSnapshot(api);
  const drivers = schedule.drivers.slice(0, driverTokens.length).map((d, i) => new DriverApp(ctx, d, `sim-${runId}-d${d.index}`, driverTokens[i]!));
  console.log(`registering the drivers and taking them online …`);
  const up: DriverApp[] = [];
  await pool(drivers, 8, async (d, i) => {
    if (!interrupted && (await d.setUp(i))) up.push(d);
  });
  for (const d of up) d.start();
  console.log(`${up.length}/${drivers.length} drivers online; requests start now`);

  const before = await metricsSnapshot(api);
  const startedAt = Date.now();
  const progress = setInterval(() => {
    const line = tally.line(Date.now(), startedAt);
    if (tty) process.stdout.write(`\r\x1b[K${line}`);
    else console.log(line);
  }, 1_000);
  const silences = up.filter((d) => d.plan.silentAtMs !== null).map((d) => setTimeout(() => d.goSilent(), d.plan.silentAtMs!));
  const riders: Promise<void>[] = [];
  const endAt = startedAt + s.minutes * 60_000;
  for (const ride of schedule.rides) {
    if (interrupted) break;
    const wait = startedAt + ride.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    if (interrupted) break;
    riders.push(riderRide(ctx, ride, riderTokens[ride.rider % riderTokens.length]!, `sim-${runId}-${ride.n}`));
  }
  while (!interrupted && Date.now() < endAt) await sleep(Math.min(250, endAt - Date.now()));
  const requestEnd = Date.now();
  const after = await metricsSnapshot(api);
  if (tty) process.stdout.write("\n");
  say(`requests done; letting the rides in flight end (at most ${drainS} s) …`);
  const drainUntil = Date.now() + drainS * 1000;
  while (!interrupted && Date.now() < drainUntil && (tally.unsettled() > 0 || tally.sent > tally.sentAt.size + tally.refusedTotal())) await sleep(250);
  stopped = true;
  // The reports (and the rides) stopped here: the teardown after it is not the run's time.
  const stoppedAt = Date.now();
  clearInterval(progress);
  // Every write the densest cell took, from the system's start until the reports stopped (before the drivers go offline).
  const final = await metricsSnapshot(api);
  silences.forEach(clearTimeout);
  if (tty) process.stdout.write("\n");
  await Promise.allSettled([...ctx.sockets].map((l) => l.close()));
  await Promise.race([Promise.allSettled(riders), sleep(10_000)]);
  await Promise.race([pool(up, 8, (d) => d.offline()), sleep(15_000)]);
  await Promise.race([Promise.allSettled(up.map((d) => d.stop())), sleep(10_000)]);

  say(`reading the timelines of ${ctx.rides.size} accepted rides …`);
  const facts: RideFacts[] = [];
  const accepted = [...ctx.rides.entries()];
  await pool(accepted, 6, async ([id, ride]) => {
    const res = await call<{ items: TimelineEvent[] }>(ctx, "timeline", "GET", `/v1/rides/${id}/events`, { token: ride.token }, 15_000);
    facts.push(factsOf(ride.n, id, res?.status === 200 ? res.body.items : null));
  });
  facts.sort((a, b) => a.n - b.n);

  const seconds = (requestEnd - startedAt) / 1000;
  const metrics = summarizeMetrics(before, after, seconds);
  const notes = [
    "CPU per ride and per location report in floor units: npm run bench:cost measures them (the simulator does not).",
    metrics
      ? `hottest objects: most requests in one second within the system's last ${metrics.windowS} s (GET /v1/dev/metrics); D1 writes: the gateway's and payment worker's databases, not the views worker's`
      : "GET /v1/dev/metrics not available on this system: hottest objects and D1 writes left empty",
    "the dispatch p50 of the live line is the clients' view (request sent → a client saw a driver); the report's is the server's (RideRequested → DriverAssigned)",
    ...(interrupted ? ["interrupted: the run stopped early"] : []),
    ...(tally.duesPaid > 0 ? [`${tally.duesPaid} riders paid dues left by a late decline before requesting again`] : []),
    ...(tally.offersLost > 0 ? [`${tally.offersLost} offers were gone when the driver accepted (expired, taken, or the ride cancelled)`] : []),
    ...tally.errorSamples.map((e) => `error: ${e}`),
  ];
  const report = buildReport({
    hash: schedule.hash,
    settings: schedule.settings,
    baseUrl,
    startedAt: new Date(startedAt).toISOString(),
    requestWindow: { fromMs: startedAt, toMs: requestEnd },
    drainS: Math.round((stoppedAt - requestEnd) / 100) / 10,
    scheduled: schedule.rides.length,
    sent: tally.sent,
    refused: tally.refused,
    acceptMs: tally.acceptMs,
    rides: facts,
    cancels: tally.cancels,
    viewLagMs: tally.viewLagMs,
    viewLagTimeouts: tally.viewLagTimeouts,
    reports: tally.reports,
    reportsByCell: Object.fromEntries(tally.reportsByCell),
    cellWrites: cellWritesOf(final, atStart),
    drivers: {
      count: drivers.length,
      online: up.length,
      silent: tally.drivers.silent,
      offersWhileSilent: tally.offersWhileSilent,
      offersSilentPastFreshness: tally.offersSilentPastFreshness,
      freshnessS,
    },
    errors: tally.errors,
    metrics,
    notes,
  });
  const broken = brokenInvariants(report);
  console.log(`\n${reportText(report)}`);
  const out = flags.out ? resolve(flags.out) : resolve(import.meta.dirname, "results", `simulate-${report.startedAt.replace(/[:.]/g, "-")}-seed${s.seed}.json`);
  mkdirSync(resolve(out, ".."), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ ...report, invariantsBroken: broken }, null, 2)}\n`);
  console.log(`\nreport written to ${out}`);
  if (broken.length > 0) console.log(`INVARIANTS BROKEN:\n${broken.map((b) => `  - ${b}`).join("\n")}`);
  return broken.length > 0 ? 1 : 0;
}

let code = 2;
try {
  code = await main();
} catch (error) {
  console.error(`simulate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  stopped = true;
  await stopSystem();
}
process.exit(code);
