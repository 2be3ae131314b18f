/** `Causing`: the running command's correlation id, for its calls to other objects, and nothing outside it. */
import { describe, expect, it } from "vitest";
import { Causing } from "./causing";

describe("Causing", () => {
  it("names the command's id while it runs, across its awaits, and none after", async () => {
    const causing = new Causing();
    const seen: (string | null)[] = [];
    await causing.under("req-7", async () => {
      seen.push(causing.now);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(causing.now);
    });
    expect([...seen, causing.now]).toEqual(["req-7", "req-7", null]);
  });

  it("a work that throws leaves no id behind; a nested one gives back the outer's", async () => {
    const causing = new Causing();
    await expect(causing.under("req-1", async () => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    expect(causing.now).toBeNull();
    await causing.under("req-outer", async () => {
      await causing.under("req-inner", async () => expect(causing.now).toBe("req-inner"));
      expect(causing.now).toBe("req-outer");
    });
  });

  it("no request (a timer, an empty id) is none: the object's own id is used", async () => {
    const causing = new Causing();
    await causing.under("", async () => expect(causing.now).toBeNull());
    await causing.under(null, async () => expect(causing.now).toBeNull());
  });
});
