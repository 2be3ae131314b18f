/**
 * The secrets each worker needs before it can serve, declared once. Read by the
 * workers (`/readyz` answers 503 naming what is missing, instead of a 500 on every
 * call) and by `npm run deploy` (which refuses to deploy a worker whose required
 * secrets are not set, checked with `wrangler secret list`). Self-contained on
 * purpose: Node runs the deploy script's import of this file as plain TypeScript.
 */

export type WorkerName = "gateway" | "payment" | "notification" | "views";

/** A secret, required always or only while a var turns its feature on. */
export interface SecretRule {
  name: string;
  /** Required only when this var has this value (`equals`) or any non-empty value (`set`). */
  when?: { var: string; equals?: string; set?: true };
  why: string;
}

export const REQUIRED_SECRETS: Record<WorkerName, readonly SecretRule[]> = {
  gateway: [
    { name: "JWT_SECRET", why: "verifies every bearer token (HS256, at least 16 characters)" },
    { name: "CONTACT_KEY", why: "seals riders' and drivers' phone numbers (the notification worker's value)" },
  ],
  payment: [{ name: "STRIPE_SECRET_KEY", when: { var: "PAYMENT_PROVIDER", equals: "stripe" }, why: "authenticates the Stripe adapter" }],
  notification: [
    { name: "CONTACT_KEY", why: "unseals phone numbers for KakaoTalk (the gateway's value)" },
    { name: "NOTIFY_WEBHOOK_SECRET", when: { var: "NOTIFY_WEBHOOK_URL", set: true }, why: "signs the webhook's POSTs" },
    { name: "KAKAO_SECRET_KEY", when: { var: "KAKAO_APP_KEY", set: true }, why: "authenticates KakaoTalk AlimTalk calls" },
  ],
  views: [],
};

/** Shortest acceptable length of any secret: shorter ones are placeholders or typos. */
export const MIN_SECRET_LENGTH = 16;

/**
 * The secrets `worker` requires given its vars.
 *
 * @example
 * requiredSecrets("payment", { PAYMENT_PROVIDER: "stripe" }); // [{ name: "STRIPE_SECRET_KEY", ... }]
 */
export function requiredSecrets(worker: WorkerName, vars: Readonly<Record<string, unknown>>): SecretRule[] {
  return REQUIRED_SECRETS[worker].filter((rule) => {
    if (!rule.when) return true;
    const value = vars[rule.when.var];
    if (rule.when.equals !== undefined) return value === rule.when.equals;
    return typeof value === "string" && value.trim() !== "";
  });
}

/**
 * What is missing from a running worker's env: one line per required secret that is
 * unset or too short. Never includes a secret's value.
 *
 * @example
 * const missing = missingSecrets("gateway", env); // ["JWT_SECRET: not set (verifies every bearer token ...)"]
 */
export function missingSecrets(worker: WorkerName, env: Readonly<Record<string, unknown>>): string[] {
  return requiredSecrets(worker, env).flatMap((rule) => {
    const value = env[rule.name];
    if (typeof value !== "string" || value === "") return [`${rule.name}: not set (${rule.why})`];
    if (value.length < MIN_SECRET_LENGTH) return [`${rule.name}: shorter than ${MIN_SECRET_LENGTH} characters`];
    return [];
  });
}
