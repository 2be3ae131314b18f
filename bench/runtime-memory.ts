/**
 * Memory figures of the local runtime (workerd) for the soak: resident set, JS heaps, the
 * allocator's bytes in use, and a way to make every isolate collect its garbage.
 *
 * Why more than RSS: what a ride leaves behind in workerd is mostly native objects (requests,
 * responses, I/O contexts, stubs) owned by JS wrappers that are already garbage. An idle
 * isolate never runs a full collection on its own locally, so they stay until one happens;
 * and workerd's allocator (tcmalloc, without its background release thread) keeps freed
 * pages mapped for reuse, so RSS is a high-water mark. To tell a leak from that, the soak
 * reads the allocator's "bytes in use" and the heaps, and forces one full collection per
 * isolate, as a leak test calls `gc()` before it measures.
 *
 * Linux only (`ps`, `ss`); the allocator figure needs `gdb` and is skipped without it.
 *
 * @example
 * const pids = workerdPids(system.pid);
 * await collectAllGarbage(pids);
 * console.log(rss(system.pid), await jsHeapMiB(pids), allocatorInUseMiB(pids));
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The workerd processes in a process group. */
export function workerdPids(pgid: number): number[] {
  const out = execFileSync("ps", ["-o", "pid=,comm=", "-g", String(pgid)], { encoding: "utf8" });
  return out.trim().split("\n").map((l) => l.trim().split(/\s+/)).filter(([, comm]) => comm?.includes("workerd")).map(([pid]) => Number(pid));
}

/** Resident set of every process in a process group, and of its workerd processes alone, in MiB (one `ps`). */
export function rss(pgid: number): { treeMiB: number; workerdMiB: number } {
  const out = execFileSync("ps", ["-o", "rss=,comm=", "-g", String(pgid)], { encoding: "utf8" });
  let tree = 0, workerd = 0;
  for (const line of out.trim().split("\n")) {
    const [kb, comm] = line.trim().split(/\s+/);
    tree += Number(kb) || 0;
    if (comm?.includes("workerd")) workerd += Number(kb) || 0;
  }
  return { treeMiB: tree / 1024, workerdMiB: workerd / 1024 };
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
        const res = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(1000) });
        const list = (await res.json()) as { webSocketDebuggerUrl?: string }[];
        if (Array.isArray(list)) urls.push(...list.flatMap((t) => (t.webSocketDebuggerUrl ? [t.webSocketDebuggerUrl] : [])));
      } catch {
        // not the inspector (the HTTP entry, the loopback or the debug port); a capnp port that
        // gets this GET logs "RPC connection broken … exceeds size limit", which is harmless
      }
    }
  }
  return urls;
}

/** Sends one inspector command to one isolate and waits for its answer (chunks of a heap snapshot are dropped). */
async function inspect<T>(url: string, method: string, params: object, timeoutMs: number): Promise<T | undefined> {
  const ws = new WebSocket(url);
  try {
    const opened = await new Promise<boolean>((resolve) => {
      ws.addEventListener("open", () => resolve(true));
      ws.addEventListener("error", () => resolve(false)); // wrangler's own proxy isolate takes no second debugger
    });
    if (!opened) return undefined;
    return await new Promise<T | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      ws.addEventListener("message", (e) => {
        const m = JSON.parse(String(e.data)) as { id?: number; result?: T; error?: { message: string } };
        if (m.id === 2) {
          clearTimeout(timer);
          if (m.error) console.warn(`inspector: ${method}: ${m.error.message}`);
          // workerd answers a heap snapshot by echoing the request, without a result
          resolve(m.error ? undefined : (m.result ?? ({} as T)));
        }
      });
      const domain = method.split(".")[0];
      ws.send(JSON.stringify({ id: 1, method: `${domain}.enable` }));
      ws.send(JSON.stringify({ id: 2, method, params }));
    });
  } finally {
    ws.close();
  }
}

/**
 * Makes every isolate run a full garbage collection. The inspector's `collectGarbage` does not
 * answer in workerd; taking a heap snapshot does a full collection first, so that is used.
 */
export async function collectAllGarbage(pids: number[]): Promise<number> {
  let collected = 0;
  for (const url of await inspectorTargets(pids)) {
    if (await inspect(url, "HeapProfiler.takeHeapSnapshot", { reportProgress: false }, 60_000) !== undefined) collected++;
  }
  return collected;
}

/** JS heap used and reserved, summed over every isolate, in MiB. */
export async function jsHeapMiB(pids: number[]): Promise<{ used: number; total: number }> {
  let used = 0, total = 0;
  for (const url of await inspectorTargets(pids)) {
    const usage = await inspect<{ usedSize: number; totalSize: number }>(url, "Runtime.getHeapUsage", {}, 5000);
    used += usage?.usedSize ?? 0;
    total += usage?.totalSize ?? 0;
  }
  return { used: used / 2 ** 20, total: total / 2 ** 20 };
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
