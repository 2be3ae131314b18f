/** Which drivers have a payout account on file, over the real ledger migrations (D1's 100 bound values a statement kept). */
import { describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { driversWithAccount, setPayoutAccount } from "./payout-accounts";

describe("driversWithAccount", () => {
  it("answers those of many drivers with an account, a hundred ids a statement", async () => {
    const d1 = (await sqliteD1("migrations/payments")) as unknown as D1Database;
    const ids = Array.from({ length: 250 }, (_, i) => `d${i}`);
    for (const id of ["d0", "d99", "d100", "d249"]) await setPayoutAccount(d1, id, `acct_${id}`, "2026-12-05T10:00:00.000Z");
    expect([...(await driversWithAccount(d1, ids))].sort()).toEqual(["d0", "d100", "d249", "d99"]);
    expect(await driversWithAccount(d1, [])).toEqual(new Set());
  });
});
