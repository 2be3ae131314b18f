import { applyD1Migrations, env } from "cloudflare:test";
import type { D1Migration } from "cloudflare:test";

// The real migrations (read in vitest.integration.config.ts) on the real local D1.
const testEnv = env as unknown as {
  VIEWS_DB: D1Database;
  LEDGER_DB: D1Database;
  NOTIFICATIONS_DB: D1Database;
  VIEWS_MIGRATIONS: D1Migration[];
  LEDGER_MIGRATIONS: D1Migration[];
  NOTIFICATIONS_MIGRATIONS: D1Migration[];
};
await applyD1Migrations(testEnv.VIEWS_DB, testEnv.VIEWS_MIGRATIONS);
await applyD1Migrations(testEnv.LEDGER_DB, testEnv.LEDGER_MIGRATIONS);
await applyD1Migrations(testEnv.NOTIFICATIONS_DB, testEnv.NOTIFICATIONS_MIGRATIONS);
