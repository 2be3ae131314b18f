import { describe, expect, it } from "vitest";
import { groupCpuByRole, minus, roleOf, ROLES, total, type ByRole } from "../bench/support/cpu";

// The command lines of a local system's processes, as `ps` shows them (2026-12-01).
const RUNTIME =
  "workerd serve --binary --experimental --socket-addr=entry=127.0.0.1:0 --external-addr=loopback=127.0.0.1:39567 --control-fd=3 - --inspector-addr=127.0.0.1:0 --debug-port=127.0.0.1:0";
const PROXY = "workerd serve --binary --experimental --socket-addr=entry=127.0.0.1:24064 --external-addr=loopback=127.0.0.1:38901 --control-fd=3 -";
const WRANGLER = "node --no-warnings /work/main/node_modules/wrangler/wrangler-dist/cli.js dev -c wrangler.toml --port 24064";

describe("the split of a local system's CPU by role", () => {
  it("tells the runtime (the workerd with an inspector) from wrangler's proxy and wrangler's node", () => {
    expect(roleOf("workerd", RUNTIME)).toBe("runtime");
    expect(roleOf("workerd", PROXY)).toBe("wrangler's proxy");
    expect(roleOf("node", WRANGLER)).toBe("wrangler (node)");
  });

  it("leaves out the launchers and the bundler's watcher, which do none of the system's work", () => {
    expect(roleOf("node", "node /work/main/scripts/dev.mjs")).toBeNull();
    expect(roleOf("node", "node /work/main/node_modules/wrangler/bin/wrangler.js dev -c wrangler.toml")).toBeNull();
    expect(roleOf("esbuild", "esbuild --service=0.28.2 --ping")).toBeNull();
  });

  it("adds and subtracts role by role", () => {
    const a = Object.fromEntries(ROLES.map((r, i) => [r, i + 1])) as ByRole;
    const b = Object.fromEntries(ROLES.map((r) => [r, 0.5])) as ByRole;
    expect(total(a)).toBe(10);
    expect(minus(a, b, 2)).toEqual(Object.fromEntries(ROLES.map((r, i) => [r, i])));
  });

  it("reads nothing for a process group with no processes, and this process's group as no system role", () => {
    // Process group 0 is never a user group.
    expect(total(groupCpuByRole(0)!)).toBe(0);
    // vitest's own group: node processes, none of them wrangler's.
    expect(groupCpuByRole(process.pid)!["wrangler (node)"]).toBe(0);
  });
});
