/**
 * Bad input gets a clear problem+json 4xx, never a 500: every operation of the gateway's own
 * OpenAPI document, inside workerd with the real objects and D1, called as each role with
 * hostile path parameters (ids out of format, well-formed ids of nothing), queries (limits and
 * cursors that are not numbers or not cursors, cursors that decode to JSON of the wrong shape)
 * and bodies (not JSON, JSON of the wrong shape, every property of the wrong type). Every answer
 * must be below 500, and every 4xx a problem (application/problem+json with its code). And an
 * operation that needs a token answers 401 to none or a forged one before it looks at the input.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { testEnv } from "./helpers";

const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;

interface Operation {
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}
type Document = { paths: Record<string, Record<string, Operation>> };

const ROLES = ["rider", "driver", "ops"] as const;
const IDS = [
  "x",
  "rd_0000000000000000000000000000000000",
  "rd_abcdefghijabcdefghij1234",
  "rn_abcdefghijabcdefghij1234",
  "rv_abcdefghijabcdefghij1234",
  "%E2%9C%93",
  "a".repeat(300),
];
const QUERIES = [
  "limit=abc",
  "limit=-1",
  "limit=1000000",
  "cursor=%25%25%25",
  `cursor=${btoa("null")}`,
  `cursor=${btoa("5")}`,
  `cursor=${btoa("{}")}`,
  `cursor=${btoa("[1,2]")}`,
  "lat=abc&lng=1&radius=-5",
  "status=nonsense&from=yesterday&to=x",
];
// Strings that decode (base64) to JSON of the wrong shape: where a cursor is expected.
const WRONG = [null, 12, "", "x".repeat(5000), [], { a: 1 }, true, -1, btoa("null"), btoa("5")];
/**
 * Bodies for an operation with these body properties: not JSON, JSON of the wrong shape, every
 * property of one wrong type, then each property alone of each wrong type (the others absent, so
 * a wrong value the schema lets through reaches the handler).
 */
const bodies = (properties: string[]): string[] => [
  "not json",
  "null",
  "[]",
  '"a string"',
  "{}",
  JSON.stringify({ unexpected: true }),
  ...WRONG.map((value) => JSON.stringify(Object.fromEntries(properties.map((p) => [p, value])))),
  ...properties.flatMap((p) => WRONG.map((value) => JSON.stringify({ [p]: value }))),
];

let document: Promise<Document> | undefined;
/** The gateway's OpenAPI document, asked once (the route is rate-limited by address). */
const openApi = () => (document ??= request("get", "/openapi.json", "").then((res) => JSON.parse(res.text) as Document));

let addresses = 0;
async function request(method: string, path: string, token: string, body?: string) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "idempotency-key": "hostile-1",
    // An address of its own each time: unauthenticated traffic is limited by address, and this file sends much of it.
    "cf-connecting-ip": `2001:db8::${(addresses++).toString(16)}`,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const res = await app.request(path, { method: method.toUpperCase(), headers, body }, testEnv, ctx);
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", text };
}

describe("hostile input, every operation, every role", () => {
  it("no answer is a 5xx; every 4xx is a problem", { timeout: 120_000 }, async () => {
    const doc = await openApi();
    // A user of its own for each operation: one user's calls past the per-user ceiling (USER_LIMITER) would be 429
    // before any validation, and the operations after them not tested at all.
    let operations = 0;
    const tokensOf = async () => {
      const n = operations++;
      return Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await issueToken(testEnv, { id: `hostile-${role}-${n}`, role })] as const)));
    };
    const failures: string[] = [];
    let calls = 0;
    for (const [template, methods] of Object.entries(doc.paths)) {
      // Development-only switches would change the faults other tests of this file's storage see; sockets are not plain requests.
      if (template.startsWith("/v1/dev/") || template.endsWith("/live")) continue;
      for (const [method, operation] of Object.entries(methods)) {
        const properties = Object.keys(operation.requestBody?.content?.["application/json"]?.schema?.properties ?? {});
        const paths = template.includes("{") ? IDS.map((id) => template.replace(/\{[^}]+\}/g, id)) : [template];
        const cases: { path: string; body?: string }[] = [];
        for (const path of paths) {
          if (method === "get") for (const q of ["", ...QUERIES]) cases.push({ path: q ? `${path}?${q}` : path });
          else if (path === paths[0] || !IDS.slice(3).some((id) => path.includes(id))) for (const body of bodies(properties)) cases.push({ path, body });
        }
        const tokens = await tokensOf();
        for (const role of ROLES) {
          for (const c of cases) {
            const res = await request(method, c.path, tokens[role]!, c.body);
            calls += 1;
            const where = `${role} ${method.toUpperCase()} ${c.path.slice(0, 120)} ${c.body?.slice(0, 80) ?? ""}`;
            if (res.status >= 500) failures.push(`${res.status} ${where}: ${res.text.slice(0, 200)}`);
            else if (res.status === 429 && res.text.includes("requests from this account")) failures.push(`the per-user ceiling, not the input: ${where}`);
            else if (res.status >= 400 && !(res.type.startsWith("application/problem+json") && /"code":"[a-z_]+"/.test(res.text)))
              failures.push(`${res.status} not a problem (${res.type}) ${where}: ${res.text.slice(0, 120)}`);
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });
});

describe("authentication before validation, every operation that needs a token", () => {
  it("no token, or one that is not ours, is 401 unauthorized whatever the input: nothing about the input is told first", async () => {
    const doc = await openApi();
    const failures: string[] = [];
    let checked = 0;
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (!operation.security?.length) continue;
        const path = template.replace(/\{[^}]+\}/g, "x");
        for (const token of ["", "not-a-token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"]) {
          const res = await request(method, method === "get" ? `${path}?limit=abc` : path, token, method === "get" ? undefined : "not json");
          checked += 1;
          const code = /"code":"([a-z_]+)"/.exec(res.text)?.[1];
          if (res.status !== 401 || code !== "unauthorized")
            failures.push(`${res.status} ${code} ${method.toUpperCase()} ${template} token "${token.slice(0, 12)}"`);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});
