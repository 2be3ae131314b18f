#!/usr/bin/env node
// Writes src/client/api.d.ts, the types of the typed client (src/client/index.ts), from the
// gateway's OpenAPI document: the app is bundled with esbuild (no workerd, no server) and
// asked for GET /openapi.json exactly as a client would, then openapi-typescript turns the
// document into `paths` and `components` types, formatted like the rest of the repository.
//
// `--check` (part of npm run types:check, CI) writes nothing and fails when the committed
// file differs: a route or schema changed without `npm run client:types` breaks the build.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import openapiTS, { astToString } from "openapi-typescript";
import * as prettier from "prettier";

const root = resolve(import.meta.dirname, "..");
const out = resolve(root, "src/client/api.d.ts");
const check = process.argv.includes("--check");

/** The document GET /openapi.json answers (development, no rate limits: no binding is touched). */
async function servedDocument() {
  const dir = mkdtempSync(join(tmpdir(), "client-types-"));
  try {
    const bundle = join(dir, "app.mjs");
    await build({
      entryPoints: [resolve(root, "workers/gateway/app.ts")],
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      outfile: bundle,
      external: ["cloudflare:*"],
      logLevel: "error",
    });
    const { createApp } = await import(pathToFileURL(bundle).href);
    const log = console.log;
    console.log = () => {}; // the access log of the one request
    try {
      const res = await createApp().request("/openapi.json", {}, { ENVIRONMENT: "development", RATE_LIMITS: "off" });
      if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
      return await res.json();
    } finally {
      console.log = log;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HEADER = `/**
 * The API's types, generated from /openapi.json by \`npm run client:types\` (scripts/client-types.mjs).
 * Do not edit: change the routes or schemas and run it again (CI runs it with --check).
 */
`;

const document = await servedDocument();
const generated = astToString(await openapiTS(document, { alphabetize: false }));
const text = await prettier.format(HEADER + generated, { ...(await prettier.resolveConfig(out)), filepath: out });

if (!check) {
  writeFileSync(out, text);
  console.log("client types written: src/client/api.d.ts");
} else if (readFileSync(out, "utf8") !== text) {
  console.error("src/client/api.d.ts is out of date with the routes: run `npm run client:types` and commit the result");
  process.exit(1);
} else {
  console.log("client types up to date: src/client/api.d.ts");
}
