/**
 * The on-call runbook (docs/RUNBOOK.md) stays true to the code: every structured log line the
 * system writes (`{ msg: "…" }` in src/ and workers/) has its entry, a `#### \`msg\`` heading,
 * and every entry names a line the code still writes. A new line without an entry, or a line
 * renamed under the runbook's feet, fails here rather than at 3 a.m.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") && !path.endsWith("env.d.ts") ? [path] : [];
  });
}

/**
 * How the code names a log line: a `msg` field; the ride effects' `log("…")` helper; a
 * `RunLog`'s name (one summary line a consumer run); the `what` of `failedOf`.
 */
const LOG_LINE = [/\bmsg:\s*"([^"]+)"/g, /(?<![.\w])log\("([^"]+)"/g, /new RunLog<.*?>\("([^"]+)"\)/g, /failedOf\([^;]*?,\s*"([^"]+)"\)/gs];

/** Every `msg` a log line of the code carries. */
function logLines(): Set<string> {
  const found = new Set<string>();
  for (const file of [...sources(join(root, "src")), ...sources(join(root, "workers"))]) {
    const text = readFileSync(file, "utf8");
    for (const pattern of LOG_LINE) for (const m of text.matchAll(pattern)) found.add(m[1]!);
  }
  return found;
}

/** The runbook's entries: the msg of each `#### \`…\`` heading. */
function entries(): string[] {
  const text = readFileSync(join(root, "docs", "RUNBOOK.md"), "utf8");
  return [...text.matchAll(/^#### `([^`]+)`/gm)].map((m) => m[1]!);
}

describe("the on-call runbook", () => {
  it("has an entry for every log line the code writes", () => {
    const lines = logLines();
    expect(lines.size).toBeGreaterThan(40);
    const listed = new Set(entries());
    expect([...lines].filter((msg) => !listed.has(msg)).sort()).toEqual([]);
  });

  it("names no line the code no longer writes, and each once", () => {
    const lines = logLines();
    const listed = entries();
    expect(listed.filter((msg) => !lines.has(msg))).toEqual([]);
    expect(listed.filter((msg, i) => listed.indexOf(msg) !== i)).toEqual([]);
  });
});
