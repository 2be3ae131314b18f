/**
 * The deploy plan, computed from the wrangler configs themselves (never a hand-kept
 * list): which resources an environment needs, which secrets each worker needs, and
 * the order the workers must be deployed in so that none binds a worker that does
 * not exist yet. Pure: `scripts/deploy.ts` and `scripts/provision.ts` run it, the
 * unit tests check it.
 */
import { requiredSecrets, type WorkerName } from "../../src/required-secrets.ts";

/** The four workers and their configs, as `npm run dev` and `npm run deploy` know them. */
export const WORKERS: readonly { worker: WorkerName; config: string }[] = [
  { worker: "gateway", config: "wrangler.toml" },
  { worker: "payment", config: "workers/payment/wrangler.toml" },
  { worker: "notification", config: "workers/notification/wrangler.toml" },
  { worker: "views", config: "workers/views/wrangler.toml" },
];

export const DEPLOY_ENVS = ["production", "staging"] as const;
export type DeployEnv = (typeof DEPLOY_ENVS)[number];

/** The parts of a resolved wrangler config (wrangler's `unstable_readConfig`) the plan reads. */
export interface WranglerConfig {
  name?: string;
  vars: Record<string, unknown>;
  services?: { binding: string; service: string }[];
  durable_objects: { bindings: { name: string; class_name: string; script_name?: string }[] };
  queues: { producers?: { binding: string; queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
  d1_databases: { binding: string; database_name?: string; database_id?: string; migrations_dir?: string }[];
}

export interface PlannedWorker {
  worker: WorkerName;
  config: string;
  /** The deployed script's name in this environment ("rides-gateway-staging"). */
  name: string;
  /** Script names this worker binds to: its service bindings and other scripts' Durable Objects. */
  binds: string[];
  queues: string[];
  databases: { binding: string; name: string; id: string; migrations: boolean }[];
  secrets: string[];
}

export interface Step {
  phase: "secrets" | "build" | "provision" | "migrate" | "deploy";
  /** The wrangler arguments, exactly as run. */
  args: string[];
  /** Run only when the account lacks the resource (provision), or a note on what is checked. */
  note?: string;
  worker?: WorkerName;
}

/** `--env staging` for staging; production is each config's top level. */
export const envArgs = (env: DeployEnv): string[] => (env === "production" ? [] : ["--env", env]);

/** The placeholder ids committed before `npm run provision` has written real ones. */
export const isPlaceholderId = (id: string | undefined): boolean => !id || /^0{8}-0{4}-/.test(id);

/**
 * @example
 * const planned = planWorker(WORKERS[0], unstable_readConfig({ config: "wrangler.toml", env: "staging" }));
 */
export function planWorker(spec: { worker: WorkerName; config: string }, config: WranglerConfig): PlannedWorker {
  if (!config.name) throw new Error(`${spec.config}: no worker name`);
  const binds = [
    ...(config.services ?? []).map((s) => s.service),
    ...config.durable_objects.bindings.flatMap((b) => (b.script_name && b.script_name !== config.name ? [b.script_name] : [])),
  ];
  const queues = [
    ...(config.queues.producers ?? []).map((q) => q.queue),
    ...(config.queues.consumers ?? []).flatMap((q) => [q.queue, ...(q.dead_letter_queue ? [q.dead_letter_queue] : [])]),
  ];
  const databases = config.d1_databases.map((d) => {
    if (!d.database_name) throw new Error(`${spec.config}: D1 binding ${d.binding} has no database_name`);
    return { binding: d.binding, name: d.database_name, id: d.database_id ?? "", migrations: Boolean(d.migrations_dir) };
  });
  return {
    ...spec,
    name: config.name,
    binds: [...new Set(binds)],
    queues: [...new Set(queues)],
    databases,
    secrets: requiredSecrets(spec.worker, config.vars).map((r) => r.name),
  };
}

/**
 * The workers in an order where each comes after every worker it binds. Throws on a
 * binding cycle (nothing could go first on an empty account) or on a binding to a
 * script that is not one of ours.
 */
export function deployOrder(workers: readonly PlannedWorker[]): PlannedWorker[] {
  const byName = new Map(workers.map((w) => [w.name, w]));
  const done = new Set<string>();
  const order: PlannedWorker[] = [];
  const visit = (w: PlannedWorker, path: string[]) => {
    if (done.has(w.name)) return;
    if (path.includes(w.name)) throw new Error(`binding cycle: ${[...path, w.name].join(" -> ")}: no worker can be deployed first`);
    for (const target of w.binds) {
      const next = byName.get(target);
      if (!next) throw new Error(`${w.config}: binds "${target}", which is not a worker of this project in this environment`);
      visit(next, [...path, w.name]);
    }
    done.add(w.name);
    order.push(w);
  };
  for (const w of workers) visit(w, []);
  return order;
}

/** Every queue (dead-letter queues included) and every D1 database the workers name, once each. */
export function resourcesOf(workers: readonly PlannedWorker[]) {
  const queues = [...new Set(workers.flatMap((w) => w.queues))].sort();
  const databases = [...new Map(workers.flatMap((w) => w.databases).map((d) => [d.name, d])).values()].sort((a, b) => a.name.localeCompare(b.name));
  return { queues, databases };
}

/**
 * The wrangler arguments that bundle one worker as a deploy would, into `outdir`, touching no
 * account (`wrangler deploy --dry-run`): the deploy's build step and `npm run deploy:check`.
 *
 * @example
 * wrangler(bundleArgs("wrangler.toml", "staging", "/tmp/out"));
 */
export function bundleArgs(config: string, env: DeployEnv, outdir: string): string[] {
  return ["deploy", "--dry-run", "-c", config, ...envArgs(env), "--outdir", outdir];
}

/**
 * The whole deploy of one environment, in order: check every worker's secrets (before
 * anything changes), provision what is missing, apply the D1 migrations, deploy the
 * workers so that each one's bindings already exist.
 *
 * @example
 * for (const step of planDeploy(workers, "staging")) console.log(["wrangler", ...step.args].join(" "));
 */
export function planDeploy(workers: readonly PlannedWorker[], env: DeployEnv): Step[] {
  const e = envArgs(env);
  const ordered = deployOrder(workers);
  const { queues, databases } = resourcesOf(workers);
  const steps: Step[] = [];
  for (const w of workers) {
    steps.push({
      phase: "secrets",
      worker: w.worker,
      args: ["secret", "list", "-c", w.config, ...e, "--format", "json"],
      note: `needs: ${w.secrets.join(", ") || "none"}`,
    });
  }
  // Every worker bundled before anything changes: one that does not build (its [build] step, a
  // type the bundler refuses) stops the deploy with nothing migrated and nothing deployed, never
  // halfway with the schema and the payment worker new beside the old gateway.
  for (const w of workers) {
    steps.push({
      phase: "build",
      worker: w.worker,
      args: bundleArgs(w.config, env, `.wrangler/deploy-build/${env}/${w.worker}`),
      note: "bundles it, changes nothing",
    });
  }
  steps.push({ phase: "provision", args: ["d1", "list", "--json"], note: "what exists" });
  for (const d of databases)
    steps.push({ phase: "provision", args: ["d1", "create", d.name], note: "if missing; its id is written into every config that names it" });
  for (const q of queues) steps.push({ phase: "provision", args: ["queues", "create", q], note: "if missing (`wrangler queues info` says)" });
  for (const d of databases) {
    const owner = workers.find((w) => w.databases.some((x) => x.name === d.name && x.migrations));
    if (!owner) continue;
    const binding = owner.databases.find((x) => x.name === d.name)!.binding;
    steps.push({ phase: "migrate", args: ["d1", "migrations", "apply", binding, "--remote", "-c", owner.config, ...e] });
  }
  for (const w of ordered)
    steps.push({ phase: "deploy", worker: w.worker, args: ["deploy", "-c", w.config, ...e], note: w.binds.length ? `after ${w.binds.join(", ")}` : undefined });
  return steps;
}

/** One line per step, as `npm run deploy -- --dry-run` prints them. */
export function formatPlan(steps: readonly Step[]): string {
  return steps.map((s) => `[${s.phase}] wrangler ${s.args.join(" ")}${s.note ? `   # ${s.note}` : ""}`).join("\n");
}
