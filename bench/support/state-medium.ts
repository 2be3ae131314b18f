/**
 * Where the benchmarks' systems keep their state: `startSystem` and `startFloor` make their
 * state directories under the OS's temporary directory (TMPDIR), and what that is on matters
 * locally. The runtime commits every Durable Object, D1 and alarm write with an fsync on its one
 * main thread, so on a disk every request waits behind the fsyncs of all the others (measured:
 * `npm run bench:dispatch` at 20 rides/s, request accepted p99 2,494 ms with the state on this
 * machine's disk, 119 ms with it on tmpfs, `TMPDIR=/dev/shm`). Cloudflare's storage does not
 * fsync on the isolate's thread, so tmpfs is the nearer of the two for latency.
 *
 * @example
 * console.log(`state under ${stateMedium()}`); // "/dev/shm (tmpfs)"
 */
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";

/** The file system type of the mount holding `dir`, from /proc/mounts' text (the longest mount point that contains it). */
export function fileSystemOf(dir: string, mounts: string): string | undefined {
  let best: { point: string; type: string } | undefined;
  for (const line of mounts.split("\n")) {
    const [, point, type] = line.split(" ");
    if (!point || !type) continue;
    const contains = point === "/" || dir === point || dir.startsWith(`${point}/`);
    if (contains && (!best || point.length > best.point.length)) best = { point, type };
  }
  return best?.type;
}

/** The temporary directory and its file system type, e.g. "/tmp (ext4)". */
export function stateMedium(): string {
  let mounts = "";
  try {
    mounts = readFileSync("/proc/mounts", "utf8");
  } catch {
    // not Linux: the type stays unknown
  }
  return `${tmpdir()} (${fileSystemOf(tmpdir(), mounts) ?? "unknown file system"})`;
}
