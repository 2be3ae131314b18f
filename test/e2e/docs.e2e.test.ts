/**
 * The API reference page in a real browser (Debian's Chromium through playwright-core):
 * it loads /openapi.json and lists every operation of the contract.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type RunningSystem } from "../support/system";

let system: RunningSystem;
let browser: Browser;

beforeAll(async () => {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  system = await startSystem();
  browser = await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe("/docs", () => {
  it("renders every operation of the OpenAPI document", async () => {
    const doc = (await (await fetch(`${system.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${system.baseUrl}/docs`);
    await page.waitForSelector("details.op");
    expect(await page.locator("details.op").count()).toBe(operations);
    const listed = await page.locator("details.op summary code").allTextContents();
    expect(listed).toEqual(expect.arrayContaining(["/v1/rides", "/v1/rides/{id}/cancel", "/v1/drivers/me/offers", "/v1/quotes"]));
    await page.locator("details.op", { hasText: "/v1/rides/{id}/cancel" }).first().locator("summary").click();
    await expect.poll(async () => page.locator("details.op[open] pre").first().textContent()).toContain("invalid_transition");
    expect(errors).toEqual([]);
    await page.close();
  });
});
