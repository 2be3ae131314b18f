/**
 * The API reference, /docs, in a real browser (test/support/browser.ts: Debian's Chromium or
 * the npm package's) against the running local system: Swagger UI, served by the gateway from
 * its static assets, renders every operation of /openapi.json and expands one to its
 * responses. Nothing may leave the machine: every request the page makes is recorded, any to
 * another host is also aborted, and the test fails if there was one; page errors and console
 * errors (a Content-Security-Policy violation is one) fail it too.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { startSystem, type RunningSystem } from "../support/system";

let system: RunningSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startSystem();
  browser = await launchBrowser();
});

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await system?.stop();
  }
});

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Whether a URL stays on this machine (data: and blob: URLs never leave the page). */
function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return true;
  return LOCAL_HOSTS.has(hostname);
}

interface Watched {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for (requests and sockets). */
  requested: string[];
  /** Page errors, console errors, failed local requests. */
  problems: string[];
}

/** A page whose requests to other hosts are recorded and aborted, and whose errors are collected. */
async function watchedPage(): Promise<Watched> {
  const context = await browser.newContext();
  await context.route("**/*", (route) => (isLocal(route.request().url()) ? route.continue() : route.abort("blockedbyclient")));
  const page = await context.newPage();
  const requested: string[] = [];
  const problems: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  page.on("websocket", (socket) => requested.push(socket.url()));
  page.on("pageerror", (error) => problems.push(`page error: ${String(error)}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("requestfailed", (request) => {
    if (isLocal(request.url())) problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  return { context, page, requested, problems };
}

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

describe("/docs", () => {
  it("the recorder catches a request to another host (the check below can fail)", async () => {
    const { context, page, requested } = await watchedPage();
    const aborted = page.waitForEvent("requestfailed");
    await page.setContent(`<img src="https://cdn.example.com/logo.png"><img src="${system.baseUrl}/healthz">`);
    expect((await aborted).url()).toBe("https://cdn.example.com/logo.png");
    expect(requested.filter((url) => !isLocal(url))).toEqual(["https://cdn.example.com/logo.png"]);
    expect(requested).toContain(`${system.baseUrl}/healthz`);
    await context.close();
  });

  it("renders every operation of /openapi.json, expands one to its responses, and asks no other host for anything", async () => {
    const doc = (await (await fetch(`${system.baseUrl}/openapi.json`)).json()) as OpenApi;
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    const { context, page, requested, problems } = await watchedPage();

    const res = await page.goto(`${system.baseUrl}/docs`);
    expect(res?.status()).toBe(200);
    await page.locator(".opblock").first().waitFor();
    const listed = await page
      .locator(".opblock .opblock-summary")
      .evaluateAll((summaries) =>
        summaries.map(
          (s) => `${s.querySelector(".opblock-summary-method")?.textContent} ${s.querySelector(".opblock-summary-path")?.getAttribute("data-path")}`,
        ),
      );
    // An operation with two tags is listed under each: compare the distinct operations.
    expect([...new Set(listed)].sort()).toEqual([...operations].sort());

    // Expanded, an operation shows its responses: every status of the document, the problem type on errors.
    const cancel = page.locator(".opblock-post", { has: page.locator('[data-path="/v1/rides/{id}/cancel"]') }).first();
    await cancel.locator(".opblock-summary-control").click();
    const statuses = cancel.locator(".responses-table tr.response > .response-col_status");
    await statuses.first().waitFor();
    const shown = (await statuses.allTextContents()).map((s) => s.trim().slice(0, 3));
    expect(shown).toEqual(Object.keys(doc.paths["/v1/rides/{id}/cancel"]!.post!.responses));
    expect(await cancel.innerText()).toContain("application/problem+json");

    expect(requested.some((url) => url.endsWith("/openapi.json"))).toBe(true);
    expect(requested.filter((url) => !isLocal(url))).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
