import { describe, expect, it } from "vitest";
import { within } from "./timeout";

describe("within", () => {
  it("passes an answer through, and fails a call that takes too long", async () => {
    expect(await within(100, Promise.resolve(7), "fast")).toBe(7);
    await expect(within(20, new Promise(() => undefined), "stuck call")).rejects.toThrow("stuck call: no answer within 20 ms");
    await expect(within(100, Promise.reject(new Error("no")), "failing")).rejects.toThrow("no");
  });
});
