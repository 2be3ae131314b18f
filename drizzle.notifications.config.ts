import { defineConfig } from "drizzle-kit";

/** `npm run db:generate` writes the notification database's migrations from src/notifications/schema.ts. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/notifications/schema.ts",
  out: "./migrations/notifications",
});
