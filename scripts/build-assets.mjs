#!/usr/bin/env node
// `npm run build:assets`: builds the gateway's static assets into dist/assets (never
// committed; wrangler.toml's [build] runs this before `wrangler dev` and `wrangler deploy`).
//
// Every builder module in scripts/assets/*.mjs runs, in name order (helpers for them live in
// scripts/assets/lib/, which is not run). Each exports `default async function build(outDir)`
// and writes its files under outDir, an absolute path, in a folder of its own (docs/,
// console/, ...). They all write into an empty directory beside dist/assets, which then
// replaces its content: a file no builder wrote any more is deleted, an unchanged one is left
// alone, so a rebuild with nothing new changes nothing on disk (a running `wrangler dev`, or
// two systems started from one checkout, never see files vanish).
//
// Cache rule (workers/gateway/routes/assets.ts): a file named `name.HASH.ext` (HASH: 8 or more
// letters/digits; `writeHashed` of scripts/assets/lib/files.mjs, esbuild's `[name].[hash]`) is
// fingerprinted and cached for a year; anything else (index.html) is revalidated every time.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
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

/** Makes `outDir` hold exactly the files of `fresh`: new and changed ones copied, stale ones deleted. */
function sync(fresh, outDir) {
  const wanted = new Set(listFiles(fresh));
  mkdirSync(outDir, { recursive: true });
  for (const path of listFiles(outDir)) if (!wanted.has(path)) rmSync(join(outDir, path));
  for (const path of wanted) {
    const target = join(outDir, path);
    const content = readFileSync(join(fresh, path));
    const same = statSync(target, { throwIfNoEntry: false })?.isFile() && readFileSync(target).equals(content);
    if (same) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(fresh, path), target);
  }
}

/** Runs every builder into an empty directory, syncs `outDir` to it, prints each file with its size and gzipped size. */
export async function buildAssets(outDir = OUT_DIR) {
  const fresh = `${outDir}.build-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(fresh, { recursive: true });
  const builders = readdirSync(join(root, "scripts/assets"))
    .filter((name) => name.endsWith(".mjs"))
    .sort();
  try {
    for (const name of builders) {
      const module = await import(pathToFileURL(join(root, "scripts/assets", name)).href);
      if (typeof module.default !== "function") throw new Error(`scripts/assets/${name}: no default export build(outDir)`);
      await module.default(fresh);
    }
    sync(fresh, outDir);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
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
