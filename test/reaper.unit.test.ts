/**
 * A process group a test started is ended when the test's process is told to end (SIGTERM, as
 * vitest ends its workers and CI a cancelled job; SIGINT, Ctrl-C), which runs no `exit` handler:
 * a real child Node process, a real detached group, the signal sent by pid.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const reaper = resolve(import.meta.dirname, "support/reaper.ts");

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A Node process that starts a detached `sleep` group, hands it to the reaper and prints its id, then waits. */
async function holder(): Promise<{ pid: number; group: number; exited: Promise<number | null> }> {
  const script = join(mkdtempSync(join(tmpdir(), "reaper-")), "holder.ts");
  writeFileSync(
    script,
    `import { spawn } from "node:child_process";
import { reapWithProcess } from ${JSON.stringify(reaper)};
const child = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
reapWithProcess(child.pid);
console.log(child.pid);
setTimeout(() => {}, 60_000);
`,
  );
  const proc = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  const group = await new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("the holder printed no group")), 10_000);
    proc.stdout!.once("data", (b: Buffer) => (clearTimeout(timer), ok(Number(b.toString().trim()))));
  });
  return { pid: proc.pid!, group, exited };
}

describe("reapWithProcess", () => {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    it(`ends the group it was given when its process gets ${signal}`, async () => {
      const { pid, group, exited } = await holder();
      try {
        expect(groupAlive(group)).toBe(true);
        process.kill(pid, signal);
        expect(await exited).toBe(code);
        const deadline = Date.now() + 5_000;
        while (groupAlive(group) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(groupAlive(group)).toBe(false);
      } finally {
        for (const id of [-group, pid])
          try {
            process.kill(id, "SIGKILL");
          } catch {
            // gone, as it should be
          }
      }
    });
  }
});
