/**
 * Gives the local runtime's memory back once the system goes quiet (used by
 * scripts/local-runtime.mjs, that is by `npm run dev`).
 *
 * Why: what rides, requests and sockets leave in workerd is mostly native memory (requests,
 * I/O contexts, socket state) owned by JS objects that are already garbage. Nothing makes an
 * idle isolate run a full collection locally, so after a burst of 500 rides with sockets the
 * runtime held about 150 MiB more until it was busy again (BENCHMARKS.md, soak). This watches
 * the runtime's CPU time; once it has worked and then been quiet for a while, it makes every
 * isolate run one full collection through the inspector (scripts/inspector.ts).
 *
 * Linux only (CPU time from /proc); elsewhere it does nothing.
 *
 * @example
 * const collector = startIdleCollector({ inspector: () => miniflare.getInspectorURL(), quietS: 10 });
 * // … on shutdown
 * collector.stop();
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { collectGarbage, isolatesOf } from "./inspector.ts";

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

/** The workerd processes started by this process (Miniflare's runtime). */
function workerdChildren(parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces, so split after its closing parenthesis
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent && comm.includes("workerd")) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** User and system CPU time of some processes, in ms. */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // gone meanwhile
    }
  }
  return ticks * TICK_MS;
}

/** CPU the runtime must have used since the last collection for another to be worth it, in ms. */
const BUSY_MS = 2000;

export interface IdleCollectorOptions {
  /** Where the runtime's inspector listens. */
  inspector: () => Promise<URL>;
  /** Seconds of quiet (under 2% of a core) after work before a collection; 0 turns it off. */
  quietS: number;
}

/** Starts watching; see the module comment. */
export function startIdleCollector(options: IdleCollectorOptions): { stop: () => void } {
  const { quietS } = options;
  if (quietS <= 0 || !existsSync("/proc/self/stat")) return { stop: () => {} };
  // One check a second. The runtime's processes are found again only when one has gone: a reload
  // starts a new workerd, whose CPU time starts again from zero, so the counts start over too.
  const window = Math.max(1, Math.round(quietS));
  let runtime = workerdChildren();
  const samples: number[] = []; // CPU ms, one per second, the last quietS seconds of them
  let sinceCollection = cpuMs(runtime);
  let collecting = false;
  const check = async () => {
    if (collecting) return;
    if (runtime.length === 0 || !runtime.every((pid) => existsSync(`/proc/${pid}`))) {
      runtime = workerdChildren();
      samples.length = 0;
      sinceCollection = 0;
    }
    const now = cpuMs(runtime);
    samples.push(now);
    if (samples.length <= window) return;
    const usedWhileQuiet = now - samples.shift()!;
    if (usedWhileQuiet > quietS * 1000 * 0.02 || now - sinceCollection < BUSY_MS) return;
    collecting = true;
    try {
      const started = Date.now();
      const isolates = await isolatesOf((await options.inspector()).host);
      const collected = await collectGarbage(isolates);
      console.log(`local runtime: quiet for ${quietS} s after work; full garbage collection in ${collected} of ${isolates.length} isolates, ${Date.now() - started} ms`);
    } catch (e) {
      console.log(`local runtime: idle collection skipped: ${String(e)}`);
    } finally {
      sinceCollection = cpuMs(runtime);
      samples.length = 0;
      collecting = false;
    }
  };
  const timer = setInterval(() => void check(), 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
