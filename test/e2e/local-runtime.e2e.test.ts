/**
 * The runner behind `npm run dev` (scripts/local-runtime.mjs), on a worker of its own in a
 * temporary folder: it serves from one workerd process, takes a changed source without being
 * restarted itself, keeps serving the last good bundle while a change does not build, and makes every
 * isolate collect once the runtime is quiet after work (scripts/idle-collector.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerdRoles } from "../../bench/runtime-memory";
import { eventually } from "../support/client";
import { freePort } from "../support/system";

const root = resolve(import.meta.dirname, "../..");
let dir: string;
let child: ChildProcess;
let base: string;
const output: string[] = [];

const worker = (answer: string) => `export default { fetch() { return new Response(${JSON.stringify(answer)}); } };\n`;
const answer = async () => (await fetch(base)).text();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "local-runtime-"));
  writeFileSync(join(dir, "wrangler.toml"), `name = "reload-probe"\nmain = "index.js"\ncompatibility_date = "2026-07-01"\n`);
  writeFileSync(join(dir, "index.js"), worker("one"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}/`;
  const localNode = resolve(root, "node_modules/.bin/node");
  child = spawn(existsSync(localNode) ? localNode : process.execPath, [resolve(root, "scripts/local-runtime.mjs"), "--port", String(port), "--persist-to", join(dir, "state"), join(dir, "wrangler.toml")], {
    cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, IDLE_COLLECT_S: "2" },
  });
  child.stdout?.on("data", (b: Buffer) => output.push(b.toString()));
  child.stderr?.on("data", (b: Buffer) => output.push(b.toString()));
  await eventually(() => answer().catch(() => undefined), `the runner on ${base}`, 60_000, 300);
});

afterAll(async () => {
  if (child?.pid) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
    for (let i = 0; i < 100 && child.exitCode === null && child.signalCode === null; i++) await sleep(100);
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run dev's runner", () => {
  it("serves from one workerd process, the runtime with its inspector, and no proxy in front", () => {
    const roles = workerdRoles(child.pid!);
    expect(roles.runtime).toHaveLength(1);
    expect(roles.proxy).toEqual([]);
  });

  it("makes every isolate collect its garbage once the runtime is quiet after work, and not again while it stays quiet", async () => {
    const collections = () => output.join("").match(/full garbage collection in (\d+) of (\d+) isolates/g) ?? [];
    const before = collections().length;
    const started = Date.now();
    // work: more than the 2 s of CPU the collector waits for
    while (Date.now() - started < 8000) await Promise.all(Array.from({ length: 20 }, () => answer()));
    await eventually(async () => (collections().length > before ? true : undefined), "a collection after the work", 30_000, 250);
    const [, collected, isolates] = /in (\d+) of (\d+)/.exec(collections().at(-1)!)!;
    expect(Number(isolates)).toBeGreaterThan(0);
    expect(collected).toBe(isolates);
    const after = collections().length;
    await sleep(6000);
    expect(collections().length).toBe(after);
  });

  it("takes a changed source without being restarted itself, and keeps the last good bundle while a change does not build", async () => {
    expect(await answer()).toBe("one");
    writeFileSync(join(dir, "index.js"), worker("two"));
    await eventually(async () => ((await answer()) === "two" ? true : undefined), "the changed worker", 20_000, 200);

    // a change that does not build: reported, and no reload (the runtime's process stays the same)
    const reloads = () => output.join("").split("local runtime: reloaded").length;
    const [reloadsBefore, runtimeBefore, seen] = [reloads(), workerdRoles(child.pid!).runtime, output.length];
    writeFileSync(join(dir, "index.js"), "export default { fetch() { return new Response( };\n");
    await eventually(async () => (output.slice(seen).join("").includes("ERROR") ? true : undefined), "the build error reported", 20_000, 200);
    await sleep(1500);
    expect(await answer()).toBe("two");
    expect(reloads()).toBe(reloadsBefore);
    expect(workerdRoles(child.pid!).runtime).toEqual(runtimeBefore);

    writeFileSync(join(dir, "index.js"), worker("three"));
    await eventually(async () => ((await answer()) === "three" ? true : undefined), "the mended worker", 20_000, 200);
    expect(child.exitCode).toBeNull();
    expect(workerdRoles(child.pid!)).toEqual({ runtime: [expect.any(Number)], proxy: [] });
  });
});
