/**
 * `npm run bench:storage`: what a served ride leaves behind in storage (issue 16's capacity
 * model counted rates only; a D1 database also has a size limit, 10 GB, and a day of a
 * Seoul-size city's rides is millions of them).
 *
 * Starts the whole local system (`wrangler dev`, every worker, object, queue and D1 of it),
 * serves STORAGE_WARMUP rides (the tables' first pages), measures every SQLite file of its
 * state (the three D1 databases and every Durable Object), serves STORAGE_RIDES rides more, one
 * after another (request → accept → arrive → start → complete → captured, and each ride in
 * the rider's list as completed: projected, notified), waits for the system to go quiet and
 * measures again. The difference, per ride: bytes by database and table (SQLite's `dbstat`:
 * the pages each table and index uses, over a copy of the file), and by object class. Then it
 * runs the every-minute cron once with the views' window at 0 days (its crons are otherwise
 * off), which hands every settled ride and earnings row to the rider's and the driver's
 * objects (src/views/window.ts), checks that the rider's list still shows every ride, and
 * measures a third time: what an owner's object holds per ride handed over. Last, the ledger's
 * window (also 0 days): it lets a ride go only once the earnings checkpoint, which trails the
 * clock by ten minutes, has passed it, so the bench waits those ten minutes, runs the ten-minute
 * cron (which moves the checkpoint) and the every-minute one, checks that the ledger let every
 * ride go to its Ride DO, and measures a fourth time (workers/payment/ledger-window.ts).
 *
 * Only 127.0.0.1; the system it starts is stopped by its process group id. Prints a table and
 * writes bench/results/storage-<time>.json, which `npm run capacity` reads.
 *
 * Settings (environment): STORAGE_WARMUP (default 5), STORAGE_RIDES (default 40).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Api, eventually, uid } from "../test/support/client.ts";
import { heartbeat, offersOf, type TestDriver } from "../test/support/drivers.ts";
import { drive, onlineDriver, waitForRide } from "../test/support/rides.ts";
import { startSystem } from "../test/support/system.ts";
import { delta, keyOf, readCounters, scale, structure, sumOf } from "./support/counters.ts";
import { storageOf, storageDelta, type StorageReading } from "./support/storage.ts";
import { EARNINGS_SETTLED_MS } from "../workers/payment/earnings-checkpoint.ts";

const WARMUP = Number(process.env.STORAGE_WARMUP ?? 5);
const RIDES = Number(process.env.STORAGE_RIDES ?? 40);
const PICKUP = { lat: 37.5219, lng: 126.9245 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One driver and one rider, `n` rides one after another: what a ride adds, not what a new
 * driver or rider adds (their objects are made in the warm-up).
 */
async function serve(api: Api, people: { driver: TestDriver; rider: string }, n: number): Promise<void> {
  const { driver, rider } = people;
  for (let i = 0; i < n; i++) {
    const created = await api.request<{ id: string }>("POST", "/v1/rides", {
      token: rider,
      headers: { "idempotency-key": uid("k") },
      body: { pickup: PICKUP, dropoff: { lat: PICKUP.lat + 0.02, lng: PICKUP.lng + 0.02 }, product: "standard", paymentMethod: "pm_card_visa" },
    });
    if (created.status !== 202) throw new Error(`request: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id;
    await eventually(async () => ((await offersOf(api, driver)).some((o) => o.rideId === id) ? true : undefined), `offer of ${id}`, 15_000, 100);
    const accepted = await api.request("POST", `/v1/rides/${id}/accept`, { token: driver.token });
    if (accepted.status !== 200) throw new Error(`accept: ${accepted.status}`);
    await drive(api, driver, id);
    await waitForRide(api, rider, id, (r) => r.status === "completed" && r.payment.status === "captured", "captured", 30_000);
    // Projected: the rider's list (the views) shows it completed.
    await eventually(
      async () => {
        const list = await api.request<{ items: { id: string; status: string }[] }>("GET", "/v1/rides?limit=5", { token: rider });
        return list.body.items.some((r) => r.id === id && r.status === "completed") ? true : undefined;
      },
      `ride ${id} in the rider's list as completed`,
      30_000,
      200,
    );
    process.stdout.write(`\r  ${i + 1}/${n} rides served`);
  }
  process.stdout.write("\n");
}

/** Runs one of the gateway's crons in the local system. */
async function cron(system: Awaited<ReturnType<typeof startSystem>>, schedule: string): Promise<void> {
  const run = await fetch(`${system.baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(schedule)}`);
  if (!run.ok) throw new Error(`the cron ${schedule} answered ${run.status}`);
}

/**
 * Runs the every-minute cron once (the views' window is 0 days), checks that the views let
 * every ride go and that the rider's list still shows all `rides` of them, and reads the state.
 */
async function handOver(api: Api, system: Awaited<ReturnType<typeof startSystem>>, rider: string, rides: number): Promise<StorageReading> {
  await cron(system, "* * * * *");
  const ops = await api.token(uid("ops"), "ops");
  const inViews = await api.request<{ items: unknown[] }>("GET", "/v1/ops/rides?limit=100", { token: ops });
  if (inViews.body.items.length !== 0) {
    const said = system.logs
      .join("")
      .split("\n")
      .filter((l) => /window|scheduled|rror/.test(l));
    throw new Error(`the views still hold ${inViews.body.items.length} rides after the window's run; the system said:\n${said.slice(-20).join("\n")}`);
  }
  const listed = await api.request<{ items: { status: string }[] }>("GET", "/v1/rides?limit=100", { token: rider });
  if (listed.body.items.length !== rides || listed.body.items.some((r) => r.status !== "completed"))
    throw new Error(`the rider's list shows ${listed.body.items.length} rides after the window's run, not ${rides}`);
  await sleep(2000);
  return storageOf(system.persistDir);
}

/**
 * The ledger's window (0 days): waits until the earnings checkpoint can pass the last ride
 * (`lastAt`), moves it (the ten-minute cron), runs the every-minute cron, checks from the
 * gateway's log lines that the ledger let all `rides` go to their Ride DOs, and reads the state.
 */
async function handOverLedger(system: Awaited<ReturnType<typeof startSystem>>, rides: number, lastAt: number): Promise<StorageReading> {
  const wait = Math.max(0, lastAt + EARNINGS_SETTLED_MS + 5_000 - Date.now());
  console.log(`\nthe ledger's window: waiting ${(wait / 60_000).toFixed(1)} minutes for the earnings checkpoint to pass the last ride`);
  await sleep(wait);
  await cron(system, "*/10 * * * *");
  const seen = system.logs.join("").length;
  await cron(system, "* * * * *");
  await sleep(2000);
  const kept = system.logs
    .join("")
    .slice(seen)
    .split("\n")
    .flatMap((l) => (l.includes('"msg":"ledger window kept"') ? [JSON.parse(l.slice(l.indexOf("{"))) as { rides: number; notKept: number }] : []));
  const went = kept.reduce((sum, k) => sum + k.rides, 0);
  if (went !== rides) throw new Error(`the ledger let ${went} rides go, not ${rides}: ${JSON.stringify(kept)}`);
  return storageOf(system.persistDir);
}

async function main() {
  // No crons but the one run below: a window of 0 days would otherwise hand rides over while they are measured.
  const system = await startSystem({ DISPATCH_MODE: "offer", VIEWS_WINDOW_DAYS: "0", LEDGER_WINDOW_DAYS: "0", DEV_CRON: "off" });
  try {
    const api = new Api(system.baseUrl);
    const people = { driver: await onlineDriver(api, PICKUP), rider: await api.token(uid("r"), "rider") };
    // The driver's app reports its place, as a driver's does: dispatch offers only a fresh driver.
    const beat = heartbeat(api, [people.driver], 3000);
    try {
      console.log(`warm-up: ${WARMUP} rides`);
      await serve(api, people, WARMUP);
      await sleep(5000); // the notifications' and views' last messages
      const before: StorageReading = storageOf(system.persistDir);
      const countedBefore = await readCounters(system);
      console.log(`stores: ${Object.keys(before).sort().join(", ")}`);
      console.log(`measured: ${RIDES} rides`);
      await serve(api, people, RIDES);
      const lastRideAt = Date.now();
      await sleep(5000);
      const after: StorageReading = storageOf(system.persistDir);
      const counted = delta(await readCounters(system), countedBefore);
      // D1 writes a ride, by database: what D1 bills (rows written, each index entry one) besides the bytes.
      const d1Writes = Object.fromEntries(
        ["VIEWS_DB", "NOTIFICATIONS_DB", "LEDGER_DB"].map((db) => [
          db,
          {
            statements: sumOf(counted, (k) => keyOf(k) === `d1:${db}:statements`) / RIDES,
            rows: sumOf(counted, (k) => keyOf(k) === `d1:${db}:rows`) / RIDES,
          },
        ]),
      );
      const perRide = storageDelta(before, after, RIDES);
      console.log(`\nbytes a served ride leaves (${RIDES} rides, state under ${system.persistDir}):\n`);
      console.log("| store | table (with its indexes) or object class | bytes a ride (pages) | bytes a ride (in use) |");
      console.log("|---|---|---|---|");
      for (const row of perRide.rows) console.log(`| ${row.store} | ${row.part} | ${row.bytes.toFixed(0)} | ${row.inUse?.toFixed(0) ?? ""} |`);
      for (const [store, bytes] of Object.entries(perRide.byStore)) console.log(`| ${store} | **all** | **${bytes.toFixed(0)}** | |`);
      const countedBeforeHandover = await readCounters(system);
      const handedOver = await handOver(api, system, people.rider, WARMUP + RIDES);
      // The whole cron run's work, the repair sweep and the log's prune in it too, per ride handed over.
      const handoverWork = scale(structure(delta(await readCounters(system), countedBeforeHandover)), 1 / (WARMUP + RIDES));
      const keptPerRide = storageDelta(after, handedOver, WARMUP + RIDES);
      console.log(`\nhanded over by the views' window (${WARMUP + RIDES} rides): bytes a ride, by store\n`);
      for (const [store, bytes] of Object.entries(keptPerRide.byStore)) console.log(`| ${store} | ${bytes.toFixed(0)} |`);
      console.log(
        `the cron run that handed them over, a ride: ${handoverWork.objectCalls.toFixed(2)} object calls, ${handoverWork.d1Statements.toFixed(2)} D1 write statements, ${handoverWork.d1Rows.toFixed(1)} rows written`,
      );
      const countedBeforeLedger = await readCounters(system);
      const ledgerHandedOver = await handOverLedger(system, WARMUP + RIDES, lastRideAt);
      const ledgerWork = scale(structure(delta(await readCounters(system), countedBeforeLedger)), 1 / (WARMUP + RIDES));
      const ledgerKeptPerRide = storageDelta(handedOver, ledgerHandedOver, WARMUP + RIDES);
      console.log(`\nhanded over by the ledger's window (${WARMUP + RIDES} rides): bytes a ride, by store\n`);
      for (const row of ledgerKeptPerRide.rows) console.log(`| ${row.store} | ${row.part} | ${row.bytes.toFixed(0)} | ${row.inUse?.toFixed(0) ?? ""} |`);
      for (const [store, bytes] of Object.entries(ledgerKeptPerRide.byStore)) console.log(`| ${store} | **all** | **${bytes.toFixed(0)}** | |`);
      console.log(
        `the cron runs that handed them over, a ride: ${ledgerWork.objectCalls.toFixed(2)} object calls, ${ledgerWork.d1Statements.toFixed(2)} D1 write statements, ${ledgerWork.d1Rows.toFixed(1)} rows written`,
      );
      const dir = resolve(import.meta.dirname, "results");
      mkdirSync(dir, { recursive: true });
      const out = resolve(dir, `storage-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
      writeFileSync(
        out,
        JSON.stringify({ rides: RIDES, warmup: WARMUP, perRide, d1Writes, keptPerRide, handoverWork, ledgerKeptPerRide, ledgerWork }, null, 2),
      );
      for (const [db, w] of Object.entries(d1Writes))
        console.log(`D1 ${db}: ${w.statements.toFixed(1)} write statements, ${w.rows.toFixed(1)} rows written a ride`);
      console.log(`\nwritten ${out}`);
    } finally {
      await beat.stop();
    }
  } finally {
    await system.stop();
  }
}

await main();
