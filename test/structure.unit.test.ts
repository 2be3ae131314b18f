/**
 * The shape issue 12 asked for, kept so: every Durable Object class builds on the one
 * base, objects are named in one module, aggregates stay thin, and no file grows past
 * what one reader holds in mind.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
/** Written by tools, never by hand (`npm run types`, `npm run client:types`). */
const GENERATED = (path: string) => path.endsWith("env.d.ts") || path.endsWith(join("src", "client", "api.d.ts"));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") && !GENERATED(path) ? [relative(root, path)] : [];
  });
}

const files = [...sources(join(root, "src")), ...sources(join(root, "workers"))];
const text = (file: string) => readFileSync(join(root, file), "utf8");
const lines = (file: string) => text(file).split("\n").length - (text(file).endsWith("\n") ? 1 : 0);

describe("structure", () => {
  it("every Durable Object class extends the one base (StoredObject, or AggregateObject on it, or a base on AggregateObject)", () => {
    const classes = files.flatMap((f) =>
      [...text(f).matchAll(/^export (?:abstract )?class (\w+)\b.*? extends (\w+)</gm)].map((m) => ({ file: f, name: m[1]!, base: m[2]! })),
    );
    const objects = classes.filter((c) => /DurableObject$/.test(c.name));
    expect(objects.length).toBeGreaterThanOrEqual(5);
    // Bases that add to the aggregate base (the ride owners' history: src/durable-objects/owner.ts; the
    // ride's let-go ledger rows: ./ride-ledger.ts), never one beside it.
    const onAggregate = classes.filter((c) => c.base === "AggregateObject" && !/DurableObject$/.test(c.name)).map((c) => c.name);
    expect(onAggregate.sort()).toEqual(["RideLedgerObject", "RideOwnerObject"]);
    for (const o of objects) expect(["StoredObject", "AggregateObject", ...onAggregate], `${o.file}: ${o.name}`).toContain(o.base);
    expect(classes.find((c) => c.name === "AggregateObject")?.base).toBe("StoredObject");
    expect(files.filter((f) => /extends DurableObject</.test(text(f)))).toEqual(["src/durable-objects/stored-object.ts"]);
  });

  it("a worker's entry exports only its handlers and classes: workerd takes every named export for an entrypoint", () => {
    const entries = files.filter((f) => /^workers\/[^/]+\/index\.ts$/.test(f));
    expect(entries.length).toBeGreaterThanOrEqual(4);
    for (const entry of entries) expect(text(entry), entry).not.toMatch(/^export (const|let|function|async function|type|interface) /m);
  });

  it("names objects only in the stubs module", () => {
    expect(files.filter((f) => /\.idFromName\(/.test(text(f)))).toEqual(["src/durable-objects/stubs.ts"]);
  });

  it("keeps the aggregates thin and every file under 300 lines", () => {
    expect(lines("src/durable-objects/ride.ts")).toBeLessThanOrEqual(200);
    expect(lines("src/durable-objects/driver.ts")).toBeLessThanOrEqual(150);
    expect(files.filter((f) => lines(f) > 300)).toEqual([]);
  });
});
