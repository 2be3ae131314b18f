/**
 * What every request and response of the gateway goes through before any route: a
 * body-size limit, secure response headers (a Content-Security-Policy that lets the API
 * answer only data, and lets the static pages, /docs and /console, run nothing but their
 * own files), and CORS for the origins of ALLOWED_ORIGINS only.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { secureHeaders, type ContentSecurityPolicyOptionHandler } from "hono/secure-headers";
import { AppError } from "../../src/lib/problem";
import type { GatewayEnv } from "./context";

/** Far more than any request of this API needs (the largest, a ride request, is under 1 KiB). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Refuses bodies over MAX_BODY_BYTES with 413 `payload_too_large`, by the declared
 * length or, for a streamed body, as soon as it has read one byte too many.
 *
 * @example
 * app.use("*", limitBody());
 */
export function limitBody(): MiddlewareHandler<GatewayEnv> {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError("payload_too_large", `request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB`);
    },
  });
}

/** Where the gateway serves its static assets (routes/assets.ts): /docs, /console and below. */
export const ASSET_PREFIXES = ["/docs", "/console"] as const;

/**
 * Whether a path is one of the static pages or their files.
 *
 * @example
 * isAssetPath("/console/rides/r1"); // true
 * isAssetPath("/documents"); // false
 */
export function isAssetPath(path: string): boolean {
  return ASSET_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

const common = { xFrameOptions: "DENY", referrerPolicy: "no-referrer" } as const;

/** JSON answers: nothing in them may load or run anything, or be framed. */
const apiHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
});

/** This request's own origin as a WebSocket origin (ws: or wss:), for the console's live socket. */
const sameOriginSocket: ContentSecurityPolicyOptionHandler = (c) => {
  const url = new URL(c.req.url);
  return `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
};

/**
 * The static pages: scripts, styles, fonts and fetches from their own origin only (no inline
 * script or style, no nonce: the files are static; styles set from script, as Swagger UI and
 * Preact do, are not inline markup), images also inline (data:, blob:: Swagger UI's icons,
 * the console's charts), sockets to the same host (the console's live socket).
 */
const assetHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'", sameOriginSocket],
    imgSrc: ["'self'", "data:", "blob:"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
});

/**
 * Secure response headers: the static pages' policy under /docs and /console, the API's elsewhere.
 *
 * @example
 * app.use("*", secureResponseHeaders());
 */
export function secureResponseHeaders(): MiddlewareHandler<GatewayEnv> {
  return (c, next) => (isAssetPath(c.req.path) ? assetHeaders(c, next) : apiHeaders(c, next));
}

/**
 * The origins of a comma-separated ALLOWED_ORIGINS (exact `scheme://host[:port]`).
 *
 * @example
 * parseOrigins("https://app.example.com, https://ops.example.com"); // both
 * parseOrigins(""); // none: no cross-origin access
 */
export function parseOrigins(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((o) => o.trim().replace(/\/+$/, ""))
      .filter((o) => o.length > 0),
  );
}

/**
 * CORS for the configured origins only; any other origin gets no CORS headers, so the
 * browser keeps the answer from it.
 *
 * @example
 * app.use("*", corsFromConfig());
 */
export function corsFromConfig(): MiddlewareHandler<GatewayEnv> {
  return cors({
    origin: (origin, c) => (origin && parseOrigins((c.env as Partial<Env> | undefined)?.ALLOWED_ORIGINS).has(origin) ? origin : null),
    allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
    allowHeaders: ["authorization", "content-type", "idempotency-key", "x-request-id"],
    exposeHeaders: ["x-request-id", "retry-after", "location"],
    maxAge: 600,
  });
}
