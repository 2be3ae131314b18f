import { defineConfig } from "drizzle-kit";

/** `npm run db:generate` writes the ledger migrations from src/payments/ledger-schema.ts. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/payments/ledger-schema.ts",
  out: "./migrations/payments",
});
