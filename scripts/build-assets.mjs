#!/usr/bin/env node
// `npm run build:assets`: builds the gateway's static assets into dist/assets (never
// committed; wrangler.toml's [build] runs this before `wrangler dev` and `wrangler deploy`).
// The directory is emptied, then every builder module in scripts/assets/*.mjs runs, in name
// order (helpers for them live in scripts/assets/lib/, which is not run): each exports `default async function build(outDir)` and writes its files under
// outDir (the absolute path of dist/assets), in a folder of its own (docs/, console/, ...).
//
// Cache rule (workers/gateway/routes/assets.ts): a file named `name.HASH.ext` (HASH: 8 or
// more letters/digits, e.g. from `writeHashed` in scripts/assets/lib/files.mjs or esbuild's `[name].[hash]`) is
// fingerprinted and cached for a year; anything else (index.html) is revalidated every time.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(import.meta.dirname, "..");
export const OUT_DIR = resolve(root, "dist/assets");

/** Every file under `dir`, as paths relative to it, sorted. */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((path) => statSync(join(dir, path)).isFile())
    .sort();
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Empties `outDir`, runs every builder, prints each output file with its size and gzipped size. */
export async function buildAssets(outDir = OUT_DIR) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const builders = readdirSync(join(root, "scripts/assets"))
    .filter((name) => name.endsWith(".mjs"))
    .sort();
  for (const name of builders) {
    const module = await import(pathToFileURL(join(root, "scripts/assets", name)).href);
    if (typeof module.default !== "function") throw new Error(`scripts/assets/${name}: no default export build(outDir)`);
    await module.default(outDir);
  }
  let total = 0;
  let totalGzip = 0;
  for (const path of listFiles(outDir)) {
    const content = readFileSync(join(outDir, path));
    const gzip = gzipSync(content).length;
    total += content.length;
    totalGzip += gzip;
    console.log(`  ${relative(root, join(outDir, path)).padEnd(60)} ${kib(content.length).padStart(11)}  gzip ${kib(gzip).padStart(10)}`);
  }
  console.log(`build:assets: ${builders.length} builder(s) (${builders.join(", ")}), ${kib(total)}, gzip ${kib(totalGzip)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildAssets();
}
