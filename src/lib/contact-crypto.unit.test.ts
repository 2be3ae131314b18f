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

  it("a secret sealed for one item opens for that item only: not for another, not under another key, not as a phone", async () => {
    const sealed = await sealFor("key-one", "rd_1", "4821");
    expect(sealed).not.toContain("4821");
    expect(await openFor("key-one", "rd_1", sealed)).toBe("4821");
    await expect(openFor("key-one", "rd_2", sealed)).rejects.toThrow();
    await expect(openFor("key-two", "rd_1", sealed)).rejects.toThrow();
    await expect(openPhone("key-one", sealed)).rejects.toThrow();
    const [iv, data] = sealed.split(".");
    const flipped = `${iv}.${data!.startsWith("A") ? "B" : "A"}${data!.slice(1)}`; // the first 6 bits of the ciphertext changed
    await expect(openFor("key-one", "rd_1", flipped)).rejects.toThrow();
  });
});
