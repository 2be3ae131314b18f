/**
 * `npm run soak:live`: 1,000 rides (SOAK_RIDES) through the local system (`npm run dev`, that
 * is `wrangler dev`), each watched by a live WebSocket that stays open until the end, and a
 * check that every socket saw every change of its ride after it connected: the versions it
 * received only rise, end at the ride's final version, and include every status the ride went
 * through (from the ride's timeline). It exits 1 if any socket missed one.
 *
 * It also prints the resident memory (RSS, from /proc) of the whole local process group
 * (dev.mjs, wrangler, its workerd processes) at the start, at its peak and at the end, as a
 * rough figure only: what the local dev server keeps in memory is not a production concern.
 *
 * Settings: SOAK_RIDES (default 1000), SOAK_CONCURRENCY (rides in flight, default 20),
 * SOAK_DRIVERS (default 40).
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Api } from "../test/support/client.ts";
import { startSystem } from "../test/support/system.ts";

const RIDES = Number(process.env.SOAK_RIDES ?? 1000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 20);
const DRIVERS = Number(process.env.SOAK_DRIVERS ?? 40);
const CENTER = { lat: 37.5665, lng: 126.978 };

type Ride = { id: string; status: string; version: number; driver: { id: string } | null };
type RideResult = { id: string; received: Ride[]; token: string };

const STATUS_OF: Record<string, string> = {
  DriverAssigned: "driver_assigned",
  DriverArrived: "driver_arrived",
  TripStarted: "in_progress",
  TripEnded: "payment_pending",
  RideCompleted: "completed",
};

/** Summed RSS (MiB) of the processes in group `pgid`, from /proc; undefined where there is no /proc. */
function groupRssMiB(pgid: number): number | undefined {
  let kib = 0;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
        if (pgrp !== pgid) continue;
        const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
        if (rss) kib += Number(rss[1]);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    return undefined;
  }
  return kib / 1024;
}

async function main() {
  console.log(`soak: starting the local system …`);
  const system = await startSystem({
    DISPATCH_MODE: "auto",
    DRIVER_FRESHNESS_S: "3600",
    NO_SUPPLY_WINDOW_S: "0",
    DISPATCH_RETRY_S: "0.2",
    DISPATCH_TIMEOUT_S: "300",
  });
  const api = new Api(system.baseUrl);
  const ws = system.baseUrl.replace(/^http/, "ws");
  const sockets: WebSocket[] = [];
  try {
    const drivers = new Map<string, string>();
    for (let i = 0; i < DRIVERS; i++) {
      const id = `sd_${i}`;
      const token = await api.token(id, "driver");
      await api.request("PUT", "/v1/drivers/me", { token, body: { name: id, vehicle: { plate: `11가${1000 + i}`, model: "Sonata", product: "standard" } } });
      await api.request("POST", "/v1/drivers/me/online", {
        token,
        body: { location: { lat: CENTER.lat + (i % 10) * 0.001, lng: CENTER.lng + Math.floor(i / 10) * 0.001 } },
      });
      drivers.set(id, token);
    }
    /** One ride from request to completion, watched by a live socket that stays open. */
    const oneRide = async (n: number): Promise<RideResult> => {
      const rider = await api.token(`sr_${n}`, "rider");
      const created = await api.request<Ride>("POST", "/v1/rides", {
        token: rider,
        headers: { "idempotency-key": `soak-${n}` },
        body: { pickup: CENTER, dropoff: { lat: CENTER.lat + 0.02, lng: CENTER.lng + 0.02 }, product: "standard", paymentMethod: "pm_card_visa" },
      });
      if (created.status !== 202) throw new Error(`request ${n}: ${created.status} ${JSON.stringify(created.body)}`);
      const id = created.body.id;
      const received: Ride[] = [];
      let done: () => void = () => undefined;
      const completed = new Promise<void>((r) => (done = r));
      const socket = new WebSocket(`${ws}/v1/rides/${id}/live?access_token=${rider}`);
      sockets.push(socket);
      socket.addEventListener("message", (e) => {
        const ride = JSON.parse(String(e.data)) as Ride;
        received.push(ride);
        if (ride.status === "completed") done();
      });
      await new Promise<void>((resolve, reject) => {
        socket.addEventListener("open", () => resolve());
        socket.addEventListener("error", () => reject(new Error(`socket for ${id} refused`)));
      });
      // auto mode: wait for the assignment, then the driver takes the trip
      let ride = created.body;
      while (!ride.driver) {
        await sleep(50);
        ride = (await api.request<Ride>("GET", `/v1/rides/${id}`, { token: rider })).body;
      }
      const driverToken = drivers.get(ride.driver.id)!;
      for (const step of ["arrive", "start", "complete"]) {
        const res = await api.request("POST", `/v1/rides/${id}/${step}`, {
          token: driverToken,
          body: step === "complete" ? { distanceMeters: 3000, durationSeconds: 500 } : undefined,
        });
        if (res.status !== 200) throw new Error(`${step} ${id}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      await Promise.race([completed, sleep(60_000).then(() => Promise.reject(new Error(`ride ${id} never completed on its socket`)))]);
      return { id, received, token: rider };
    };

    const rssStart = groupRssMiB(system.pid);
    let rssPeak = rssStart ?? 0;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, groupRssMiB(system.pid) ?? 0)), 1000);
    console.log(`soak: ${RIDES} rides, ${CONCURRENCY} at a time, each watched by a live socket`);
    const results: RideResult[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < RIDES) {
          const n = next++;
          results.push(await oneRide(n));
          if (results.length % 100 === 0) console.log(`soak: ${results.length} rides completed, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const rssEnd = groupRssMiB(system.pid);

    // every socket saw every change of its ride after it connected
    let missing = 0;
    for (const r of results) {
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
    const lines = [
      `| rides | sockets | elapsed s | rides/s | sockets that missed a change |`,
      `|---|---|---|---|---|`,
      `| ${results.length} | ${sockets.length} | ${elapsed.toFixed(0)} | ${(results.length / elapsed).toFixed(1)} | ${missing} |`,
      "",
      `local process group RSS (dev.mjs, wrangler, workerd; summed, MiB): start ${fmt(rssStart)}, peak ${fmt(rssStart === undefined ? undefined : rssPeak)}, end ${fmt(rssEnd)}`,
    ];
    console.log(`\n${lines.join("\n")}`);
    if (missing > 0) process.exitCode = 1;
  } finally {
    for (const s of sockets) s.close();
    await system.stop();
  }
}

await main();
