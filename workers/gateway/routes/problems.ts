/**
 * GET /problems and GET /problems/{code}: what each error code means (no auth). HTML for
 * browsers, JSON for `Accept: application/json`. The endpoints listed on a code's page
 * are read from the app's own OpenAPI document, so they cannot drift from the routes.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError, isProblemCode, PROBLEM_CODES } from "../../../src/lib/problem";
import { problemPage, problemPages } from "../../../src/lib/problem-catalog";
import type { GatewayEnv } from "../context";
import { problems } from "../openapi";
import { endpointsByCode, renderProblemIndex, renderProblemPage } from "../problem-pages";
import { newRouter } from "../router";

const ProblemPageSchema = z
  .object({
    code: z.enum(PROBLEM_CODES),
    type: z.string(),
    status: z.number().int(),
    title: z.string(),
    when: z.string(),
    action: z.string(),
    retry: z.enum(["no", "after-fixing", "after-retry-after", "with-backoff"]),
    retryAdvice: z.string(),
    endpoints: z.array(z.string()).openapi({ description: 'The operations that declare the code, as "METHOD /path"' }),
  })
  .openapi("ProblemPage");

const ANONYMOUS = problems("payload_too_large", "rate_limited", "internal");
const page = (description: string, schema: z.ZodTypeAny) => ({
  description,
  content: { "text/html": { schema: z.string() }, "application/json": { schema } },
});

/** Whether the client asked for JSON over the page; the answer then varies by `Accept`, which a cache in between must key on. */
const wantsJson = (c: Context<GatewayEnv>) => {
  c.header("vary", "Accept", { append: true });
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
};

/**
 * The problem pages, given the app's OpenAPI document (built on the first call, then kept).
 *
 * @example
 * app.route("/", problemRoutes(() => app.getOpenAPI31Document(DOCUMENT)));
 */
export function problemRoutes(document: () => unknown) {
  const app = newRouter();
  let endpoints: Map<string, string[]> | undefined;
  const endpointsOf = (code: string) => (endpoints ??= endpointsByCode(document())).get(code) ?? [];

  app.get("/problems", (c) => {
    const pages = problemPages();
    if (wantsJson(c)) return c.json({ items: pages.map((p) => ({ ...p, endpoints: endpointsOf(p.code) })) });
    return c.html(renderProblemIndex(pages));
  });
  app.get("/problems/:code", (c) => {
    const code = c.req.param("code");
    if (!isProblemCode(code)) throw new AppError("not_found", "no such problem code: GET /problems lists them");
    const body = problemPage(code);
    if (wantsJson(c)) return c.json({ ...body, endpoints: endpointsOf(code) });
    return c.html(renderProblemPage(body, endpointsOf(code)));
  });

  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/problems",
    operationId: "listProblems",
    summary: "List the problem codes",
    tags: ["service"],
    responses: { 200: page("Every code: HTML, or JSON with Accept: application/json", z.object({ items: z.array(ProblemPageSchema) })), ...ANONYMOUS },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/problems/{code}",
    operationId: "getProblem",
    summary: "Explain a problem code",
    tags: ["service"],
    request: { params: z.object({ code: z.string().openapi({ example: "rate_limited" }) }) },
    responses: {
      200: page("The code's page: HTML, or JSON with Accept: application/json", ProblemPageSchema),
      ...problems(["not_found", "no such code"], "payload_too_large", "rate_limited", "internal"),
    },
  });
  return app;
}
