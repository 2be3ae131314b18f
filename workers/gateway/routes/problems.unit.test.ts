/** GET /problems and /problems/{code} through the whole app (headers, errors), no binding touched. */
import { describe, expect, it } from "vitest";
import { PROBLEM_CODES } from "../../../src/lib/problem";
import { createApp } from "../app";

const app = createApp();
const env = { ENVIRONMENT: "production", RATE_LIMITS: "off" } as unknown as Env;
const get = (path: string, accept?: string) => app.request(path, { headers: accept ? { accept } : {} }, env);

describe("GET /problems/{code}", () => {
  it("an unknown code is a 404 problem whose own type is a page that exists", async () => {
    const res = await get("/problems/no_such_code", "application/json");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as { code: string; type: string };
    expect(body.code).toBe("not_found");
    expect((await get(body.type)).status).toBe(200);
  });

  it("answers every code as HTML, with no script, under the API's CSP", async () => {
    for (const code of PROBLEM_CODES) {
      const res = await get(`/problems/${code}`, "text/html,application/xhtml+xml,*/*");
      expect(res.status, code).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      const html = await res.text();
      expect(html).toContain(`<code>${code}</code>`);
      expect(html).not.toContain("<script");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
  });

  it("answers JSON for Accept: application/json, with the endpoints the document declares", async () => {
    const res = await get("/problems/handover_code_mismatch", "application/json");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: number; retry: string; endpoints: string[] };
    expect(body.status).toBe(409);
    expect(body.retry).toBe("after-fixing");
    expect(body.endpoints).toEqual(["POST /v1/rides/{id}/complete"]);
    const limited = (await (await get("/problems/rate_limited", "application/json")).json()) as { endpoints: string[] };
    expect(limited.endpoints).toContain("POST /v1/rides");
  });

  it("escapes what it shows: a code in the path is never echoed as HTML", async () => {
    const res = await get("/problems/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("<script>");
  });
});

describe("GET /problems", () => {
  it("lists every code, linking its page", async () => {
    const html = await (await get("/problems")).text();
    for (const code of PROBLEM_CODES) expect(html).toContain(`href="/problems/${code}"`);
    const json = (await (await get("/problems", "application/json")).json()) as { items: { code: string }[] };
    expect(json.items.map((i) => i.code).sort()).toEqual([...PROBLEM_CODES].sort());
  });
});

describe("anonymous traffic", () => {
  it("is limited per address like /docs (the document declares the 429)", async () => {
    const limited = { ...env, RATE_LIMITS: "on", IP_LIMITER: { limit: async () => ({ success: false }) } } as unknown as Env;
    for (const path of ["/problems", "/problems/not_found"]) {
      const res = await app.request(path, { headers: { "cf-connecting-ip": "203.0.113.9" } }, limited);
      expect(res.status, path).toBe(429);
      expect(res.headers.get("retry-after")).toBeTruthy();
    }
  });
});
