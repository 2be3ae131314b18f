/** Small helpers to declare routes once for validation and the OpenAPI document. */
import type { z } from "@hono/zod-openapi";
import { ProblemSchema } from "./schemas";

export const jsonBody = <T extends z.ZodTypeAny>(schema: T, required = true) => ({
  body: { content: { "application/json": { schema } }, required },
});

export const jsonResponse = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

/** A problem+json answer, for the OpenAPI document. */
export const problem = (description: string) => ({ content: { "application/problem+json": { schema: ProblemSchema } }, description });

/** The problem answers every authenticated route can give (401 and 403 come before any 400). */
export const commonProblems = {
  400: problem("invalid_request"),
  401: problem("unauthorized"),
  403: problem("forbidden"),
  404: problem("not_found"),
  413: problem("payload_too_large: the body is over 16 KiB"),
} as const;

/** The answer of a rate-limited route past its limit. */
export const rateLimited = {
  429: {
    ...problem("rate_limited: too many requests; nothing was done"),
    headers: { "Retry-After": { description: "Seconds to wait (the limiter's period)", schema: { type: "integer" as const } } },
  },
} as const;

export const bearer = [{ bearerAuth: [] }];
