/** The notification worker's phone lookup (deps.ts) over the real views migrations: a number that cannot be opened is said, never shown. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { sealPhone } from "../../src/lib/contact-crypto";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { phoneLookup } from "./deps";

const KEY = "contact-key-0123456789abcdef0123";
const PHONE = "+821012345678";

async function viewsWith(contacts: string[]) {
  const db = await sqliteD1("migrations/views");
  for (const userId of contacts) {
    await db
      .prepare("INSERT INTO contacts (user_id, phone_sealed, phone_hint, updated_at) VALUES (?1, ?2, '5678', '2026-12-05T00:00:00Z')")
      .bind(userId, await sealPhone(KEY, PHONE))
      .run();
  }
  return db as unknown as D1Database;
}

afterEach(() => vi.restoreAllMocks());

describe("the phone lookup", () => {
  it("opens a number with the key it was sealed with; none on file is null, and nothing is said", async () => {
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const phoneOf = phoneLookup({ VIEWS_DB: await viewsWith(["r1"]), CONTACT_KEY: KEY });
    expect(await phoneOf("r1")).toBe(PHONE);
    expect(await phoneOf("r_none")).toBeNull();
    expect(warnings).not.toHaveBeenCalled();
  });

  it("a number it cannot open (no key, or another one) is null and said once a run, without the number", async () => {
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const views = await viewsWith(["r1", "r2"]);
    const rotated = phoneLookup({ VIEWS_DB: views, CONTACT_KEY: "another-key-0123456789abcdef01234" });
    expect([await rotated("r1"), await rotated("r2")]).toEqual([null, null]);
    const missing = phoneLookup({ VIEWS_DB: views, CONTACT_KEY: "" });
    expect(await missing("r1")).toBeNull();
    const lines = warnings.mock.calls.map((c) => String(c[0]));
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { msg: "contact could not be opened", keySet: true },
      { msg: "contact could not be opened", keySet: false },
    ]);
    expect(lines.join("")).not.toContain("1012345678");
  });
});
