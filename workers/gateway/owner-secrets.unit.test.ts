import { describe, expect, it, vi } from "vitest";
import { withOwnerSecrets } from "./owner-secrets";

type Item = { id: string; parcel: boolean; code?: string };

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
    const warned: string[] = [];
    const warn = vi.spyOn(console, "warn").mockImplementation((line: string) => void warned.push(line));
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
});
