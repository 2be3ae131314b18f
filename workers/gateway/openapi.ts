/**
 * Small helpers to declare routes once for validation and the OpenAPI document.
 *
 * Every error answer is declared with `problems(...)`: it keys the responses by each
 * code's status (src/lib/problem.ts), gives them the shared Problem schema, one example
 * per code (which is how the document says which codes an endpoint answers; the
 * /problems pages read them back), and Retry-After on 429 and 503.
 */
import type { z } from "@hono/zod-openapi";
import { PROBLEM_STATUS, PROBLEM_TITLE, problemType, type ProblemCode } from "../../src/lib/problem";
import { ProblemSchema } from "./schemas";

/** The document's top level, for GET /openapi.json and whatever else builds the document. */
export const DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "Edge Rides API",
    version: "1.0.0",
    description: "Ride-hailing backend on Cloudflare Workers. Errors are application/problem+json; each code is explained at /problems/{code}.",
  },
};

export const jsonBody = <T extends z.ZodTypeAny>(schema: T, required = true) => ({
  body: { content: { "application/json": { schema } }, required },
});

export const jsonResponse = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

/** A code, or a code with what it means on this endpoint. */
export type ProblemUse = ProblemCode | readonly [ProblemCode, string];
type CodeOf<U> = U extends readonly [infer C, string] ? C : U;

/** The statuses whose answers may carry Retry-After (rate_limited; no_drivers_nearby and unavailable). */
export const RETRY_AFTER_STATUSES: readonly number[] = [429, 503];
const RETRY_AFTER = {
  "Retry-After": {
    description: "Seconds to wait before sending the same request again (see the code's /problems page)",
    schema: { type: "integer" as const, minimum: 1 },
  },
};

interface ProblemExample {
  summary: string;
  value: { type: string; title: string; status: number; code: ProblemCode; detail: string };
}
/** One error response of the document. */
export interface ProblemResponse {
  description: string;
  content: { "application/problem+json": { schema: typeof ProblemSchema; examples: Record<string, ProblemExample> } };
  headers?: typeof RETRY_AFTER;
}
export type ProblemResponses<U extends readonly ProblemUse[]> = { [C in CodeOf<U[number]> & ProblemCode as (typeof PROBLEM_STATUS)[C]]: ProblemResponse };

/**
 * The error responses of an operation, one per status, each listing its codes.
 *
 * @example
 * responses: { 200: jsonResponse(RideSchema, "The ride"), ...authedProblems(["invalid_transition", "the ride is over"]) }
 */
export function problems<const U extends readonly ProblemUse[]>(...uses: U): ProblemResponses<U> {
  // A code given twice (a common one with a note of the route's own) is listed once, with its note.
  const notes = new Map<ProblemCode, string | undefined>();
  for (const use of uses) {
    const [code, note] = typeof use === "string" ? [use as ProblemCode, undefined] : (use as readonly [ProblemCode, string]);
    notes.set(code, note ?? notes.get(code));
  }
  const byStatus: Record<number, ProblemResponse> = {};
  for (const [code, note] of notes) {
    const status = PROBLEM_STATUS[code];
    const title = PROBLEM_TITLE[code];
    const line = `${code}: ${note ?? title}`;
    const response = (byStatus[status] ??= {
      description: "",
      content: { "application/problem+json": { schema: ProblemSchema, examples: {} } },
      ...(RETRY_AFTER_STATUSES.includes(status) ? { headers: RETRY_AFTER } : {}),
    });
    response.description = response.description ? `${response.description}; ${line}` : line;
    response.content["application/problem+json"].examples[code] = {
      summary: title,
      value: { type: problemType(code), title, status, code, detail: note ?? title },
    };
  }
  return byStatus as ProblemResponses<U>;
}

/**
 * What every authenticated route can answer: 401 and 403 (before any 400), a body over
 * the limit, refused tokens rate limited per address, JWT_SECRET missing or the platform
 * asking to be tried again (503), a fault (500).
 */
export const AUTHED_CODES = [
  "invalid_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "payload_too_large",
  "rate_limited",
  "internal",
  "unavailable",
] as const;

/**
 * The common codes and the route's own, merged by status (so a 403 `driver_not_approved`
 * joins `forbidden` rather than replacing it).
 */
export const authedProblems = <const U extends readonly ProblemUse[]>(...uses: U) => problems(...AUTHED_CODES, ...uses);

/** The problem answers every authenticated route can give. */
export const commonProblems = authedProblems();

/** The answer of a rate-limited route past its limit. */
export const rateLimited = problems(["rate_limited", "too many requests; nothing was done"]);

export const bearer = [{ bearerAuth: [] }];
