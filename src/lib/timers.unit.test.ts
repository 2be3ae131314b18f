import { describe, expect, it } from "vitest";
import { Alarm, TIMER_RETRY_MAX_MS, timerRetryMs } from "./timers";

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
