import { describe, expect, it } from "vitest";
import { fail, ok } from "../lib/problem";
import { afterReport } from "./result-delivery";

describe("afterReport", () => {
  it("is done once the ride took the result, or had already moved past it", () => {
    expect(afterReport(ok({}))).toBe("done");
    expect(afterReport(fail("invalid_transition", "already captured"))).toBe("done");
  });
  it("drops a result for a ride that does not exist", () => {
    expect(afterReport(fail("not_found", "no such ride"))).toBe("drop");
  });
  it("retries anything else", () => {
    expect(afterReport(fail("unavailable", "overloaded"))).toBe("retry");
    expect(afterReport(fail("internal", "boom"))).toBe("retry");
  });
});
