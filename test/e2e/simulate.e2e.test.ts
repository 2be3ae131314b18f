/**
 * `npm run simulate` as a user runs it, CI-sized: a 20-second city (10 drivers, λ = 1/s, short
 * trips) on a local system the simulator starts and stops itself (`--start`). The report it
 * writes must keep its invariants: every accepted ride ended or accounted for, every request
 * answered, riders served, no offer to a driver silent past the freshness window; and its
 * schedule is the one a dry run of the same seed prints.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const localNode = resolve(root, "node_modules/.bin/node");
const node = existsSync(localNode) ? localNode : process.execPath;
const dir = mkdtempSync(join(tmpdir(), "simulate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs bench/simulate.ts with `args`; resolves with its exit code and output. */
function simulate(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(node, [resolve(root, "bench/simulate.ts"), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    // SIGINT twice: the simulator stops its system by process group before it exits
    const timer = setTimeout(() => {
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGINT"), 5_000);
    }, timeoutMs);
    child.on("error", fail);
    child.on("exit", (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

const CITY = [
  "--seed",
  "11",
  "--drivers",
  "10",
  "--rate",
  "1",
  "--minutes",
  "0.33",
  "--silent-share",
  "0.2",
  "--cancel-share",
  "0.15",
  "--declined-share",
  "0.1",
];

describe("npm run simulate", () => {
  it("runs a small city on a system of its own and writes a report that keeps its invariants", { timeout: 170_000 }, async () => {
    const dry = await simulate([...CITY, "--dry-run"], 20_000);
    expect(dry.code, dry.output).toBe(0);
    const hash = /schedule ([0-9a-f]{16})/.exec(dry.output)?.[1];
    expect(hash, dry.output).toBeDefined();

    const out = join(dir, "report.json");
    const run = await simulate([...CITY, "--start", "--freshness-s", "8", "--pause-scale", "0.3", "--drain-s", "20", "--out", out], 160_000);
    expect(run.code, run.output.slice(-4000)).toBe(0);
    expect(run.output).toContain(`schedule ${hash}`);
    expect(run.output).toMatch(/\| waiting \d+ \| assigned \d+ \| completed \d+/); // the live line
    expect(existsSync(out), run.output.slice(-2000)).toBe(true);
    const report = JSON.parse(readFileSync(out, "utf8")) as {
      schedule: { hash: string };
      requests: { scheduled: number; sent: number; accepted: number; refusedTotal: number };
      outcomes: Record<string, number>;
      servedShare: number;
      dispatchMs: { n: number; p50: number };
      reports: { accepted: number };
      drivers: { online: number; offersSilentPastFreshness: number };
      invariantsBroken: string[];
    };
    expect(report.schedule.hash).toBe(hash);
    expect(report.invariantsBroken).toEqual([]);
    expect(report.requests.sent).toBe(report.requests.scheduled);
    expect(report.requests.accepted + report.requests.refusedTotal).toBe(report.requests.sent);
    expect(Object.values(report.outcomes).reduce((a, b) => a + b, 0)).toBe(report.requests.accepted);
    expect(report.outcomes.unknown).toBe(0);
    expect(report.requests.accepted).toBeGreaterThan(0);
    expect(report.servedShare).toBeGreaterThan(0);
    expect(report.dispatchMs.n).toBeGreaterThan(0);
    expect(report.reports.accepted).toBeGreaterThan(0);
    expect(report.drivers.online).toBe(10);
    expect(report.drivers.offersSilentPastFreshness).toBe(0);
  });
});
