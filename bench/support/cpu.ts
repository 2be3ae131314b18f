/**
 * CPU time of a process group, from /proc: the summed utime + stime (fields 14 and 15 of
 * `/proc/<pid>/stat`, in clock ticks) of every live process whose process group is `pgid`
 * (a system started by `startSystem` or `startFloor`: wrangler and its two workerd). A reading
 * is the group's CPU seconds so far; two readings give the CPU spent between them. Processes
 * that ended between two readings take their time with them, which is why the benchmarks
 * read groups whose processes live as long as the run.
 *
 * The launchers (dev.mjs, wrangler's shim) only wait on their children and are left out. The
 * bundler's file watcher (wrangler's `esbuild` process) is left out too: it polls the source
 * tree and does none of the system's work, but it was the largest and least steady part of the
 * idle rate (30–40 ms/s, measured per thread on 2026-12-01), and over a phase of a minute its
 * swings moved a ride's figure by whole floor units.
 *
 * A reading is also split by what each process is (`roleOf`): the local runtime that runs every
 * worker, object, queue and D1 of the system (workerd with an inspector), its main thread apart
 * from the threads where V8 compiles and collects garbage, and wrangler's own parts that Cloudflare
 * does not run: its local proxy (a second workerd, in front of the runtime on the public port)
 * and its Node process. Only the main thread runs JavaScript, so its share bounds how much the
 * machine serves however many cores it has.
 *
 * `idleRate` measures what the group burns doing nothing (wrangler's proxy, the dev cron
 * ticks, workerd's timers) over a few seconds, to be subtracted from every later span:
 * `work = (after − before) − idle × seconds`.
 *
 * @example
 * const idle = await idleRate(system.pid, 10);
 * const span = startSpan(system.pid);
 * await runRides();
 * const { cpuS, rawByRole } = endSpan(span, idle.rate); // CPU of the rides alone; by role, idle left in
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's counters (USER_HZ: 100 on Linux). */
const CLK_TCK = Number(process.env.CLK_TCK ?? 100);

/** What a process of a local system is, for the split of its CPU. */
export const ROLES = ["runtime main thread", "runtime other threads", "wrangler's proxy", "wrangler (node)"] as const;
export type Role = (typeof ROLES)[number];
/** CPU seconds (or seconds a second) by role. */
export type ByRole = Record<Role, number>;

/**
 * The role of a process from its name and command line; null for processes that do none of the
 * system's work: the bundler's file watcher (`esbuild`) and the launchers (dev.mjs and wrangler's
 * shim), which only wait on their children. A workerd is the runtime when it has an inspector
 * (`--inspector-addr`), else wrangler's proxy.
 *
 * @example
 * roleOf("workerd", "workerd serve --binary --inspector-addr=127.0.0.1:0") // "runtime" (its main thread and the others are read apart)
 */
export function roleOf(comm: string, cmdline: string): "runtime" | "wrangler's proxy" | "wrangler (node)" | null {
  if (comm === "workerd") return cmdline.includes("--inspector-addr") ? "runtime" : "wrangler's proxy";
  if (comm === "node" && cmdline.includes("wrangler-dist/cli.js")) return "wrangler (node)";
  return null;
}

const zero = (): ByRole => Object.fromEntries(ROLES.map((r) => [r, 0])) as ByRole;
/** The sum over every role. */
export const total = (x: ByRole): number => ROLES.reduce((sum, r) => sum + x[r], 0);
/** `a − b × k`, role by role. */
export const minus = (a: ByRole, b: ByRole, k = 1): ByRole => Object.fromEntries(ROLES.map((r) => [r, a[r] - b[r] * k])) as ByRole;

/** utime + stime of a /proc stat line, in ticks, with its process group and name. */
function parseStat(stat: string): { comm: string; pgrp: number; ticks: number } {
  // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
  return { comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** The group's CPU seconds so far by role (live processes only); undefined without /proc. */
export function groupCpuByRole(pgid: number): ByRole | undefined {
  const out = zero();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm, pgrp, ticks } = parseStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
      if (pgrp !== pgid) continue;
      const role = roleOf(comm, readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" "));
      if (role === null) continue;
      if (role !== "runtime") {
        out[role] += ticks / CLK_TCK;
        continue;
      }
      // The thread whose id is the process's own is the main one.
      const main = parseStat(readFileSync(`/proc/${entry}/task/${entry}/stat`, "utf8")).ticks;
      out["runtime main thread"] += main / CLK_TCK;
      out["runtime other threads"] += (ticks - main) / CLK_TCK;
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The group's CPU seconds so far (every role); undefined without /proc. */
export function groupCpuSeconds(pgid: number): number | undefined {
  const byRole = groupCpuByRole(pgid);
  return byRole && total(byRole);
}

/** What the group burns idle, per wall second: in all (`rate`) and by role. */
export interface IdleRate {
  rate: number;
  byRole: ByRole;
}

/** CPU seconds per wall second the group burns idle, measured over `seconds`. */
export async function idleRate(pgid: number, seconds: number): Promise<IdleRate> {
  const span = startSpan(pgid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const { rawByRole, wallS } = endSpan(span, 0);
  const byRole = Object.fromEntries(ROLES.map((r) => [r, Math.max(0, rawByRole[r] / wallS)])) as ByRole;
  return { rate: total(byRole), byRole };
}

export interface Span {
  pgid: number;
  cpu0: ByRole;
  t0: number;
  /** Wall seconds since the span started. */
  wallS: () => number;
}

export function startSpan(pgid: number): Span {
  const t0 = performance.now();
  return { pgid, cpu0: groupCpuByRole(pgid) ?? minus(zero(), zero(), NaN), t0, wallS: () => (performance.now() - t0) / 1000 };
}

/** The CPU seconds of the span with the idle rate taken off (never below 0), and its wall seconds; `rawByRole` is the span's CPU by role, idle left in. */
export function endSpan(span: Span, idle: number): { cpuS: number; wallS: number; rawCpuS: number; rawByRole: ByRole } {
  const wallS = span.wallS();
  const rawByRole = minus(groupCpuByRole(span.pgid) ?? minus(zero(), zero(), NaN), span.cpu0);
  const rawCpuS = total(rawByRole);
  return { cpuS: Math.max(0, rawCpuS - idle * wallS), wallS, rawCpuS, rawByRole };
}
