/**
 * Reads what the local system keeps on disk (bench/storage.ts): every SQLite file under a
 * state directory, named by store, and per D1 table the bytes of its pages and its indexes'.
 *
 * A D1 database is one SQLite file of `miniflare-D1DatabaseObject`, told apart by its tables
 * (`rides`: the views; `settlements`: the ledger; `notification_deliveries` without `rides`: the
 * notification database). A Durable Object is one file of
 * `<script>-<Class>`. Each file is copied first (with its write-ahead log) and read from the
 * copy, so the running system is never blocked or changed.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

/** Bytes by `store` ("D1 views", "D1 ledger", "object RIDE", …) and part (a table with its indexes, or "all"). */
export type StorageReading = Record<string, Record<string, number>>;

/** The suffix of a part that counts the bytes its pages hold, not the pages. */
export const IN_USE = "(in use)";

interface SqliteDatabase {
  prepare(sql: string): { all(...params: unknown[]): Record<string, unknown>[] };
  close(): void;
}
// node:sqlite by name at run time: the benchmark runs in Node 22, where it is built in.
const { DatabaseSync } = createRequire(import.meta.url)("node:sqlite") as { DatabaseSync: new (path: string) => SqliteDatabase };

function sqliteFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".sqlite"))
    .map((f) => join(dir, f));
}

/**
 * Bytes by table, each table's indexes counted with it (`dbstat`: the pages it uses, which is
 * what a database's size counts), and the same with the suffix " (in use)" for the bytes those
 * pages hold (whole pages move by 4 KiB; the bytes in use tell a small table's growth).
 */
function tablesOf(file: string): Record<string, number> {
  const scratch = mkdtempSync(join(tmpdir(), "storage-read-"));
  try {
    const copy = join(scratch, "db.sqlite");
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = new DatabaseSync(copy);
    try {
      const owners = new Map(
        db
          .prepare("SELECT name, tbl_name FROM sqlite_master")
          .all()
          .map((r) => [String(r.name), String(r.tbl_name)]),
      );
      const out: Record<string, number> = {};
      for (const r of db.prepare("SELECT name, sum(pgsize) AS bytes, sum(pgsize - unused) AS used FROM dbstat GROUP BY name").all()) {
        const table = owners.get(String(r.name)) ?? String(r.name);
        out[table] = (out[table] ?? 0) + Number(r.bytes);
        out[`${table} ${IN_USE}`] = (out[`${table} ${IN_USE}`] ?? 0) + Number(r.used);
      }
      return out;
    } finally {
      db.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * "D1 views", "D1 ledger", "D1 notifications" (each D1 database by a table only it has; the views
 * still hold an empty copy of the delivery log), or "object <Class>" for the object classes'
 * folders (`rides-gateway-RideDurableObject` → `object RideDurableObject`).
 */
function storeOf(file: string, tables: Record<string, number>): string {
  const folder = basename(dirname(file));
  if (folder === "miniflare-D1DatabaseObject")
    return "rides" in tables ? "D1 views" : "settlements" in tables ? "D1 ledger" : "notification_deliveries" in tables ? "D1 notifications" : "D1 other";
  return `object ${folder.slice(folder.lastIndexOf("-") + 1)}`;
}

/**
 * Every SQLite file under `persistDir`: a D1 database by table, an object class by its files' sum
 * (part "all") and how many files it has (part "files").
 *
 * @example
 * const before = storageOf(system.persistDir);
 */
export function storageOf(persistDir: string): StorageReading {
  const reading: StorageReading = {};
  for (const file of sqliteFiles(persistDir)) {
    if (statSync(file).size === 0) continue;
    const tables = tablesOf(file);
    const store = storeOf(file, tables);
    const into = (reading[store] ??= {});
    if (store.startsWith("D1 ")) for (const [t, b] of Object.entries(tables)) into[t] = (into[t] ?? 0) + b;
    else {
      const sum = (inUse: boolean) => Object.entries(tables).reduce((a, [t, b]) => (t.endsWith(IN_USE) === inUse ? a + b : a), 0);
      into.all = (into.all ?? 0) + sum(false);
      into[`all ${IN_USE}`] = (into[`all ${IN_USE}`] ?? 0) + sum(true);
      into.files = (into.files ?? 0) + 1;
    }
  }
  return reading;
}

export interface StoragePerRide {
  /** Per store and part (a D1 table, or an object class's files), bytes a ride: its pages, and for a D1 table the bytes they hold. */
  rows: { store: string; part: string; bytes: number; inUse?: number }[];
  /** Per store, bytes a ride (pages). */
  byStore: Record<string, number>;
}

/**
 * What `rides` rides added between two readings, per ride. An object class's "files" part is
 * a count, not bytes: it is left out of the sums. A part's bytes in use ride with it.
 *
 * @example
 * storageDelta({ "D1 views": { rides: 4096 } }, { "D1 views": { rides: 12288 } }, 2);
 * // { rows: [{ store: "D1 views", part: "rides", bytes: 4096 }], byStore: { "D1 views": 4096 } }
 */
export function storageDelta(before: StorageReading, after: StorageReading, rides: number): StoragePerRide {
  const rows: StoragePerRide["rows"] = [];
  const byStore: Record<string, number> = {};
  for (const store of Object.keys(after).sort()) {
    const grown = (part: string) => ((after[store]![part] ?? 0) - (before[store]?.[part] ?? 0)) / rides;
    for (const part of Object.keys(after[store]!).sort()) {
      if (part === "files" || part.endsWith(IN_USE)) continue;
      const bytes = grown(part);
      const inUse = `${part} ${IN_USE}` in after[store]! ? grown(`${part} ${IN_USE}`) : undefined;
      if (bytes === 0 && !inUse) continue;
      rows.push(inUse === undefined ? { store, part, bytes } : { store, part, bytes, inUse });
      byStore[store] = (byStore[store] ?? 0) + bytes;
    }
  }
  return { rows, byStore };
}
