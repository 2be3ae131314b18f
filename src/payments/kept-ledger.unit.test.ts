/** The kept copy's merge and a refund's order: pin, read, put back, forget. */
import { describe, expect, it } from "vitest";
import { bringLedgerBack, mergeLedgers, type RideLedger } from "./kept-ledger";

const op = (key: string, outcome = "succeeded") => ({ idempotency_key: key, ride_id: "rd_1", kind: "capture", outcome });
const ledger = (ops: ReturnType<typeof op>[], settlements: RideLedger["settlements"] = []): RideLedger => ({
  payment_operations: ops,
  settlements,
  settlement_adjustments: [],
});

describe("a ride's kept ledger", () => {
  it("merges a second keep row by row: nothing the first kept is lost, a newer row wins", () => {
    const first = ledger([op("rd_1:authorize"), op("rd_1:capture")], [{ ride_id: "rd_1", fare: 100 }]);
    const stray = ledger([op("rd_1:capture:late", "declined")]);
    const merged = mergeLedgers(first, stray);
    expect(merged.payment_operations.map((o) => o.idempotency_key)).toEqual(["rd_1:authorize", "rd_1:capture", "rd_1:capture:late"]);
    expect(merged.settlements).toEqual([{ ride_id: "rd_1", fare: 100 }]);
    expect(mergeLedgers(first, ledger([op("rd_1:capture", "declined")])).payment_operations[1]).toMatchObject({ outcome: "declined" });
    expect(mergeLedgers(null, stray)).toEqual(stray);
  });

  it("a refund pins the ride before it reads the copy: a let-go that commits during the pin still has its copy put back", async () => {
    let copy: RideLedger | null = null;
    const calls: string[] = [];
    await bringLedgerBack({
      pin: async () => {
        calls.push("pin");
        copy = ledger([op("rd_1:capture")]); // the cron's let-go kept it just before the pin committed
      },
      kept: () => (calls.push("kept"), copy),
      restore: async (l) => void calls.push(`restore ${l.payment_operations.length}`),
      forget: () => void calls.push("forget"),
    });
    expect(calls).toEqual(["pin", "kept", "restore 1", "forget"]);
  });

  it("a step that throws leaves the copy kept, for the refund asked again", async () => {
    const forgot: string[] = [];
    const steps = {
      kept: () => ledger([op("rd_1:capture")]),
      forget: () => void forgot.push("forget"),
    };
    await expect(bringLedgerBack({ ...steps, pin: () => Promise.reject(new Error("down")), restore: async () => undefined })).rejects.toThrow("down");
    await expect(bringLedgerBack({ ...steps, pin: async () => undefined, restore: () => Promise.reject(new Error("down")) })).rejects.toThrow("down");
    expect(forgot).toEqual([]);
  });
});
