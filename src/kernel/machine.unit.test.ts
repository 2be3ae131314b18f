import { describe, expect, it } from "vitest";
import { setsTimer } from "./machine";

describe("setsTimer: whether a commit's timer change sets its timer", () => {
  it("a plain set always sets; a clear never does (the base clears it)", () => {
    expect(setsTimer({ name: "t", at: 50 }, null)).toBe(true);
    expect(setsTimer({ name: "t", at: 50 }, 10)).toBe(true);
    expect(setsTimer({ name: "t", at: 50 }, 90)).toBe(true);
    expect(setsTimer({ name: "t", at: null }, 90)).toBe(false);
  });

  it("ifUnset sets only a timer not set", () => {
    expect(setsTimer({ name: "t", at: 50, ifUnset: true }, null)).toBe(true);
    expect(setsTimer({ name: "t", at: 50, ifUnset: true }, 90)).toBe(false);
    expect(setsTimer({ name: "t", at: 50, ifUnset: true }, 10)).toBe(false);
  });

  it("ifEarlier sets a timer not set, or brings one forward, never moves it later", () => {
    expect(setsTimer({ name: "t", at: 50, ifEarlier: true }, null)).toBe(true);
    expect(setsTimer({ name: "t", at: 50, ifEarlier: true }, 90)).toBe(true);
    expect(setsTimer({ name: "t", at: 50, ifEarlier: true }, 50)).toBe(false);
    expect(setsTimer({ name: "t", at: 50, ifEarlier: true }, 10)).toBe(false);
  });
});
