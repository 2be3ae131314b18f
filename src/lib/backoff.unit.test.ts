import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "./backoff";

describe("queue retry delay", () => {
  it("doubles from 2 s and stops at 5 minutes", () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([2, 4, 8, 16]);
    expect(retryDelaySeconds(0)).toBe(2);
    expect(retryDelaySeconds(20)).toBe(300);
  });
});
