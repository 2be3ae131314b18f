/**
 * The notification delivery log's retention, run by the gateway's ten-minute cron beside
 * payment reconciliation (workers/gateway/index.ts): deliveries older than the retention
 * go, newer ones stay, and a failing database is reported, not swallowed.
 */
import { describe, expect, it } from "vitest";
import gateway from "../../workers/gateway/index";
import { DELIVERY_LOG_RETENTION_DAYS } from "../../src/views/retention";
import { testEnv, uniqueId } from "./helpers";

const TEN_MINUTES = "*/10 * * * *";
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

async function delivery(eventId: string, createdAt: string) {
  await testEnv.VIEWS_DB.prepare(
    `INSERT INTO notification_deliveries (event_id, channel, recipient, id, ride_id, event, locale, status, attempts, correlation_id, created_at, updated_at)
     VALUES (?1, 'webhook', 'rider', ?1, 'rd_retention', 'RideCompleted', 'ko', 'sent', 1, 'c', ?2, ?2)`,
  )
    .bind(eventId, createdAt)
    .run();
}
const kept = async (eventId: string) =>
  (await testEnv.VIEWS_DB.prepare("SELECT count(*) AS n FROM notification_deliveries WHERE event_id = ?").bind(eventId).first<{ n: number }>())?.n === 1;
const run = (env: Env) => gateway.scheduled({ cron: TEN_MINUTES, scheduledTime: Date.now(), noRetry: () => undefined }, env);

describe("the delivery log's retention", () => {
  it("a database that fails the prune fails the cron run (reported, not swallowed)", async () => {
    const broken = {
      ...testEnv,
      VIEWS_DB: {
        prepare: () => {
          throw new Error("D1 unavailable");
        },
      },
    } as unknown as Env;
    await expect(run(broken)).rejects.toThrow("D1 unavailable");
  });

  it("the ten-minute cron deletes deliveries older than the retention and keeps the rest", async () => {
    const old = uniqueId("ev_old");
    const recent = uniqueId("ev_recent");
    await delivery(old, daysAgo(DELIVERY_LOG_RETENTION_DAYS + 1));
    await delivery(recent, daysAgo(DELIVERY_LOG_RETENTION_DAYS - 1));
    expect([await kept(old), await kept(recent)]).toEqual([true, true]);
    await run(testEnv);
    expect([await kept(old), await kept(recent)]).toEqual([false, true]);
  });
});
