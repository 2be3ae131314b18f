import { defineConfig } from "drizzle-kit";

/** `npm run db:generate` writes the views migrations from src/views/schema.ts. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/views/schema.ts",
  out: "./migrations/views",
});
