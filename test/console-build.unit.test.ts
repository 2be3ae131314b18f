/** The console's build (scripts/assets/console.mjs) into a temporary directory: what index.html loads, and how small the JavaScript is. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import build from "../scripts/assets/console.mjs";

/** The budget for the console's JavaScript, gzipped. */
const GZIP_BUDGET = 100 * 1024;

let out: string;
let built: Awaited<ReturnType<typeof build>>;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "console-build-"));
  built = await build(out);
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("console build", () => {
  it("writes index.html that loads one fingerprinted script and stylesheet from /console/, and no inline script", () => {
    const html = readFileSync(join(out, "console/index.html"), "utf8");
    expect(built.js).toMatch(/^app\.[A-Z0-9]{8}\.js$/);
    expect(built.css).toMatch(/^style\.[A-Z0-9]{8}\.css$/);
    expect(html).toContain(`<script type="module" src="/console/${built.js}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/console/${built.css}" />`);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\son\w+=/);
    expect(html).not.toMatch(/%(SCRIPT|STYLE)%/);
    for (const file of [built.js, built.css, "favicon.svg"]) expect(existsSync(join(out, "console", file))).toBe(true);
  });

  it("loads nothing from another host", () => {
    const files = [built.js, built.css, "index.html"].map((f) => readFileSync(join(out, "console", f), "utf8"));
    for (const text of files) expect(text).not.toMatch(/(https?:)?\/\/(?!www\.w3\.org\/)[a-z0-9.-]+\.[a-z]{2,}\//i);
  });

  it(`keeps the JavaScript under ${GZIP_BUDGET / 1024} KB gzipped`, () => {
    console.log(`console JavaScript: ${(built.jsBytes / 1024).toFixed(1)} KB, ${(built.jsGzipBytes / 1024).toFixed(1)} KB gzipped`);
    expect(built.jsGzipBytes).toBeGreaterThan(1000);
    expect(built.jsGzipBytes).toBeLessThan(GZIP_BUDGET);
  });
});
