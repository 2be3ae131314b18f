import { describe, expect, it } from "vitest";
import { AppError, isFault, PROBLEM_CODES, PROBLEM_STATUS } from "./problem";
import { problemPage, problemPages } from "./problem-catalog";

describe("the problem catalog", () => {
  it("has a page for every code, with its status, title, type and texts", () => {
    for (const code of PROBLEM_CODES) {
      const page = problemPage(code);
      expect(page.status).toBe(PROBLEM_STATUS[code]);
      expect(page.type).toBe(`/problems/${code}`);
      expect(page.title.length).toBeGreaterThan(3);
      expect(page.when.length).toBeGreaterThan(20);
      expect(page.action.length).toBeGreaterThan(10);
      expect(page.retryAdvice.length).toBeGreaterThan(10);
    }
    expect(problemPages().map((p) => p.code)).toHaveLength(PROBLEM_CODES.length);
  });

  it("tells to wait for Retry-After exactly for the codes the API sends it with", () => {
    const waits = PROBLEM_CODES.filter((c) => problemPage(c).retry === "after-retry-after");
    expect(waits.sort()).toEqual(["no_drivers_nearby", "rate_limited", "unavailable"]);
  });

  it("lists by status", () => {
    const statuses = problemPages().map((p) => p.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
  });
});

describe("a problem's type", () => {
  it("is the path of the code's page, the same in every environment", () => {
    const body = new AppError("trip_too_long", "325 km").toJSON();
    expect(body.type).toBe("/problems/trip_too_long");
    expect(body.status).toBe(422);
  });
});

describe("which answers are faults (an error line, an alert)", () => {
  it("every 5xx but a rider turned away from an area with no supply; no 4xx", () => {
    const faults = PROBLEM_CODES.filter((code) => isFault(new AppError(code, "x")));
    expect(faults.sort()).toEqual(["internal", "unavailable"]);
    expect(isFault(new AppError("no_drivers_nearby", "x", { retryAfterSeconds: 30 }))).toBe(false);
  });
});
