/** Small helpers to declare routes once for validation and the OpenAPI document. */
import { z } from "@hono/zod-openapi";
import { ProblemSchema } from "./schemas";

export const jsonBody = <T extends z.ZodTypeAny>(schema: T, required = true) => ({
  body: { content: { "application/json": { schema } }, required },
});

export const jsonResponse = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

const problem = (description: string) => ({ content: { "application/problem+json": { schema: ProblemSchema } }, description });

/** The problem answers every authenticated route can give. */
export const commonProblems = {
  400: problem("invalid_request"),
  401: problem("unauthorized"),
  403: problem("forbidden"),
  404: problem("not_found"),
} as const;

export const bearer = [{ bearerAuth: [] }];
