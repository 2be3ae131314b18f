/**
 * The static pages (no auth: public files; the console signs in client side with an ops
 * token): /docs, the API reference, and /console, the operators' single-page app. Their files
 * are built into dist/assets by `npm run build:assets` and reach the worker through the
 * ASSETS binding (wrangler.toml [assets], run_worker_first: every request comes here first,
 * so the security headers and the per-IP rate limit of app.ts apply to them too).
 */
import { Hono, type Context } from "hono";
import { AppError } from "../../../src/lib/problem";
import type { GatewayEnv } from "../context";

/** `name.HASH.ext` (scripts/build-assets.mjs): the content is in the name, so it never changes. */
const FINGERPRINTED = /\.[A-Za-z0-9]{8,}\.[A-Za-z0-9]+$/;

/**
 * The Cache-Control of an asset: a year for a fingerprinted file, revalidation for the rest
 * (index.html names the fingerprinted files of the current build, so it must never be stale).
 *
 * @example
 * cacheControlFor("/docs/swagger-ui.1a2b3c4d5e.css"); // "public, max-age=31536000, immutable"
 * cacheControlFor("/console/index.html"); // "no-cache"
 */
export function cacheControlFor(path: string): string {
  return FINGERPRINTED.test(path) ? "public, max-age=31536000, immutable" : "no-cache";
}

/** The file at `path` of the built assets with its cache policy, or null when there is none. */
async function fetchAsset(c: Context<GatewayEnv>, path: string): Promise<Response | null> {
  const assets = (c.env as Partial<Env> | undefined)?.ASSETS;
  if (!assets) return null;
  const headers = new Headers();
  const etag = c.req.header("if-none-match");
  if (etag) headers.set("if-none-match", etag);
  const found = await assets.fetch(new Request(new URL(path, c.req.url), { method: c.req.method === "HEAD" ? "HEAD" : "GET", headers }));
  if (found.status === 404) return null;
  const res = new Response(found.body, found);
  res.headers.set("cache-control", cacheControlFor(path));
  return res;
}

const notBuilt = (what: string) => new AppError("not_found", `${what} is not built: run \`npm run build:assets\` (npm run dev does it)`);

/** /docs and /docs/…: the reference's files; /docs itself is its index.html. */
async function serveDocs(c: Context<GatewayEnv>): Promise<Response> {
  const rest = c.req.path.slice("/docs".length);
  const path = rest === "" || rest === "/" ? "/docs/index.html" : c.req.path;
  const found = await fetchAsset(c, path);
  if (found) return found;
  if (path === "/docs/index.html") throw notBuilt("the API reference");
  throw new AppError("not_found", `no file ${c.req.path}`);
}

/**
 * /console and /console/…: a file of the app when there is one; any other path without a
 * file extension is one of the app's own routes (/console/rides/r_1), answered with its
 * index.html so that a reload or a shared link opens the app there.
 */
async function serveConsole(c: Context<GatewayEnv>): Promise<Response> {
  const rest = c.req.path.slice("/console".length);
  if (rest !== "" && rest !== "/") {
    const found = await fetchAsset(c, c.req.path);
    if (found) return found;
    if (/\.[A-Za-z0-9]+$/.test(rest)) throw new AppError("not_found", `no file ${c.req.path}`);
  }
  const index = await fetchAsset(c, "/console/index.html");
  if (index) return index;
  throw notBuilt("the operator console");
}

export function assetRoutes() {
  const app = new Hono<GatewayEnv>();
  app.get("/docs", serveDocs);
  app.get("/docs/*", serveDocs);
  app.get("/console", serveConsole);
  app.get("/console/*", serveConsole);
  return app;
}
