#!/usr/bin/env node
/**
 * `npm run test:crash [-- --crashes 4,0] [-- --load-s 150] [-- --seed 7]`: the crash test.
 *
 * For each value of `--crashes` (default `4,0`: a run with four crashes, then the same run
 * with none) it starts the local system (scripts/dev.mjs, as test/support/system.ts does) on a
 * port and state directory of its own, puts a steady load of whole rides on it (scripts/crash/
 * load.ts: drivers online taking their rides from pickup to drop-off, riders requesting rides
 * with an Idempotency-Key each, some with the declined card, some cancelling before pickup;
 * renters renting bikes an operator registered, some on the declined card, some cancelling,
 * the others unlocking and returning them: scripts/crash/rentals.ts), and meanwhile kills the whole system (its process group) with SIGKILL at random moments and
 * starts it again on the same port and state. Clients send an unanswered request again, the
 * same, once the system is back. Then it stops the riders, lets the system settle, asks every
 * store through the public API what it holds (scripts/crash/collect.ts) and checks the
 * invariants (scripts/crash/invariants.ts): no accepted ride lost, every ride over (completed
 * and captured, or cancelled and voided or declined), no double capture, no open hold, the
 * ledger and the ride agreeing, no driver busy without a ride, the lists and stats agreeing
 * with the rides, the drivers' earnings exactly their captured fares; and every accepted
 * rental over (completed and captured, or cancelled or declined with nothing kept), its
 * ledger and the operators' list agreeing, no vehicle left rented (crash/rental-invariants.ts).
 *
 * It prints each invariant's count and the offending rides with what each store said, writes
 * the figures to bench/results/crash-<timestamp>.json, and exits 1 if an invariant broke (or a
 * crash run could not crash as often as asked), 2 if the harness itself failed or ran out of
 * time (`--max-minutes`, default 13). Every system it starts is stopped by process group, also
 * on failure, Ctrl-C or the time limit. E2E_LOG_DIR=dir keeps each system's output.
 *
 * While it settles, it runs what the gateway's crons would (`wrangler dev` fires none) every
 * 10 s as an operator's calls: POST /v1/ops/payments/reconcile and POST /v1/ops/views/repair
 * (`--no-sweeps`: none, only what the system does by itself).
 *
 * Other settings: --rate (rides a second, 2), --drivers (20), --riders (30), --declined
 * (share with the declined card, 0.1), --cancel (share cancelled by the rider, 0.15),
 * --settle-s (bound on settling, 90), --rental-rate (rentals a second, 0.3), --vehicles (8),
 * --renters (8), --keep-state (keep the state directories).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, startSystem, type RunningSystem } from "../test/support/system.ts";
import { observe, settle, type SettleReport } from "./crash/collect.ts";
import { Gate, Http } from "./crash/http.ts";
import { checkAll, countViolations, INVARIANTS, outcomes, type InvariantName, type Violation } from "./crash/invariants.ts";
import { driveLoop, driversOnline, newRecord, ridersLoop, seeded, type Actor, type LoadRecord } from "./crash/load.ts";
import { checkRentals, rentalOutcomes } from "./crash/rental-invariants.ts";
import { newRentalLoad, observeRentals, rentalsSettled, rentersLoop, vehiclesRegistered, type RentalLoad } from "./crash/rentals.ts";

const root = resolve(import.meta.dirname, "..");

function flag(name: string, fallback: string): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1]!;
  const inline = argv.find((a) => a.startsWith(`--${name}=`));
  return inline ? inline.slice(name.length + 3) : fallback;
}
const num = (name: string, fallback: number) => {
  const n = Number(flag(name, String(fallback)));
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: a number >= 0, not ${flag(name, "")}`);
  return n;
};

const settings = {
  crashes: flag("crashes", "4,0")
    .split(",")
    .map((c) => Number(c)),
  loadS: num("load-s", 150),
  rate: num("rate", 2),
  drivers: num("drivers", 20),
  riders: num("riders", 30),
  declined: num("declined", 0.1),
  cancel: num("cancel", 0.15),
  settleS: num("settle-s", 90),
  rentalRate: num("rental-rate", 0.3),
  vehicles: num("vehicles", 8),
  renters: num("renters", 8),
  seed: num("seed", Math.floor(Math.random() * 1e9)),
  maxMinutes: num("max-minutes", 13),
  keepState: process.argv.includes("--keep-state"),
  sweeps: !process.argv.includes("--no-sweeps"),
};
if (settings.crashes.some((c) => !Number.isInteger(c) || c < 0)) throw new Error("--crashes: whole numbers, e.g. 4,0");

/** The system's variables: auto dispatch, no rate limits, short timers, so it settles fast after the load. */
const VARS = {
  DISPATCH_MODE: "auto",
  RATE_LIMITS: "off",
  PAYMENT_WATCHDOG_S: "5",
  DISPATCH_RETRY_S: "1",
  DISPATCH_TIMEOUT_S: "30",
  REDISPATCH_TIMEOUT_S: "30",
  NO_SUPPLY_WINDOW_S: "0",
  DRIVER_FRESHNESS_S: "60",
  // A driver held by a ride that no longer claims them (a trip's end whose release a crash lost)
  // is let go at their `silent` check, every DRIVER_OFFLINE_AFTER_S: short enough to happen while
  // the run settles (90 s). A driver silent that long on the way to a pickup is taken off the
  // ride, so the limit stays well above a restart (about 20 s) plus a driver's gap between
  // reports under load (5 s, and a loop turn's requests and pauses): a crash takes nobody off.
  DRIVER_OFFLINE_AFTER_S: "60",
  BREAKER_COOLDOWN_S: "2",
  // The views' repair sweep looks at rows unchanged this long (where the code has the sweep).
  VIEWS_REPAIR_AFTER_S: "5",
};
/**
 * What the gateway's crons do (payment reconciliation, the views' repair sweep), run by an
 * operator's call: `wrangler dev` fires no cron. A path the code does not have yet answers 404.
 */
const SWEEPS = ["/v1/ops/payments/reconcile", "/v1/ops/views/repair"];
const RESTART_GUESS_MS = 18_000;

interface RunResult {
  crashesAsked: number;
  crashes: number;
  downMs: number;
  durations: { startMs: number; loadMs: number; settle: SettleReport; observeMs: number; totalMs: number };
  rides: { requested: number; accepted: number; unanswered: number; refused: Record<string, number>; unacknowledged: number };
  rentals: Omit<RentalLoad, "accepted"> & { accepted: number; settledMs: number; settled: boolean; outcomes: Record<string, number> };
  outcomes: ReturnType<typeof outcomes>;
  cancels: LoadRecord["cancels"];
  driverSteps: Record<string, number>;
  retries: number;
  /** Sweeps run while settling, by path and answer. */
  sweeps: Record<string, number>;
  counts: Record<InvariantName, number>;
  violations: Violation[];
  harnessProblem: string | null;
}

// The system of the run under way, so a time limit, Ctrl-C or an error still stops it.
let current: { system: RunningSystem; persistDir: string } | null = null;
const cleanUp = () => {
  if (!current) return;
  try {
    process.kill(-current.system.pid, "SIGKILL");
  } catch {
    // already gone
  }
  if (!settings.keepState) rmSync(current.persistDir, { recursive: true, force: true });
};
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

/** Kills and restarts the system `count` times at random moments; the gate is closed while it is down. */
async function crashLoop(
  system: RunningSystem,
  gate: Gate,
  count: number,
  loadMs: number,
  random: () => number,
  state: { crashes: number; downMs: number; lastUpAt: number },
) {
  const meanUpMs = Math.max(8_000, (loadMs - count * RESTART_GUESS_MS) / (count + 1));
  for (let i = 0; i < count; i++) {
    await sleep(meanUpMs * (0.5 + random()));
    gate.close();
    const down = Date.now();
    await system.kill("SIGKILL");
    state.crashes += 1;
    console.log(`  crash ${i + 1}/${count}: killed the system's process group; restarting …`);
    await system.restart();
    state.downMs += Date.now() - down;
    state.lastUpAt = Date.now();
    console.log(`  crash ${i + 1}/${count}: up again after ${((Date.now() - down) / 1000).toFixed(1)} s`);
    gate.open();
  }
}

async function runOnce(crashes: number, index: number): Promise<RunResult> {
  const run = `c${index}-${settings.seed.toString(36)}`;
  const random = seeded(settings.seed + index);
  const loadMs = settings.loadS * 1000;
  const t0 = Date.now();
  const persistDir = mkdtempSync(join(tmpdir(), "crash-state-"));
  const system = await startSystem(VARS, 120_000, { persistDir, port: await freePort() });
  current = { system, persistDir };
  const startMs = Date.now() - t0;
  const gate = new Gate();
  const http = new Http(system.baseUrl, gate);
  const record = newRecord();
  const rentalLoad = newRentalLoad();
  const state = { crashes: 0, downMs: 0, lastUpAt: Date.now() };
  let harnessProblem: string | null = null;
  let driversStop = false;
  let progress: ReturnType<typeof setInterval> | undefined;
  try {
    const setupUntil = Date.now() + 60_000;
    const ops = await http.token(`${run}-ops`, "ops", setupUntil);
    const riders: Actor[] = [];
    for (let i = 0; i < settings.riders; i++) riders.push({ id: `${run}-r${i}`, token: await http.token(`${run}-r${i}`, "rider", setupUntil) });
    const drivers = await driversOnline(http, run, settings.drivers, random, setupUntil);
    const renters: Actor[] = [];
    for (let i = 0; i < settings.renters; i++) renters.push({ id: `${run}-rt${i}`, token: await http.token(`${run}-rt${i}`, "rider", setupUntil) });
    const vehicles = await vehiclesRegistered(http, ops, settings.vehicles, random, setupUntil);
    console.log(
      `${crashes} crash${crashes === 1 ? "" : "es"}: system up in ${(startMs / 1000).toFixed(1)} s on ${system.baseUrl}; ${drivers.length} drivers online; load for ${settings.loadS} s`,
    );

    // The load lasts `loadMs`, longer only while crashes are still to come (at most half as long again).
    const hardEnd = Date.now() + loadMs * 1.5;
    const giveUpAt = hardEnd + 30_000;
    const driving = Promise.all(drivers.map((d) => driveLoop(http, d, record, random, () => driversStop, giveUpAt + settings.settleS * 1000)));
    const loadStart = Date.now();
    progress = setInterval(() => {
      const steps = Object.entries(record.steps)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
      console.log(
        `  [${((Date.now() - loadStart) / 1000).toFixed(0)} s] ${gate.up ? "up" : "DOWN"}; rides requested ${record.requested}, accepted ${record.accepted.size}, in flight ${record.inFlight}; requests sent again ${http.retries}; driver steps: ${steps || "none"}`,
      );
    }, 15_000);
    let crashing = true;
    const crashed = crashLoop(system, gate, crashes, loadMs, random, state).finally(() => (crashing = false));
    const stopRiders = () => Date.now() >= hardEnd || (Date.now() - loadStart >= loadMs && !crashing && Date.now() - state.lastUpAt >= 10_000);
    const maxRides = Math.ceil(settings.rate * settings.loadS * 1.5);
    const riding = ridersLoop(
      http,
      riders,
      { run, rate: settings.rate, maxRides, declinedShare: settings.declined, cancelShare: settings.cancel, giveUpAt },
      record,
      random,
      stopRiders,
    );
    const renting = rentersLoop(
      http,
      renters,
      vehicles,
      {
        run,
        rate: settings.rentalRate,
        maxRentals: Math.ceil(settings.rentalRate * settings.loadS * 1.5),
        declinedShare: settings.declined,
        cancelShare: settings.cancel,
        giveUpAt,
      },
      rentalLoad,
      random,
      stopRiders,
    );
    await Promise.all([crashed, riding, renting]);
    clearInterval(progress);
    const loadDoneMs = Date.now() - loadStart;
    console.log(`  load done: ${record.requested} rides requested, ${record.accepted.size} accepted in ${(loadDoneMs / 1000).toFixed(0)} s; settling …`);

    const quietMs = 20_000;
    const sweeps: Record<string, number> = {};
    const sweep = async () => {
      for (const path of SWEEPS) {
        const res = await http.once("POST", path, { token: ops, timeoutMs: 30_000 }).catch(() => null);
        const key = `${path} ${res ? res.status : "no answer"}`;
        sweeps[key] = (sweeps[key] ?? 0) + 1;
      }
    };
    const settled = await settle(http, ops, () => [...record.accepted.keys()], {
      quietMs,
      activeQuietMs: 40_000,
      boundMs: settings.settleS * 1000,
      sweep: settings.sweeps ? sweep : undefined,
      sweepEveryMs: 10_000,
    });
    // The rentals settle after the rides (the sweeps go on): every one over, the list agreeing, no vehicle rented.
    const rentalsFrom = Date.now();
    const rentalIds = [...rentalLoad.accepted.keys()];
    let rentalsOk = false;
    for (let sweptAt = Date.now(); Date.now() - rentalsFrom < settings.settleS * 1000; await sleep(3_000)) {
      if ((rentalsOk = await rentalsSettled(http, ops, rentalIds, vehicles, Date.now() + 30_000))) break;
      if (settings.sweeps && Date.now() - sweptAt >= 10_000) await sweep().then(() => (sweptAt = Date.now()));
    }
    const rentalsSettledMs = Date.now() - rentalsFrom;
    driversStop = true;
    await driving;
    const observedAt = Date.now();
    console.log(`  settled in ${(settled.settledMs / 1000).toFixed(0)} s (${settled.how}); asking every store …`);
    const observed = await observe(http, { ops, riders, drivers }, record.accepted, Date.now() + 90_000);
    const observeMs = Date.now() - observedAt;
    const observedRentals = await observeRentals(http, ops, rentalIds, Date.now() + 90_000);
    const violations = [...checkAll(observed), ...checkRentals(observedRentals, vehicles)];
    if (state.crashes < crashes) harnessProblem = `asked for ${crashes} crashes, made ${state.crashes}`;
    return {
      crashesAsked: crashes,
      crashes: state.crashes,
      downMs: state.downMs,
      durations: { startMs, loadMs: loadDoneMs, settle: settled, observeMs, totalMs: Date.now() - t0 },
      rides: {
        requested: record.requested,
        accepted: record.accepted.size,
        unanswered: record.unanswered,
        refused: record.refused,
        unacknowledged: observed.opsList.filter((r) => !record.accepted.has(r.id)).length,
      },
      rentals: {
        ...rentalLoad,
        accepted: rentalLoad.accepted.size,
        settledMs: rentalsSettledMs,
        settled: rentalsOk,
        outcomes: rentalOutcomes(observedRentals),
      },
      outcomes: outcomes(observed),
      cancels: record.cancels,
      driverSteps: record.steps,
      retries: http.retries,
      sweeps,
      counts: countViolations(violations),
      violations,
      harnessProblem,
    };
  } finally {
    clearInterval(progress);
    driversStop = true;
    gate.open();
    await system.stop();
    current = null;
    if (!settings.keepState) rmSync(persistDir, { recursive: true, force: true });
    else console.log(`  state kept in ${persistDir}`);
  }
}

const LABELS: Record<InvariantName, string> = {
  lost: "lost",
  stuck: "stuck",
  doubleCaptures: "double captures",
  openHolds: "open holds",
  ledgerMismatches: "ledger mismatches",
  busyDrivers: "busy drivers without a ride",
  viewMismatches: "view mismatches",
  statsMismatches: "stats mismatches",
  earningsMismatches: "earnings mismatches",
  rentalsLost: "rentals lost",
  rentalsStuck: "rentals stuck",
  rentalLedgerMismatches: "rental ledger mismatches",
  rentalViewMismatches: "rental view mismatches",
  vehiclesHeld: "vehicles held with no rental",
};

function report(r: RunResult, listed = 15) {
  const o = r.outcomes;
  console.log(
    `\n== ${r.crashesAsked === 0 ? "no-crash run" : `crash run (${r.crashes} of ${r.crashesAsked} crashes, down ${(r.downMs / 1000).toFixed(0)} s)`}: ` +
      `${r.rides.requested} rides requested, ${r.rides.accepted} accepted: ${o.completed} completed, ${o.cancelled} cancelled, ${o.other} neither` +
      ` (${r.rides.unanswered} requests unanswered, ${r.rides.unacknowledged} rides the riders never heard of); ` +
      `settled in ${(r.durations.settle.settledMs / 1000).toFixed(0)} s (${r.durations.settle.how}); run ${(r.durations.totalMs / 1000).toFixed(0)} s`,
  );
  const list = (figures: Record<string, number>) =>
    Object.entries(figures)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
  console.log(`   rides by status/payment: ${list(o.byStatusAndPayment)}; cancelled by ${list(o.cancelledFor) || "nobody"}`);
  const rt = r.rentals;
  console.log(
    `   rentals: ${rt.requested} requested, ${rt.accepted} accepted (refused ${list(rt.refused) || "none"}, ${rt.unanswered} unanswered): ${list(rt.outcomes) || "none"}; ` +
      `renters' steps ${list(rt.steps) || "none"}; settled ${rt.settled ? "" : "NOT "}in ${(rt.settledMs / 1000).toFixed(0)} s`,
  );
  console.log(`   ${INVARIANTS.map((name) => `${LABELS[name]} ${r.counts[name]}`).join(", ")}`);
  if (Object.keys(r.sweeps).length > 0) console.log(`   sweeps while settling: ${list(r.sweeps)}`);
  if (r.harnessProblem) console.log(`   harness: ${r.harnessProblem}`);
  for (const name of INVARIANTS) {
    const of = r.violations.filter((v) => v.invariant === name);
    if (of.length === 0) continue;
    console.log(`   ${LABELS[name]} (${of.length}):`);
    for (const v of of.slice(0, listed)) {
      const who = [v.rideId, v.driverId, v.rentalId].filter(Boolean).join(" ") || "-";
      console.log(
        `     ${who}: ${v.detail} | ${Object.entries(v.stores)
          .map(([store, s]) => `${store}: ${Array.isArray(s) ? s.join(", ") : String(s)}`)
          .join("; ")}`,
      );
    }
    if (of.length > listed) console.log(`     … and ${of.length - listed} more (all in the JSON)`);
  }
}

async function main() {
  const limit = setTimeout(() => {
    console.error(`crash test: over its time limit of ${settings.maxMinutes} minutes; stopping`);
    process.exit(2);
  }, settings.maxMinutes * 60_000);
  limit.unref();
  const started = new Date();
  console.log(`crash test: seed ${settings.seed}; runs with ${settings.crashes.join(", ")} crashes; ${settings.rate} rides/s for ${settings.loadS} s`);
  const results: RunResult[] = [];
  for (const [i, crashes] of settings.crashes.entries()) {
    const result = await runOnce(crashes, i);
    results.push(result);
    report(result);
  }
  const dir = join(root, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `crash-${started.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify({ startedAt: started.toISOString(), settings, vars: VARS, runs: results }, null, 2)}\n`);
  const broken = results.some((r) => r.violations.length > 0 || r.harnessProblem);
  console.log(`\ncrash test: ${broken ? "FAILED" : "passed"} in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s; figures in ${file}`);
  return broken ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`crash test: the harness failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
