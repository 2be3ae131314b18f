import { describe, expect, it } from "vitest";
import { rentalTimers } from "./machine";
import type { RentalRecord } from "./types";
import { NOW, created, inState, krw, step } from "../../../test/support/rental-fixtures";

describe("rental machine: no live state without a timer", () => {
  const armed = (record: RentalRecord) =>
    rentalTimers(null, record, NOW, 120)
      .filter((t) => t.at !== null)
      .map((t) => t.name);
  it("requested: the payment watchdog and the payment deadline; confirmed: the end, and the key while it has none; a refund awaited: the watchdog", () => {
    expect(armed(inState("requested"))).toEqual(["payment", "deadline"]);
    expect(armed(inState("confirmed"))).toEqual(["key", "end"]);
    expect(armed(step(inState("confirmed"), { type: "keyIssued", key: "4821" }))).toEqual(["end"]);
    expect(armed(inState("cancelled"))).toEqual(["payment"]);
    const captureDeclined = step(step(created(), { type: "authorized" }), { type: "paymentDeclined", action: "capture", detail: null });
    expect(armed(captureDeclined)).toEqual(["payment"]);
  });

  it("ended states keep no timer", () => {
    expect(armed(inState("completed"))).toEqual([]);
    expect(armed(inState("declined"))).toEqual([]);
    const refunded = step(inState("cancelled"), { type: "refundSettled", outcome: "succeeded", amount: krw(4000), detail: null, key: "rn_1:refund:cancel" });
    expect(armed(refunded)).toEqual([]);
  });
});
