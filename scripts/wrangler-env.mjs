/**
 * The environment of every local `wrangler` this project starts (`npm run dev`, its
 * migrations, the benchmarks' floor worker), so the system and the unit it is measured in
 * run alike: no usage metrics sent, and without wrangler's local observability collector,
 * which streams every invocation of every worker and object to a collector worker (measured
 * with perf over 30 served rides: 16,930 samples of the local runtime with it, 7,855
 * without; BENCHMARKS.md). The caller's environment wins: `X_LOCAL_OBSERVABILITY=true npm
 * run dev` turns the collector back on. Logs still reach the terminal either way.
 *
 * @example
 * spawn(node, [wranglerJs, "dev"], { env: localWranglerEnv() });
 *
 * @param {NodeJS.ProcessEnv} [env] the caller's environment (default: this process's)
 * @returns {NodeJS.ProcessEnv}
 */
export function localWranglerEnv(env = process.env) {
  return { WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: "false", ...env };
}
