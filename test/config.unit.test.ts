/**
 * The configs agree with each other: the integration worker holds every binding and
 * var of the four real workers, the queues have producers and consumers, and
 * `npm run dev` forwards every var of the contract from the environment.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { retryDelaySeconds } from "../src/lib/backoff";

/** The parts of a resolved wrangler config these checks read. */
interface WorkerConfig {
  vars: Record<string, unknown>;
  services?: { binding: string }[];
  durable_objects: { bindings: { name: string }[] };
  queues: { producers?: { binding: string; queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string; max_retries?: number }[] };
  d1_databases: { binding: string; database_id?: string }[];
}
const read = (config: string) => unstable_readConfig({ config }) as unknown as WorkerConfig;
const REAL = ["wrangler.toml", "workers/payment/wrangler.toml", "workers/notification/wrangler.toml", "workers/views/wrangler.toml"].map((path) => ({
  path,
  config: read(path),
}));
const integration = read("test/integration/wrangler.toml");
/**
 * Vars the integration worker sets on purpose to test values (a local sink, a test
 * account) or, being a local development config, to development values (the committed
 * real configs carry production values: test/deploy-config.unit.test.ts).
 */
const TEST_VALUES = new Set([
  "NOTIFY_WEBHOOK_URL",
  "NOTIFY_MAX_ATTEMPTS",
  "KAKAO_ALIMTALK_URL",
  "KAKAO_APP_KEY",
  "KAKAO_SENDER_KEY",
  "ENVIRONMENT",
  "AUTO_APPROVE_DRIVERS",
  "PAYMENT_PROVIDER",
  "ALLOWED_ORIGINS",
]);

const bindingNames = (c: WorkerConfig) => [
  ...c.durable_objects.bindings.map((b) => b.name),
  ...(c.queues.producers ?? []).map((q) => q.binding),
  ...c.d1_databases.map((d) => d.binding),
  ...(c.services ?? []).map((s) => s.binding),
];

describe("wrangler configs", () => {
  it("the integration worker has every binding and var of every real worker", () => {
    const names = new Set(bindingNames(integration));
    for (const { path, config } of REAL) {
      for (const name of bindingNames(config)) expect(names.has(name), `${path}: ${name}`).toBe(true);
      for (const [name, value] of Object.entries(config.vars)) {
        expect(integration.vars, `${path}: var ${name}`).toHaveProperty(name);
        if (!TEST_VALUES.has(name)) expect(integration.vars[name], `${path}: var ${name}`).toEqual(value);
      }
    }
  });

  it("every queue a worker produces to, and every dead-letter queue, has exactly one consumer", () => {
    const consumers = REAL.flatMap(({ config }) => config.queues.consumers ?? []);
    const deadLetters = consumers.flatMap((q) => (q.dead_letter_queue ? [q.dead_letter_queue] : []));
    const produced = new Set(REAL.flatMap(({ config }) => (config.queues.producers ?? []).map((q) => q.queue)));
    expect(consumers.map((q) => q.queue).sort()).toEqual([...new Set([...produced, ...deadLetters])].sort());
    expect(produced).toContain("ride-payment-results");
  });

  it("every dead-letter queue's consumer retries a letter it could not keep, in production and staging (the default, 3, then deletes it)", () => {
    for (const env of [undefined, "staging"]) {
      for (const path of REAL.map((w) => w.path)) {
        const config = unstable_readConfig({ config: path, env }) as unknown as WorkerConfig;
        for (const consumer of (config.queues.consumers ?? []).filter((q) => q.queue.includes("-dlq"))) {
          expect(consumer.max_retries ?? 3, `${path} ${env ?? "production"}: ${consumer.queue}`).toBeGreaterThanOrEqual(10);
        }
      }
    }
    const dlqConsumers = REAL.flatMap(({ config }) => (config.queues.consumers ?? []).filter((q) => q.queue.includes("-dlq")));
    expect(dlqConsumers.map((q) => q.queue).sort()).toEqual(["ride-events-dlq", "ride-notifications-dlq", "ride-payment-results-dlq", "ride-payments-dlq"]);
  });

  it("a notice's deliveries outlast a sink down for ten minutes, and give up before its queue dead-letters the message", () => {
    // NOTIFY_MAX_ATTEMPTS tries of a delivery, the message retried with retryDelaySeconds between them: at 5 tries
    // that was 30 s, so any outage of the webhook or KakaoTalk longer than half a minute dead-lettered every notice in flight.
    for (const env of [undefined, "staging"]) {
      const config = unstable_readConfig({ config: "workers/notification/wrangler.toml", env }) as unknown as WorkerConfig;
      const attempts = Number(config.vars.NOTIFY_MAX_ATTEMPTS);
      const waitedS = Array.from({ length: attempts - 1 }, (_, i) => retryDelaySeconds(i + 1)).reduce((a, b) => a + b, 0);
      expect(waitedS, `${env ?? "production"}: seconds between the first try and the last`).toBeGreaterThanOrEqual(600);
      const consumer = (config.queues.consumers ?? []).find((q) => !q.queue.includes("-dlq"));
      // The queue delivers a message 1 + max_retries times: the worker must give up (and dead-letter it itself) by then.
      expect(attempts, `${env ?? "production"}: ${consumer?.queue}`).toBeLessThanOrEqual((consumer?.max_retries ?? 3) + 1);
    }
  });

  it("workers that share the views database name the same one", () => {
    const ids = REAL.flatMap(({ config }) => config.d1_databases.filter((d) => d.binding === "VIEWS_DB").map((d) => d.database_id));
    expect(new Set(ids).size).toBe(1);
  });

  it("npm run dev listens on 127.0.0.1 unless DEV_HOST says otherwise, never on a HOST the shell set (its dev tokens mint any role)", () => {
    const dev = readFileSync("scripts/dev.mjs", "utf8");
    expect(dev).not.toMatch(/process\.env\.HOST\b/);
    expect(dev).toMatch(/const host = process\.env\.DEV_HOST \|\| "127\.0\.0\.1";/);
    expect(dev).toMatch(/"--ip", host/);
  });

  it("npm run dev forwards every var of every worker from the environment", () => {
    const dev = readFileSync("scripts/dev.mjs", "utf8");
    for (const { config } of REAL) for (const name of Object.keys(config.vars)) expect(dev, name).toContain(`"${name}"`);
  });
});
