import { afterEach, describe, expect, it, vi } from "vitest";
import { RunLog } from "./run-log";

describe("one log line per consumer run", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs every item of a run on one line, and nothing for a run that handled none", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const run = new RunLog<{ rideId: string; correlationId: string }>("payment steps");
    run.flush();
    expect(lines).toEqual([]);
    run.add({ rideId: "r1", correlationId: "c1" });
    run.add({ rideId: "r2", correlationId: "c2" });
    run.flush();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      msg: "payment steps",
      count: 2,
      items: [
        { rideId: "r1", correlationId: "c1" },
        { rideId: "r2", correlationId: "c2" },
      ],
    });
    // A second flush starts again: what was logged is not logged twice.
    run.flush();
    expect(lines).toHaveLength(1);
  });
});
