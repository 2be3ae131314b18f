// @ts-check
/**
 * ESLint (flat config): typescript-eslint's recommended rules made a little stricter
 * (no `any`, no unused variables), plus the architecture's two structural rules:
 *
 * - layering: the pure core (domain, rules, libraries, config) imports nothing of the
 *   runtime (`cloudflare:*`), of the Durable Objects or of the workers, and the Durable
 *   Objects import nothing of the workers. The core then runs in plain Node unit tests.
 * - no import cycles in the gateway (app → routes → router, never back).
 *
 * Globs are relative to the working directory, which is what lets test/lint.unit.test.ts
 * lint the bad fixtures under test/fixtures/lint with this very config.
 */
import js from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import globals from "globals";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

/** The pure core: everything that must run without workerd. */
export const PURE_CORE = [
  "src/domain/**/*.ts",
  "src/ride/**/*.ts",
  "src/driver/**/*.ts",
  "src/lib/**/*.ts",
  "src/payments/**/*.ts",
  "src/views/**/*.ts",
  "src/kernel/**/*.ts",
  "src/ops-feed/**/*.ts",
  "src/config.ts",
  "src/required-secrets.ts",
  "src/rate-limits.ts",
];

export const LAYERING_MESSAGE =
  "layering: the pure core (src/domain, ride, driver, lib, payments, views, kernel, config) imports no runtime, Durable Object or worker code";
export const DO_LAYERING_MESSAGE = "layering: Durable Objects (src/durable-objects) import nothing from workers/";

const workerImports = { group: ["**/workers/**", "workers/*"], message: DO_LAYERING_MESSAGE };

export default defineConfig(
  {
    // Generated files, build output, and the fixtures that exist to fail (linted by their test only).
    ignores: ["**/node_modules/**", "**/.wrangler/**", "**/dist/**", "coverage/**", "**/env.d.ts", "test/fixtures/**", "migrations/**"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mjs,js}"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      // `_`-prefixed parameters document a position that is deliberately unused.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      // `import("…").T` annotations stay allowed: the generated Env types are written that way.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      // `x == null` is the one loose comparison worth keeping (null or undefined).
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // Plain JavaScript gets no type checker, so no-undef stays on there: with Node's
    // globals for scripts, the Workers runtime's (service worker) for bench/floor.
    files: ["scripts/**/*.{js,mjs}", "test/**/*.{js,mjs}", "*.config.js"],
    languageOptions: { globals: globals.node },
  },
  {
    // The operator console runs in the browser (typed by web/tsconfig.json's DOM lib).
    files: ["web/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["bench/floor/**/*.js"],
    languageOptions: { globals: globals.serviceworker },
  },
  {
    files: PURE_CORE,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["cloudflare:*"], message: LAYERING_MESSAGE },
            { group: ["**/durable-objects/**", "**/durable-objects"], message: LAYERING_MESSAGE },
            { group: ["**/workers/**", "workers/*"], message: LAYERING_MESSAGE },
          ],
        },
      ],
    },
  },
  {
    files: ["src/durable-objects/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [workerImports] }] },
  },
  {
    files: ["workers/gateway/**/*.ts"],
    plugins: { "import-x": importX },
    // Both settings are needed: the resolver finds `./routes/rides` as rides.ts, and
    // `extensions` lets no-cycle parse .ts dependencies (it follows only .js without it).
    settings: { "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js"] })], "import-x/extensions": [".ts", ".js"] },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
);
