/**
 * The OpenAPI document as GET /openapi.json serves it: every operation named and
 * summarised, every error response a problem with its codes, Retry-After where the API
 * sends it, and a /problems page for every code it names. A new route must declare
 * `operationId`, `summary` and its errors with `problems(...)`/`authedProblems(...)`.
 */
import { describe, expect, it } from "vitest";
import { isProblemCode, PROBLEM_CODES, PROBLEM_STATUS } from "../../src/lib/problem";
import { createApp } from "./app";
import { authedProblems, problems, RETRY_AFTER_STATUSES, type ProblemResponse } from "./openapi";
import { declaredProblems, operationsOf } from "./problem-pages";

const app = createApp();
const env = { ENVIRONMENT: "development", RATE_LIMITS: "off" } as unknown as Env;

async function servedDocument(): Promise<unknown> {
  const res = await app.request("/openapi.json", {}, env);
  expect(res.status).toBe(200);
  return res.json();
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const PROBLEM_REF = "#/components/schemas/Problem";

/** Responses as the generator writes them: the zod schema becomes a $ref to the registered component. */
function asServed(responses: Record<number, ProblemResponse>): Record<number, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, r]) => [
      status,
      { ...r, content: { "application/problem+json": { ...r.content["application/problem+json"], schema: { $ref: PROBLEM_REF } } } },
    ]),
  );
}

/** What is wrong with a document, one line per fault (empty: nothing). */
function violations(doc: unknown): string[] {
  const found: string[] = [];
  const seen = new Map<string, string>();
  for (const { method, path, operation } of operationsOf(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    const id = operation.operationId;
    if (typeof id !== "string" || !/^[a-z][A-Za-z0-9]+$/.test(id)) found.push(`${where}: operationId missing or not camelCase (${String(id)})`);
    else if (seen.has(id)) found.push(`${where}: operationId ${id} repeats ${seen.get(id)}`);
    else seen.set(id, where);
    const summary = operation.summary;
    if (typeof summary !== "string" || !/^[A-Z][^\n]{2,70}$/.test(summary) || summary.endsWith("."))
      found.push(`${where}: summary missing or not a short sentence-case line`);
  }
  for (const { method, path, status, codes, response } of declaredProblems(doc)) {
    const where = `${method.toUpperCase()} ${path} ${status}`;
    const content = isObject(response.content) ? response.content["application/problem+json"] : undefined;
    if (!isObject(content) || !isObject(content.schema) || content.schema.$ref !== PROBLEM_REF)
      found.push(`${where}: no application/problem+json with ${PROBLEM_REF}`);
    if (codes.length === 0) found.push(`${where}: lists no problem code (declare it with problems(...))`);
    for (const code of codes) {
      if (!isProblemCode(code)) found.push(`${where}: ${code} is not a problem code`);
      else if (String(PROBLEM_STATUS[code]) !== status) found.push(`${where}: ${code} is a ${PROBLEM_STATUS[code]}`);
    }
    const headers = isObject(response.headers) ? response.headers : {};
    if (RETRY_AFTER_STATUSES.includes(Number(status)) && !isObject(headers["Retry-After"])) found.push(`${where}: no Retry-After header`);
  }
  return found;
}

describe("the OpenAPI document", () => {
  it("catches what it must: a missing or repeated operationId, no summary, a bare error, a 429 without Retry-After, an unknown code", () => {
    const ok = { operationId: "getThing", summary: "Get a thing", responses: { 200: { description: "ok" }, ...asServed(authedProblems()) } };
    const bad = {
      paths: {
        "/a": { get: ok, post: { ...ok } },
        "/b": { get: { summary: "no id", responses: {} }, put: { operationId: "putB", responses: {} } },
        "/c": {
          get: {
            operationId: "getC",
            summary: "Get c",
            responses: {
              404: { description: "not_found" },
              429: { ...asServed(problems("rate_limited"))[429], headers: undefined },
              409: asServed(problems("invalid_transition"))[409],
              422: {
                ...problems("trip_too_long")[422],
                content: { "application/problem+json": { schema: { $ref: PROBLEM_REF }, examples: { no_such_code: {} } } },
              },
            },
          },
        },
      },
    };
    const found = violations(bad).join("\n");
    expect(found).toContain("POST /a: operationId getThing repeats GET /a");
    expect(found).toContain("GET /b: operationId missing");
    expect(found).toContain("PUT /b: summary missing");
    expect(found).toContain("GET /c 404: no application/problem+json");
    expect(found).toContain("GET /c 404: lists no problem code");
    expect(found).toContain("GET /c 429: no Retry-After header");
    expect(found).toContain("GET /c 422: no_such_code is not a problem code");
    expect(found).not.toContain("GET /c 409");
    expect(violations({ paths: { "/a": { get: ok } } })).toEqual([]);
  });

  it("as served: every operation has a unique operationId and a summary, every error a problem with its codes, 429 and 503 a Retry-After", async () => {
    const doc = await servedDocument();
    expect(operationsOf(doc).length).toBeGreaterThan(60);
    expect(violations(doc)).toEqual([]);
  });

  it("declares the Idempotency-Key's rule (1 to 255 visible ASCII characters) wherever one is taken", async () => {
    const keyed = operationsOf(await servedDocument()).filter((o) => JSON.stringify(o.operation.parameters ?? []).includes('"idempotency-key"'));
    expect(keyed.map((o) => o.operation.operationId).sort()).toEqual(["createRental", "createRide", "refundRide", "registerRentalVehicle"]);
    for (const o of keyed) {
      const header = (o.operation.parameters as { name: string; schema: Record<string, unknown> }[]).find((p) => p.name === "idempotency-key")!;
      expect(header.schema, String(o.operation.operationId)).toMatchObject({ minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]{1,255}$" });
    }
  });

  it("names the operations the typed client relies on", async () => {
    const ids = operationsOf(await servedDocument()).map((o) => o.operation.operationId);
    for (const id of ["createQuote", "createRide", "getRide", "cancelRide", "acceptRide", "completeRide", "listOpsRides", "getProblem"])
      expect(ids).toContain(id);
  });

  it("lists the contract's probes, /healthz and /readyz (its 503 a problem with Retry-After), as it lists every other endpoint", async () => {
    const ops = operationsOf(await servedDocument());
    const probe = (path: string) => ops.find((o) => o.method === "get" && o.path === path)?.operation;
    expect(probe("/healthz")?.operationId).toBe("health");
    expect(probe("/readyz")?.operationId).toBe("readiness");
    expect(JSON.stringify(probe("/readyz")?.responses)).toContain("Retry-After");
  });

  it("every problem code the document names has its page at /problems/{code}", async () => {
    const doc = await servedDocument();
    const used = new Set(declaredProblems(doc).flatMap((d) => d.codes));
    const schemas = isObject(doc) && isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
    const problem = schemas.Problem;
    const codeEnum = isObject(problem) && isObject(problem.properties) && isObject(problem.properties.code) ? problem.properties.code.enum : undefined;
    expect(codeEnum).toEqual([...PROBLEM_CODES]);
    for (const code of [...used, ...PROBLEM_CODES]) {
      const page = await app.request(`/problems/${code}`, {}, env);
      expect(page.status, code).toBe(200);
    }
    // One URL, a page or JSON by Accept: a cache in between keys on it.
    for (const path of ["/problems", "/problems/not_found"]) {
      const [html, json] = [await app.request(path, {}, env), await app.request(path, { headers: { accept: "application/json" } }, env)];
      expect([html.headers.get("content-type"), json.headers.get("content-type")], path).toEqual([
        expect.stringMatching(/^text\/html/),
        expect.stringMatching(/json/),
      ]);
      for (const res of [html, json]) expect(res.headers.get("vary") ?? "", path).toMatch(/\bAccept\b/i);
    }
  });
});

describe("problems()", () => {
  it("keys by status, merges the codes of one status, lists each code once with its note", () => {
    const responses = authedProblems(["forbidden", "not your rental"], "driver_not_approved", "no_drivers_nearby");
    const forbidden = responses[403];
    expect(Object.keys(forbidden.content["application/problem+json"].examples)).toEqual(["forbidden", "driver_not_approved"]);
    expect(forbidden.description).toBe("forbidden: not your rental; driver_not_approved: The driver is not approved yet");
    expect(forbidden.headers).toBeUndefined();
    expect(responses[503].headers?.["Retry-After"]).toBeDefined();
    expect(responses[429].headers?.["Retry-After"]).toBeDefined();
    expect(responses[503].content["application/problem+json"].examples.no_drivers_nearby?.value.type).toBe("/problems/no_drivers_nearby");
  });
});
