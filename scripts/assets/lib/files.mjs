// Helpers for the asset builders of scripts/assets/*.mjs (see scripts/build-assets.mjs).
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";

/**
 * The fingerprinted name of a file: `swagger-ui.css` → `swagger-ui.1a2b3c4d5e.css`.
 *
 * @example
 * hashedName("init.js", "console.log(1)"); // "init.<10 hex>.js"
 */
export function hashedName(name, content) {
  const ext = extname(name);
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 10);
  return `${basename(name, ext)}.${hash}${ext}`;
}

/** Writes `content` under `dir` with its fingerprinted name; answers that name. */
export function writeHashed(dir, name, content) {
  const file = hashedName(name, content);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), content);
  return file;
}
