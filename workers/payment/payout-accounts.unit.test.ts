/** Which drivers have a payout account on file, over the real ledger migrations (D1's 100 bound values a statement kept). */
import { describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { CHUNK, driversWithAccount, setPayoutAccount } from "./payout-accounts";

describe("driversWithAccount", () => {
  it(`answers those of 25,000 drivers owed in three statements (${CHUNK} ids a statement, one JSON parameter each)`, async () => {
    const d1 = (await sqliteD1("migrations/payments")) as unknown as D1Database;
    const ids = Array.from({ length: 25_000 }, (_, i) => `d_${String(i).padStart(6, "0")}`);
    const withAccount = [ids[0]!, ids[9_999]!, ids[10_000]!, ids[24_999]!];
    for (const id of withAccount) await setPayoutAccount(d1, id, `acct_${id}`, "2026-12-05T10:00:00.000Z");
    const batch = d1.batch.bind(d1);
    const sizes: number[] = [];
    d1.batch = (async (statements: D1PreparedStatement[]) => (sizes.push(statements.length), batch(statements))) as typeof d1.batch;
    expect([...(await driversWithAccount(d1, ids))].sort()).toEqual(withAccount.sort());
    expect(sizes).toEqual([3]);
  });

  it("answers those of many drivers with an account", async () => {
    const d1 = (await sqliteD1("migrations/payments")) as unknown as D1Database;
    const ids = Array.from({ length: 250 }, (_, i) => `d${i}`);
    for (const id of ["d0", "d99", "d100", "d249"]) await setPayoutAccount(d1, id, `acct_${id}`, "2026-12-05T10:00:00.000Z");
    expect([...(await driversWithAccount(d1, ids))].sort()).toEqual(["d0", "d100", "d249", "d99"]);
    expect(await driversWithAccount(d1, [])).toEqual(new Set());
  });
});
