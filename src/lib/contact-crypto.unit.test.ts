import { describe, expect, it } from "vitest";
import { normalizeKoreanMobile, openPhone, phoneHint, sealPhone } from "./contact-crypto";

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
});
