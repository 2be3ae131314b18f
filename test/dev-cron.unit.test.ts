import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cronsOf, minuteMatches } from "../scripts/dev-cron.mjs";

describe("the local run's cron ticker", () => {
  it("reads the gateway's production crons, not staging's", () => {
    expect(cronsOf(readFileSync("wrangler.toml", "utf8"))).toEqual(["*/10 * * * *", "* * * * *"]);
    expect(cronsOf('name = "x"\n[triggers]\ncrons = ["0 3 * * *"]\n[env.staging.triggers]\ncrons = ["* * * * *"]\n')).toEqual(["0 3 * * *"]);
    expect(cronsOf('name = "x"\n')).toEqual([]);
  });

  it("fires a cron in the minutes its pattern names", () => {
    expect([0, 1, 10, 59].map((m) => minuteMatches("* * * * *", m))).toEqual([true, true, true, true]);
    expect([0, 5, 10, 20, 21].map((m) => minuteMatches("*/10 * * * *", m))).toEqual([true, false, true, true, false]);
    expect([0, 30, 31].map((m) => minuteMatches("30 * * * *", m))).toEqual([false, true, false]);
  });
});
