/**
 * The process groups a test or benchmark started and has not stopped yet, ended with this
 * process however it ends: at `exit`, and on SIGINT (Ctrl-C) or SIGTERM (a cancelled CI job;
 * vitest ends its workers with SIGTERM), which run no `exit` handler of Node's own. Without it,
 * an interrupted run left wrangler and workerd running, with their port and state directory.
 */

const groups = new Set<number>();
let hooked = false;

function killAll(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  groups.clear();
}

/**
 * Ends the process group `pgid` with this process; answers the function that forgets it (call
 * it once the group is stopped).
 *
 * @example
 * const forget = reapWithProcess(child.pid!);
 * await stopProcessGroup(child.pid!); forget();
 */
export function reapWithProcess(pgid: number): () => void {
  groups.add(pgid);
  if (!hooked) {
    hooked = true;
    process.once("exit", killAll);
    for (const [signal, code] of [
      ["SIGINT", 130],
      ["SIGTERM", 143],
    ] as const)
      process.once(signal, () => {
        killAll();
        process.exit(code);
      });
  }
  return () => void groups.delete(pgid);
}
