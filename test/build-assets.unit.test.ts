/**
 * `npm run build:assets` (scripts/build-assets.mjs) into a scratch directory: the /docs page it
 * builds loads only its own fingerprinted files (no inline script, no other host), its script
 * points Swagger UI at /openapi.json with no validator; and a rebuild deletes stale files and
 * leaves unchanged ones untouched.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { buildAssets } from "../scripts/build-assets.mjs";

const scratch = mkdtempSync(join(tmpdir(), "build-assets-"));
const out = join(scratch, "assets");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function build() {
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    await buildAssets(out);
    return log.mock.calls.map((args) => args.join(" "));
  } finally {
    log.mockRestore();
  }
}

describe("build:assets", () => {
  it("/docs: a page of its own files only, Swagger UI on /openapi.json without a validator", { timeout: 30_000 }, async () => {
    const printed = await build();
    const html = readFileSync(join(out, "docs/index.html"), "utf8");
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((ref) => !ref.startsWith("/"))).toEqual([]);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    for (const ref of refs.filter((r) => r.startsWith("/docs/"))) {
      expect(statSync(join(out, ref)).isFile(), ref).toBe(true);
      if (/\.(js|css)$/.test(ref)) expect(ref, "fingerprinted").toMatch(/\.[0-9a-f]{10}\.(js|css)$/);
    }
    const init = refs.find((r) => r.includes("/init."))!;
    const script = readFileSync(join(out, init), "utf8");
    expect(script).toContain('url: "/openapi.json"');
    expect(script).toContain("validatorUrl: null");
    expect(printed.some((line) => line.includes("docs/index.html") && line.includes("gzip"))).toBe(true);
  });

  it("a rebuild deletes stale files and rewrites no unchanged one", { timeout: 30_000 }, async () => {
    mkdirSync(join(out, "old"), { recursive: true });
    writeFileSync(join(out, "old/app.0123456789.js"), "stale");
    const page = join(out, "docs/index.html");
    utimesSync(page, new Date(0), new Date(0));
    await build();
    expect(readdirSync(out)).toContain("docs");
    expect(readdirSync(out)).not.toContain("old");
    expect(statSync(page).mtimeMs).toBe(0);
    expect(readdirSync(scratch)).toEqual(["assets"]);
  });
});
