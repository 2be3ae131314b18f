import { afterEach, describe, expect, it, vi } from "vitest";
import type { Driver } from "../domain/events";
import { LATER, NOW, record } from "../domain/ride/fixtures";
import { driverRecord } from "../driver/fixtures";
import { ok, type Outcome } from "../lib/problem";
import { acceptOffer } from "./accept";

describe("acceptOffer", () => {
  const road = { roadFactor: 1.3, citySpeedKmh: 25 };
  afterEach(() => vi.useRealTimers());
  const offered = () => record("dispatching", "authorized", { offer: true });
  const driver = driverRecord(NOW).driver;
  const expiresAt = Date.parse(LATER);

  it("an accept that came in while the offer was live is assigned, however long the Driver DO took to confirm it", async () => {
    // The confirmation ends 5 s after the offer's expiry (its call waited behind the driver's other calls).
    vi.useFakeTimers({ now: expiresAt - 1 });
    const confirm = async (): Promise<Outcome<Driver>> => (vi.setSystemTime(expiresAt + 5_000), ok(driver));
    const accepted = await acceptOffer(offered(), "d1", new Date(), confirm, road);
    expect(Date.now()).toBe(expiresAt + 5_000);
    expect(accepted.ok && accepted.value.decision.kind).toBe("applied");
    expect(accepted.ok && accepted.value.decision.kind === "applied" && accepted.value.decision.record.ride.driver?.id).toBe("d1");
  });

  it("an accept that came in after the expiry is refused, and the Driver DO is not asked", async () => {
    let asked = 0;
    const confirm = async (): Promise<Outcome<Driver>> => (asked++, ok(driver));
    const accepted = await acceptOffer(offered(), "d1", new Date(expiresAt), confirm, road);
    expect(accepted).toMatchObject({ ok: false, problem: { code: "offer_not_available" } });
    expect(asked).toBe(0);
  });

  it("no ride, or an offer to another driver, answers alike; a repeat answers the ride unchanged", async () => {
    const confirm = async (): Promise<Outcome<Driver>> => ok(driver);
    const at = new Date(expiresAt - 1);
    expect(await acceptOffer(null, "d1", at, confirm, road)).toMatchObject({ ok: false, problem: { code: "offer_not_available" } });
    expect(await acceptOffer(offered(), "d2", at, confirm, road)).toMatchObject({ ok: false, problem: { code: "offer_not_available" } });
    const assigned = record("driver_assigned", "authorized", { driver: true });
    expect(await acceptOffer(assigned, "d1", at, confirm, road)).toEqual(ok({ record: assigned, decision: { kind: "unchanged", record: assigned } }));
  });
});
