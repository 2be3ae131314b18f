/**
 * The command line of the deploy scripts (`npm run deploy`, `npm run provision`). A deploy
 * that misreads its environment goes to production, so anything not understood is refused
 * rather than passed over: `--env=staging` and `-e staging` (as wrangler takes them) name the
 * environment like `--env staging`; a misspelt `--dry-run` is an error, not a real deploy; and
 * flags npm took for itself (`npm run deploy --env staging` without `--`) are caught by the
 * `npm_config_*` variables npm leaves behind.
 */
import { DEPLOY_ENVS, type DeployEnv } from "./plan.ts";

export interface DeployArgs {
  env: DeployEnv;
  /** The flags given, of those the script knows. */
  flags: Set<string>;
}

/**
 * @example
 * deployArgs(["--env=staging", "--dry-run"], ["--dry-run"], {}); // { env: "staging", flags: Set { "--dry-run" } }
 * deployArgs(["staging"], ["--dry-run"], { npm_config_env: "staging" }); // throws: npm took --env
 */
export function deployArgs(argv: readonly string[], known: readonly string[], vars: Record<string, string | undefined>): DeployArgs {
  for (const swallowed of ["env", "dry_run"]) {
    if (vars[`npm_config_${swallowed}`] !== undefined)
      throw new Error(`npm took --${swallowed.replace("_", "-")} for itself: put the script's arguments after --, as in npm run deploy -- --env staging`);
  }
  let named: string | undefined;
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const inline = /^(?:--env|-e)=(.*)$/.exec(arg);
    if (arg === "--env" || arg === "-e") named = argv[++i] ?? "";
    else if (inline) named = inline[1]!;
    else if (known.includes(arg)) flags.add(arg);
    else throw new Error(`unknown argument "${arg}": the arguments are --env NAME${known.length ? `, ${known.join(", ")}` : ""}`);
  }
  const env = named ?? (vars.DEPLOY_ENV || "production");
  if (!(DEPLOY_ENVS as readonly string[]).includes(env)) throw new Error(`unknown environment "${env}": ${DEPLOY_ENVS.join(" or ")}`);
  return { env: env as DeployEnv, flags };
}
