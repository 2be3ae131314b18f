import { describe, expect, it, vi } from "vitest";
import { withOwnerSecrets } from "./owner-secrets";

type Item = { id: string; parcel: boolean; code?: string };

/** The warning lines written while the spy is on (`warn.mockRestore()` ends it). */
function warnings() {
  const warned: string[] = [];
  const warn = vi.spyOn(console, "warn").mockImplementation((line: string) => void warned.push(line));
  return { warned, warn };
}

describe("withOwnerSecrets", () => {
  it("asks only the items that need it, all at once, and keeps the page's order", async () => {
    const asked: string[] = [];
    let open = 0;
    let most = 0;
    const items: Item[] = [
      { id: "a", parcel: true },
      { id: "b", parcel: false },
      { id: "c", parcel: true },
    ];
    const out = await withOwnerSecrets(
      items,
      (i) => i.parcel,
      async (i) => {
        asked.push(i.id);
        most = Math.max(most, ++open);
        await new Promise((r) => setTimeout(r, i.id === "a" ? 20 : 1));
        open -= 1;
        return { code: `code-${i.id}` };
      },
    );
    expect(asked).toEqual(["a", "c"]);
    expect(most).toBe(2);
    expect(out).toEqual([
      { id: "a", parcel: true, code: "code-a" },
      { id: "b", parcel: false },
      { id: "c", parcel: true, code: "code-c" },
    ]);
  });

  it("lists an item as it was when its object answers nothing or fails, logs the failure, and never fails itself", async () => {
    const { warned, warn } = warnings();
    const items: Item[] = [
      { id: "gone", parcel: true },
      { id: "down", parcel: true },
    ];
    const out = await withOwnerSecrets(
      items,
      () => true,
      async (i) => {
        if (i.id === "down") throw new Error("object unreachable");
        return null;
      },
    );
    warn.mockRestore();
    expect(out).toEqual(items);
    expect(warned.map((l) => JSON.parse(l) as unknown)).toEqual([{ msg: "owner secret unread", id: "down", error: "Error: object unreachable" }]);
  });

  it("lists an item as it was when its object does not answer within the bound, without waiting for it", async () => {
    const { warned, warn } = warnings();
    const items: Item[] = [
      { id: "hangs", parcel: true },
      { id: "quick", parcel: true },
    ];
    const started = Date.now();
    const out = await withOwnerSecrets(
      items,
      () => true,
      (i) => (i.id === "hangs" ? new Promise<never>(() => {}) : Promise.resolve({ code: "code-quick" })),
      50,
    );
    const tookMs = Date.now() - started;
    warn.mockRestore();
    expect(out).toEqual([
      { id: "hangs", parcel: true },
      { id: "quick", parcel: true, code: "code-quick" },
    ]);
    expect(tookMs).toBeGreaterThanOrEqual(45);
    expect(tookMs).toBeLessThan(1_000);
    const lines = warned.map((l) => JSON.parse(l) as { msg: string; id: string; error: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "owner secret unread", id: "hangs" });
    expect(lines[0]?.error).toMatch(/no answer within 50 ms/);
  });
});
