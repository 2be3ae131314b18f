/**
 * The static pages' routes over a fake ASSETS binding that answers like Workers static
 * assets with html_handling "none" (a file at its own path, else 404): which file each path
 * gets, the cache policy, the console's client-side routes, and the problems when a file or
 * a whole build is missing.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../app";
import { cacheControlFor } from "./assets";

const app = createApp();

/** A fetcher over `files` (path → body) that records the paths asked for. */
function fakeAssets(files: Record<string, string>) {
  const asked: string[] = [];
  const fetcher = {
    fetch: async (input: Request | string | URL) => {
      const path = new URL(input instanceof Request ? input.url : input).pathname;
      asked.push(path);
      const body = files[path];
      if (body === undefined) return new Response("not found", { status: 404 });
      const type = path.endsWith(".html") ? "text/html" : path.endsWith(".js") ? "text/javascript" : "text/css";
      return new Response(body, { headers: { "content-type": type, etag: '"e1"', "cache-control": "public, max-age=0, must-revalidate" } });
    },
  };
  return { fetcher, asked };
}

const BUILT = {
  "/docs/index.html": "<title>docs</title>",
  "/docs/swagger-ui.0123456789.css": "css",
  "/docs/favicon-32x32.png": "png",
  "/console/index.html": "<title>console</title>",
  "/console/main.5XKQ3TZL.js": "js",
};

function env(files: Record<string, string> | null) {
  const limiter = { limit: async () => ({ success: true }) };
  const base = {
    ENVIRONMENT: "development",
    RATE_LIMITS: "on",
    IP_LIMITER: limiter,
    RIDER_LIMITER: limiter,
    LOCATION_LIMITER: limiter,
    ACCOUNT_LIMITER: limiter,
    USER_LIMITER: limiter,
  };
  return { ...base, ...(files ? { ASSETS: fakeAssets(files).fetcher } : {}) } as unknown as Env;
}

async function get(path: string, files: Record<string, string> | null = BUILT) {
  const res = await app.request(path, {}, env(files));
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe("cache policy", () => {
  it("fingerprinted files for a year, everything else revalidated", () => {
    expect(cacheControlFor("/console/main.5XKQ3TZL.js")).toBe("public, max-age=31536000, immutable");
    expect(cacheControlFor("/docs/swagger-ui.0123456789.css")).toBe("public, max-age=31536000, immutable");
    expect(cacheControlFor("/docs/index.html")).toBe("no-cache");
    expect(cacheControlFor("/docs/swagger-ui-bundle.js")).toBe("no-cache");
    expect(cacheControlFor("/docs/favicon-32x32.png")).toBe("no-cache");
  });
});

describe("/docs", () => {
  it("a missing file is a 404 problem, and so is the page when the reference was not built", async () => {
    const missing = await get("/docs/nope.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    const unbuilt = await get("/docs", {});
    expect(unbuilt.status).toBe(404);
    expect(unbuilt.text).toContain("npm run build:assets");
    const unbound = await get("/docs", null);
    expect(unbound.status).toBe(404);
    expect(unbound.text).toContain("not built");
  });

  it("/docs and /docs/ are the index, revalidated; its files are served by path", async () => {
    for (const path of ["/docs", "/docs/"]) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.text).toBe("<title>docs</title>");
      expect(page.headers.get("cache-control")).toBe("no-cache");
      expect(page.headers.get("content-type")).toBe("text/html");
    }
    const css = await get("/docs/swagger-ui.0123456789.css");
    expect(css.text).toBe("css");
    expect(css.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(css.headers.get("etag")).toBe('"e1"');
  });

  it("only GET: a POST is not a route", async () => {
    expect((await app.request("/docs", { method: "POST" }, env(BUILT))).status).toBe(404);
  });
});

describe("/console", () => {
  it("a missing file with an extension is a 404, not the app; an unbuilt console says so", async () => {
    const missing = await get("/console/old.1234abcd.js");
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain("<title>");
    const unbuilt = await get("/console/rides", { "/docs/index.html": "docs" });
    expect(unbuilt.status).toBe(404);
    expect(unbuilt.headers.get("content-type")).toBe("application/problem+json");
    expect(unbuilt.text).toContain("operator console is not built");
  });

  it("its files by path; every other path is the app's index.html (client-side routes)", async () => {
    const js = await get("/console/main.5XKQ3TZL.js");
    expect(js.text).toBe("js");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    for (const path of ["/console", "/console/", "/console/rides", "/console/rides/r_01J9ZK"]) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toBe("<title>console</title>");
      expect(page.headers.get("cache-control"), path).toBe("no-cache");
    }
  });

  it("asks the binding for the file first, then for the index", async () => {
    const { fetcher, asked } = fakeAssets(BUILT);
    const limiter = { limit: async () => ({ success: true }) };
    await app.request("/console/drivers", {}, { RATE_LIMITS: "on", IP_LIMITER: limiter, ASSETS: fetcher } as unknown as Env);
    expect(asked).toEqual(["/console/drivers", "/console/index.html"]);
  });
});
