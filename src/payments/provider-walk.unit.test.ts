import { describe, expect, it } from "vitest";
import { FIRST_SPAN_S, MAX_SPAN_S, walkOn, walkWindow, type CreatedWindow } from "./provider-walk";

const TOP = 1_700_000_000;
const BOTTOM = TOP - 8 * 86_400;
const whole = (listed: number) => ({ listed, limit: 500, complete: true });
const part = { listed: 500, limit: 500, complete: false };

describe("walkWindow", () => {
  it("starts from the newest old enough: no walk, a walk ahead of the top, a walk at or past the bottom", () => {
    const first = { fromS: TOP - FIRST_SPAN_S, beforeS: TOP };
    expect(walkWindow(null, TOP, BOTTOM)).toEqual(first);
    expect(walkWindow({ beforeS: TOP + 10, spanS: 60 }, TOP, BOTTOM)).toEqual(first);
    expect(walkWindow({ beforeS: BOTTOM, spanS: 60 }, TOP, BOTTOM)).toEqual(first);
  });

  it("goes on from the walk, and never below the bottom", () => {
    expect(walkWindow({ beforeS: TOP - 100, spanS: 60 }, TOP, BOTTOM)).toEqual({ fromS: TOP - 160, beforeS: TOP - 100 });
    expect(walkWindow({ beforeS: BOTTOM + 10, spanS: 60 }, TOP, BOTTOM)).toEqual({ fromS: BOTTOM, beforeS: BOTTOM + 10 });
  });
});

describe("walkOn", () => {
  const window: CreatedWindow = { fromS: TOP - 100, beforeS: TOP };

  it("a window read in part is read again at half the span; a one-second one is passed", () => {
    expect(walkOn(window, part, BOTTOM)).toEqual({ beforeS: TOP, spanS: 50 });
    expect(walkOn({ fromS: TOP - 1, beforeS: TOP }, part, BOTTOM)).toEqual({ beforeS: TOP - 1, spanS: 1 });
  });

  it("a window read whole moves the walk past it: twice the span when sparse, the same when dense, at most a day", () => {
    expect(walkOn(window, whole(10), BOTTOM)).toEqual({ beforeS: TOP - 100, spanS: 200 });
    expect(walkOn(window, whole(300), BOTTOM)).toEqual({ beforeS: TOP - 100, spanS: 100 });
    expect(walkOn({ fromS: TOP - MAX_SPAN_S, beforeS: TOP }, whole(0), BOTTOM)).toEqual({ beforeS: TOP - MAX_SPAN_S, spanS: MAX_SPAN_S });
  });

  it("ends at the bottom, read whole", () => {
    expect(walkOn({ fromS: BOTTOM, beforeS: BOTTOM + 10 }, whole(3), BOTTOM)).toBeNull();
    expect(walkOn({ fromS: BOTTOM, beforeS: BOTTOM + 10 }, part, BOTTOM)).toEqual({ beforeS: BOTTOM + 10, spanS: 5 });
  });

  it("a walk always reaches the bottom: 1,000 holds a second for an hour, then none, read 500 a run", () => {
    const holdsIn = (w: CreatedWindow) => {
      const from = Math.max(w.fromS, TOP - 3_600);
      return Math.max(0, w.beforeS - from) * 1_000;
    };
    let walk = null as ReturnType<typeof walkOn>;
    let runs = 0;
    do {
      const w = walkWindow(walk, TOP, BOTTOM);
      const n = holdsIn(w);
      walk = walkOn(w, { listed: Math.min(n, 500), limit: 500, complete: n <= 500 }, BOTTOM);
      runs += 1;
    } while (walk && runs < 20_000);
    expect(walk).toBeNull();
    // The dense hour, a second (1,000 holds, more than a listing) a run, and then the rest quickly.
    expect(runs).toBeGreaterThan(3_600);
    expect(runs).toBeLessThan(3_700);
  });
});
