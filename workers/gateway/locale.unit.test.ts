import { describe, expect, it } from "vitest";
import { localeFrom } from "./locale";

describe("localeFrom", () => {
  it("is ko when no supported language is named, or nothing is sent", () => {
    for (const header of [undefined, "", "fr-FR,fr;q=0.9", "*", "english", "eng", "kor"]) expect(localeFrom(header), String(header)).toBe("ko");
  });

  it("takes the supported language ranked highest, not only the first tag", () => {
    expect(localeFrom("en-US,en;q=0.9")).toBe("en");
    expect(localeFrom("ko-KR,ko;q=0.9,en;q=0.8")).toBe("ko");
    expect(localeFrom("fr-FR,fr;q=0.9,en;q=0.8")).toBe("en");
    expect(localeFrom("ko;q=0.1,en;q=0.9")).toBe("en");
    expect(localeFrom("EN-gb; q=0.5, ja")).toBe("en");
  });

  it("keeps the order given between equal ranks, and skips q=0 and malformed ranks", () => {
    expect(localeFrom("en,ko")).toBe("en");
    expect(localeFrom("ko,en")).toBe("ko");
    expect(localeFrom("en;q=0,ko;q=0.1")).toBe("ko");
    expect(localeFrom("en;q=abc,fr")).toBe("ko");
    expect(localeFrom("ko;q=2,en;q=0.5")).toBe("en");
  });
});
