/**
 * Builds the operator console (web/console) into `<outDir>/console/`: esbuild bundles and
 * minifies the Preact app into one fingerprinted ES module and the stylesheet into one
 * fingerprinted CSS file, and index.html points at both under /console/ (no inline script:
 * the pages' CSP allows scripts from 'self' only). Run by scripts/build-assets.mjs.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build as esbuild } from "esbuild";

const root = resolve(import.meta.dirname, "../..");
const src = join(root, "web/console");
const BASE = "/console/";

/** @param {string} outDir @returns {Promise<{ dir: string, js: string, css: string, jsBytes: number, jsGzipBytes: number }>} */
export default async function build(outDir) {
  const dir = join(outDir, "console");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: { app: join(src, "main.tsx"), style: join(src, "styles.css") },
    outdir: dir,
    entryNames: "[name].[hash]", // name.HASH.ext: cached for a year by the gateway (routes/assets.ts)
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    tsconfig: join(root, "web/tsconfig.json"),
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    metafile: true,
    logLevel: "silent",
  });
  const outputs = Object.keys(result.metafile.outputs);
  const js = outputs.find((f) => f.endsWith(".js"));
  const css = outputs.find((f) => f.endsWith(".css"));
  if (!js || !css) throw new Error(`console build: expected one .js and one .css, got ${outputs.join(", ")}`);
  const html = readFileSync(join(src, "index.html"), "utf8")
    .replace("%SCRIPT%", BASE + basename(js))
    .replace("%STYLE%", BASE + basename(css));
  writeFileSync(join(dir, "index.html"), html);
  copyFileSync(join(src, "favicon.svg"), join(dir, "favicon.svg"));
  const code = readFileSync(resolve(root, js));
  return { dir, js: basename(js), css: basename(css), jsBytes: code.length, jsGzipBytes: gzipSync(code, { level: 9 }).length };
}
