/** `npm run views:rebuild`: its arguments, its token (the gateway's own check accepts it), and its walk over the pages. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verify } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { devSecret, mintToken, opsToken, parseArgs, rebuildAll } from "../scripts/views-rebuild.ts";

const SECRET = "a-local-secret-of-enough-length";

describe("views:rebuild", () => {
  it("takes the base URL from --base-url, else BASE_URL, else the local default", () => {
    expect(parseArgs([], {})).toEqual({ baseUrl: "http://127.0.0.1:8787", limit: 20, cursor: null });
    expect(parseArgs([], { BASE_URL: "https://api.example.com/" }).baseUrl).toBe("https://api.example.com");
    expect(parseArgs(["--base-url", "http://localhost:9000", "--limit=50", "--cursor", "abc"], { BASE_URL: "x" })).toEqual({
      baseUrl: "http://localhost:9000",
      limit: 50,
      cursor: "abc",
    });
    expect(() => parseArgs(["--limit", "500"], {})).toThrow(/--limit/);
  });

  it("mints an HS256 ops token the gateway's verification accepts", async () => {
    const token = mintToken(SECRET, { sub: "views-rebuild", role: "ops" });
    const payload = await verify(token, SECRET, "HS256");
    expect(payload).toMatchObject({ sub: "views-rebuild", role: "ops" });
    expect(payload.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it("uses OPS_TOKEN, else JWT_SECRET, else the local .dev.vars", async () => {
    expect(opsToken({ OPS_TOKEN: "given" })).toBe("given");
    const dir = mkdtempSync(join(tmpdir(), "rebuild-"));
    expect(() => opsToken({}, dir)).toThrow(/OPS_TOKEN/);
    writeFileSync(join(dir, ".dev.vars"), `# generated\nENVIRONMENT="development"\nJWT_SECRET=${JSON.stringify(SECRET)}\n`);
    expect(devSecret(`JWT_SECRET="${SECRET}"`)).toBe(SECRET);
    expect(await verify(opsToken({}, dir), SECRET, "HS256")).toMatchObject({ role: "ops" });
  });

  it("calls the rebuild endpoint page by page until there is no next cursor, retrying a failed page", async () => {
    const bodies: unknown[] = [];
    let calls = 0;
    const pages = [
      { rebuilt: 2, missing: [], failed: [], nextCursor: "c1" },
      { rebuilt: 1, missing: ["rd_gone"], failed: [], nextCursor: null },
    ];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      calls += 1;
      if (calls === 2) return new Response("overloaded", { status: 503 });
      bodies.push(JSON.parse(String(init.body)));
      return Response.json(pages[bodies.length - 1]);
    }) as unknown as typeof fetch;
    const totals = await rebuildAll({ baseUrl: "http://x", token: "t", limit: 20, cursor: null, fetch: fakeFetch, retryDelayMs: 1 });
    expect(totals).toEqual({ pages: 2, rebuilt: 3, missing: ["rd_gone"], failed: [] });
    expect(bodies).toEqual([{ limit: 20 }, { cursor: "c1", limit: 20 }]);
  });

  it("a refused request stops at once, naming the cursor to resume from", async () => {
    const fakeFetch = (async () => new Response('{"title":"forbidden"}', { status: 403 })) as unknown as typeof fetch;
    await expect(rebuildAll({ baseUrl: "http://x", token: "t", limit: 20, cursor: "c7", fetch: fakeFetch, retryDelayMs: 1 })).rejects.toThrow(
      /HTTP 403[\s\S]*--cursor c7/,
    );
  });
});
