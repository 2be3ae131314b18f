/**
 * Memory figures of the local runtime (workerd) for the benches: resident set, JS heaps, the
 * allocator's bytes in use, a way to make every isolate collect its garbage, and a way to make the
 * allocator give its free pages back.
 *
 * Why more than RSS: what a ride leaves behind in workerd is mostly native objects (requests,
 * responses, I/O contexts, stubs) owned by JS wrappers that are already garbage. An idle
 * isolate never runs a full collection on its own locally, so they stay until one happens;
 * and workerd's allocator (tcmalloc, without its background release thread) keeps freed
 * pages mapped for reuse, so RSS is a high-water mark. To tell a leak from that, the benches
 * read the allocator's "bytes in use" and the heaps, and force one full collection per
 * isolate, as a leak test calls `gc()` before it measures.
 *
 * `npm run dev` runs one workerd process, the runtime, with an inspector (scripts/local-runtime.mjs).
 * `wrangler dev` runs two (`workerdRoles`): the runtime, and wrangler's front proxy, without an
 * inspector; only the runtime's isolates can be made to collect.
 *
 * Linux only (`ps`, `ss`); the allocator figure needs `gdb` and is skipped without it.
 *
 * @example
 * const roles = workerdRoles(system.pid);
 * await collectAllGarbage(roles.runtime);
 * console.log(await readMemory(roles));
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectGarbage, inspect, isolatesOf } from "../scripts/inspector.ts";

/** The workerd processes in a process group. */
function workerdPids(pgid: number): number[] {
  const out = execFileSync("ps", ["-o", "pid=,comm=", "-g", String(pgid)], { encoding: "utf8" });
  return out.trim().split("\n").map((l) => l.trim().split(/\s+/)).filter(([, comm]) => comm?.includes("workerd")).map(([pid]) => Number(pid));
}

export interface WorkerdRoles { runtime: number[]; proxy: number[] }

/**
 * The workerd processes of a local system, by role: the runtime that runs the workers (it has
 * the inspector), and, under `wrangler dev` only, wrangler's front proxy, a one-object worker in a
 * workerd of its own that every HTTP request and WebSocket passes through on its way to the runtime.
 */
export function workerdRoles(pgid: number): WorkerdRoles {
  const roles: WorkerdRoles = { runtime: [], proxy: [] };
  for (const pid of workerdPids(pgid)) {
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    (cmdline.includes("--inspector-addr") ? roles.runtime : roles.proxy).push(pid);
  }
  return roles;
}

/** Resident set of some processes, in MiB, from /proc. */
export function rssMiB(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

/**
 * Asks each process's allocator (tcmalloc) to give its free pages back to the system, through gdb,
 * as its background thread would if workerd ran one. Changes no live object; afterwards RSS is
 * what the process really holds. Returns false without gdb.
 */
export function releaseFreeMemory(pids: number[]): boolean {
  try {
    for (const pid of pids) {
      execFileSync("gdb", ["-p", String(pid), "-batch", "-ex", "call (void)MallocExtension_Internal_ReleaseMemoryToSystem(18446744073709551615UL)"], { stdio: "ignore", timeout: 60_000 });
    }
    return true;
  } catch {
    return false;
  }
}

/** The debugger targets (one per isolate) of each process's inspector, found by its listening ports. */
async function inspectorTargets(pids: number[]): Promise<string[]> {
  const listening = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  const urls: string[] = [];
  for (const pid of pids) {
    for (const line of listening.split("\n").filter((l) => l.includes(`pid=${pid},`))) {
      const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
      if (!port) continue;
      try {
        urls.push(...(await isolatesOf(`127.0.0.1:${port}`)));
      } catch {
        // not the inspector (the HTTP entry, the loopback or the debug port); a capnp port that
        // gets this GET logs "RPC connection broken … exceeds size limit", which is harmless
      }
    }
  }
  return urls;
}

/** Makes every isolate of the processes run a full garbage collection (scripts/inspector.ts). */
export async function collectAllGarbage(pids: number[]): Promise<number> {
  return collectGarbage(await inspectorTargets(pids));
}

/** JS heap used, summed over every isolate, in MiB. */
export async function jsHeapMiB(pids: number[]): Promise<number> {
  let used = 0;
  for (const url of await inspectorTargets(pids)) {
    used += (await inspect<{ usedSize: number }>(url, "Runtime.getHeapUsage", {}, 5000))?.usedSize ?? 0;
  }
  return used / 2 ** 20;
}

/**
 * One moment of the local system, in MiB: RSS and allocator bytes in use of the runtime and its
 * JS heaps; the same for wrangler's proxy, undefined when there is none (`npm run dev`).
 */
export interface MemoryReading { runtimeMiB: number; runtimeInUseMiB: number | undefined; jsUsedMiB: number; proxyMiB: number | undefined; proxyInUseMiB: number | undefined }

/** Reads the runtime and, if there is one, wrangler's proxy (see `MemoryReading`). */
export async function readMemory(roles: WorkerdRoles): Promise<MemoryReading> {
  const proxy = roles.proxy.length > 0;
  return {
    runtimeMiB: rssMiB(roles.runtime), runtimeInUseMiB: allocatorInUseMiB(roles.runtime), jsUsedMiB: await jsHeapMiB(roles.runtime),
    proxyMiB: proxy ? rssMiB(roles.proxy) : undefined, proxyInUseMiB: proxy ? allocatorInUseMiB(roles.proxy) : undefined,
  };
}

/**
 * Bytes the allocator has handed out and not got back, summed over the processes, in MiB: from
 * tcmalloc's own `malloc_stats()`, called in each process through gdb with stderr pointed at a
 * file for the moment. Undefined without gdb.
 */
export function allocatorInUseMiB(pids: number[]): number | undefined {
  const dir = mkdtempSync(join(tmpdir(), "soak-malloc-"));
  try {
    let total = 0;
    for (const pid of pids) {
      const file = join(dir, `${pid}.txt`);
      execFileSync("gdb", ["-p", String(pid), "-batch",
        "-ex", "call (int)dup(2)",
        "-ex", `call (int)open("${file}", 577, 420)`,
        "-ex", "call (int)dup2($2, 2)",
        "-ex", "call (void)malloc_stats()",
        "-ex", "call (int)dup2($1, 2)",
        "-ex", "call (int)close($2)",
        "-ex", "call (int)close($1)"], { stdio: "ignore", timeout: 60_000 });
      const bytes = /MALLOC:\s+(\d+) .*Bytes in use by application/.exec(readFileSync(file, "utf8"))?.[1];
      if (bytes === undefined) return undefined;
      total += Number(bytes);
    }
    return total / 2 ** 20;
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
