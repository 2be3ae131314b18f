/**
 * The browser finder (test/support/browser.ts): CHROMIUM_PATH, then Debian's Chromium, then
 * the npm package's; and a real launch of the npm package's Chromium, forced even where
 * Debian's is installed, rendering a page. That launch is what shows a machine without
 * /usr/bin/chromium runs the browser tests: it needs nothing but `npm install`.
 */
import { describe, expect, it, vi } from "vitest";
import { DEBIAN_CHROMIUM, findChromium, launchBrowser } from "./support/browser";

const NPM = "/tmp/from-npm/chromium";

function finder(existing: string[], env: Record<string, string | undefined> = {}) {
  const extractNpmChromium = vi.fn(async () => NPM);
  return { extractNpmChromium, opts: { env, exists: (path: string) => existing.includes(path), extractNpmChromium } };
}

describe("findChromium", () => {
  it("a CHROMIUM_PATH that does not exist is an error, not a silent fallback", async () => {
    const { opts, extractNpmChromium } = finder([DEBIAN_CHROMIUM], { CHROMIUM_PATH: "/opt/missing/chrome" });
    await expect(findChromium(opts)).rejects.toThrow("CHROMIUM_PATH=/opt/missing/chrome: no such file");
    expect(extractNpmChromium).not.toHaveBeenCalled();
  });

  it("CHROMIUM_PATH first, even where Debian's Chromium is installed", async () => {
    const { opts, extractNpmChromium } = finder([DEBIAN_CHROMIUM, "/opt/chrome"], { CHROMIUM_PATH: "/opt/chrome" });
    expect(await findChromium(opts)).toBe("/opt/chrome");
    expect(extractNpmChromium).not.toHaveBeenCalled();
  });

  it("then Debian's Chromium", async () => {
    const { opts, extractNpmChromium } = finder([DEBIAN_CHROMIUM], { CHROMIUM_PATH: "" });
    expect(await findChromium(opts)).toBe(DEBIAN_CHROMIUM);
    expect(extractNpmChromium).not.toHaveBeenCalled();
  });

  it("else the npm package's Chromium", async () => {
    const { opts, extractNpmChromium } = finder([]);
    expect(await findChromium(opts)).toBe(NPM);
    expect(extractNpmChromium).toHaveBeenCalledOnce();
  });

  it("forced to npm, it skips CHROMIUM_PATH and Debian's", async () => {
    const { opts } = finder([DEBIAN_CHROMIUM, "/opt/chrome"], { CHROMIUM_PATH: "/opt/chrome" });
    expect(await findChromium({ ...opts, force: "npm" })).toBe(NPM);
  });
});

describe("the npm package's Chromium", () => {
  it("launches and renders pages in one browser context after another, running their scripts", { timeout: 60_000 }, async () => {
    const browser = await launchBrowser({ force: "npm" });
    try {
      // Two contexts in turn: a test file opens and closes several (the npm build's one-process
      // mode, left out, closed the whole browser with the first).
      for (const n of [2, 3]) {
        const context = await browser.newContext();
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(String(e)));
        await page.setContent(`<h1>Edge Rides</h1><p id="sum"></p><script>document.getElementById("sum").textContent = "${n} + 3 = " + (${n} + 3);</script>`);
        expect(await page.locator("h1").innerText()).toBe("Edge Rides");
        expect(await page.locator("#sum").innerText()).toBe(`${n} + 3 = ${n + 3}`);
        expect(errors).toEqual([]);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  });
});
