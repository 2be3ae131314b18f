import { describe, expect, it } from "vitest";
import { Alarm, TIMER_RETRY_MAX_MS, TimerRetries, timerRetryMs } from "./timers";

/** A storage whose alarm writes are recorded, and which fails the next set when told to. */
function storage() {
  const writes: (number | "deleted")[] = [];
  let failNext = false;
  return {
    writes,
    failNextSet: () => (failNext = true),
    setAlarm: async (at: number | Date) => {
      if (failNext) {
        failNext = false;
        throw new Error("storage unavailable");
      }
      writes.push(Number(at));
    },
    deleteAlarm: async () => void writes.push("deleted"),
    stored: null as number | null,
    getAlarm: async function () {
      return this.stored;
    },
  };
}

describe("the one alarm, set only when it moves", () => {
  it("writes the first time and when the time moves, not when it is armed there already", async () => {
    const s = storage();
    const alarm = new Alarm(s);
    await alarm.arm(1000);
    await alarm.arm(1000);
    await alarm.arm(3000);
    await alarm.arm(1000);
    expect(s.writes).toEqual([1000, 3000, 1000]);
  });

  it("an object starting again takes the stored alarm as armed: waking it writes nothing unless the time moved", async () => {
    const s = storage();
    s.stored = 5000;
    const alarm = new Alarm(s);
    await alarm.load();
    await alarm.arm(5000);
    expect(s.writes).toEqual([]);
    await alarm.arm(6000);
    expect(s.writes).toEqual([6000]);
    const none = storage();
    const fresh = new Alarm(none);
    await fresh.load();
    await fresh.arm(5000);
    expect(none.writes).toEqual([5000]);
  });

  it("leaves the alarm as it is when no timer is set", async () => {
    const s = storage();
    await new Alarm(s).arm(null);
    expect(s.writes).toEqual([]);
  });

  it("sets again after the alarm ran: the runtime clears it once the handler ends", async () => {
    const s = storage();
    const alarm = new Alarm(s);
    await alarm.arm(1000);
    alarm.fired();
    alarm.ended();
    await alarm.arm(1000);
    expect(s.writes).toEqual([1000, 1000]);
  });

  it("during a run, leaves a time already due to the run's last arm, and writes a later one at once", async () => {
    const s = storage();
    const alarm = new Alarm(s);
    const later = Date.now() + 60_000;
    alarm.fired();
    // A commit inside a timer's handler, which still sees its own timer (cleared after the handler): not written.
    await alarm.arm(Date.now() - 1);
    await alarm.arm(later);
    alarm.ended();
    // The run's last arm is written even when due already (a timer set for now during the run).
    await alarm.arm(Date.now() - 1);
    expect(s.writes).toEqual([later, expect.any(Number)]);
    expect(s.writes[1]).toBeLessThan(later);
  });

  it("sets again after it was deleted", async () => {
    const s = storage();
    const alarm = new Alarm(s);
    await alarm.arm(1000);
    await alarm.clear();
    await alarm.arm(1000);
    expect(s.writes).toEqual([1000, "deleted", 1000]);
  });

  it("forgets a set that failed, so the next arm writes", async () => {
    const s = storage();
    const alarm = new Alarm(s);
    s.failNextSet();
    await expect(alarm.arm(1000)).rejects.toThrow("storage unavailable");
    await alarm.arm(1000);
    expect(s.writes).toEqual([1000]);
  });

  it("compares a second arm with the set still being written (sets apply in order)", async () => {
    const s = storage();
    const alarm = new Alarm(s);
    await Promise.all([alarm.arm(1000), alarm.arm(1000), alarm.arm(2000)]);
    expect(s.writes).toEqual([1000, 2000]);
  });
});

describe("a failing timer's wait", () => {
  it("doubles from 1 s with each failure in a row, up to 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(timerRetryMs)).toEqual([1000, 2000, 4000, 8000, 16000, TIMER_RETRY_MAX_MS, TIMER_RETRY_MAX_MS, TIMER_RETRY_MAX_MS]);
    expect(TIMER_RETRY_MAX_MS).toBe(30_000);
    expect(timerRetryMs(0)).toBe(1000);
  });
});

describe("a failing timer's failures in a row", () => {
  it("count while each run is the retry put back; grow the wait; a success starts again", () => {
    const retries = new TimerRetries();
    const first = retries.failed("dispatch", 100, 100, 1_000);
    expect(first).toEqual({ failures: 1, at: 2_000 });
    const second = retries.failed("dispatch", first.at, first.at, 2_000);
    expect(second).toEqual({ failures: 2, at: 4_000 });
    expect(retries.failed("dispatch", second.at, second.at, 4_000)).toEqual({ failures: 3, at: 8_000 });
    retries.succeeded("dispatch");
    expect(retries.failed("dispatch", 8_000, 8_000, 9_000)).toEqual({ failures: 1, at: 10_000 });
  });

  it("start again for a timer a commit set anew, and keep each timer's own count", () => {
    const retries = new TimerRetries();
    const put = retries.failed("offer", 100, 100, 1_000);
    retries.failed("offer", put.at, put.at, 2_000); // 2 in a row
    expect(retries.failed("deadline", 500, 500, 2_000)).toEqual({ failures: 1, at: 3_000 });
    // A new offer's timer (due at 20_000, not the retry's 4_000) fails: its first failure.
    expect(retries.failed("offer", 20_000, 20_000, 20_000)).toEqual({ failures: 1, at: 21_000 });
  });

  it("keep a time the handler moved sooner before it threw; never one later than the retry", () => {
    const retries = new TimerRetries();
    expect(retries.failed("silent", 100, 1_200, 1_000)).toEqual({ failures: 1, at: 1_200 });
    expect(retries.failed("stale", 100, 600_000, 1_000)).toEqual({ failures: 1, at: 2_000 });
    expect(retries.failed("end", 100, null, 1_000)).toEqual({ failures: 1, at: 2_000 });
  });
});
