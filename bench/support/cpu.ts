/**
 * CPU time of a process group, from /proc: the summed utime + stime (fields 14 and 15 of
 * `/proc/<pid>/stat`, in clock ticks) of every live process whose process group is `pgid`
 * (a system started by `startSystem` or `startFloor`: dev.mjs, wrangler, workerd). A reading
 * is the group's CPU seconds so far; two readings give the CPU spent between them. Processes
 * that ended between two readings take their time with them, which is why the benchmarks
 * read groups whose processes live as long as the run.
 *
 * The bundler's file watcher (wrangler's `esbuild` process) is left out: it polls the source
 * tree and does none of the system's work, but it was the largest and least steady part of the
 * idle rate (30–40 ms/s, measured per thread on 2026-12-01), and over a phase of a minute its
 * swings moved a ride's figure by whole floor units.
 *
 * `idleRate` measures what the group burns doing nothing (wrangler's proxy, the dev cron
 * ticks, workerd's timers) over a few seconds, to be subtracted from every later span:
 * `work = (after − before) − idle × seconds`.
 *
 * @example
 * const idle = await idleRate(system.pid, 10);
 * const span = startSpan(system.pid);
 * await runRides();
 * const { cpuS } = endSpan(span, idle); // CPU of the rides alone
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's counters (USER_HZ: 100 on Linux). */
const CLK_TCK = Number(process.env.CLK_TCK ?? 100);

/** Processes of the group that do none of the system's work: the bundler's file watcher. */
const NOT_THE_SYSTEM = new Set(["esbuild"]);

/** The group's CPU seconds so far (user + system, live processes but the watcher); undefined without /proc. */
export function groupCpuSeconds(pgid: number): number | undefined {
  let ticks = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after its ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
      if (Number(fields[2]) !== pgid) continue;
      if (NOT_THE_SYSTEM.has(stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")))) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / CLK_TCK;
}

/** CPU seconds per wall second the group burns idle, measured over `seconds`. */
export async function idleRate(pgid: number, seconds: number): Promise<number> {
  const span = startSpan(pgid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return Math.max(0, endSpan(span, 0).cpuS / span.wallS());
}

export interface Span {
  pgid: number;
  cpu0: number;
  t0: number;
  /** Wall seconds since the span started. */
  wallS: () => number;
}

export function startSpan(pgid: number): Span {
  const t0 = performance.now();
  return { pgid, cpu0: groupCpuSeconds(pgid) ?? NaN, t0, wallS: () => (performance.now() - t0) / 1000 };
}

/** The CPU seconds of the span with the idle rate taken off (never below 0), and its wall seconds. */
export function endSpan(span: Span, idle: number): { cpuS: number; wallS: number; rawCpuS: number } {
  const wallS = span.wallS();
  const rawCpuS = (groupCpuSeconds(span.pgid) ?? NaN) - span.cpu0;
  return { cpuS: Math.max(0, rawCpuS - idle * wallS), wallS, rawCpuS };
}
