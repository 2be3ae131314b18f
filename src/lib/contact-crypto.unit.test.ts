import { describe, expect, it } from "vitest";
import { normalizeKoreanMobile, openFor, openPhone, phoneHint, sealFor, sealPhone } from "./contact-crypto";

describe("contact crypto", () => {
  it("normalizes Korean mobile numbers and refuses others", () => {
    expect(normalizeKoreanMobile("010-1234-5678")).toBe("+821012345678");
    expect(normalizeKoreanMobile("+82 10 1234 5678")).toBe("+821012345678");
    expect(normalizeKoreanMobile("02-123-4567")).toBeNull();
    expect(normalizeKoreanMobile("4242424242424242")).toBeNull();
  });

  it("seals so the number is not readable, and opens only with the same key", async () => {
    const sealed = await sealPhone("key-one", "+821012345678");
    expect(sealed).not.toContain("1012345678");
    expect(await openPhone("key-one", sealed)).toBe("+821012345678");
    await expect(openPhone("key-two", sealed)).rejects.toThrow();
    expect(await sealPhone("key-one", "+821012345678")).not.toBe(sealed);
    expect(phoneHint("+821012345678")).toBe("***-****-5678");
  });

  it("a phone sealed before sealed values were bound to anything still opens (its format and key unchanged)", async () => {
    // Sealed by sealPhone as of 675c04f, under "key-one".
    expect(await openPhone("key-one", "UwhEbAbUJPscSdf7.5cQbyE7x5Vk/TbM1QurrUGHbO7P3rVbHfeKp5CY=")).toBe("+821012345678");
  });

  it("a secret sealed for one purpose of one item opens for those only: not another item, purpose or key, not as a phone, not changed", async () => {
    const sealed = await sealFor("key-one", "handover", "rd_1", "4821");
    expect(await openFor("key-one", "handover", "rd_1", sealed)).toBe("4821");
    await expect(openFor("key-one", "handover", "rd_2", sealed)).rejects.toThrow();
    await expect(openFor("key-one", "unlock", "rd_1", sealed)).rejects.toThrow();
    await expect(openFor("key-two", "handover", "rd_1", sealed)).rejects.toThrow();
    await expect(openPhone("key-one", sealed)).rejects.toThrow();
    await expect(openFor("key-one", "handover", "rd_1", await sealPhone("key-one", "4821"))).rejects.toThrow();
    const [iv, data] = sealed.split(".");
    const flipped = `${iv}.${data!.startsWith("A") ? "B" : "A"}${data!.slice(1)}`; // the first 6 bits of the ciphertext changed
    await expect(openFor("key-one", "handover", "rd_1", flipped)).rejects.toThrow();
    // Bound to nothing is not bound: refused, never sealed as a phone would be.
    await expect(sealFor("key-one", "handover", "", "4821")).rejects.toThrow(/bound to a purpose and an item/);
    await expect(sealFor("key-one", "", "rd_1", "4821")).rejects.toThrow(/bound to a purpose and an item/);
  });
});
