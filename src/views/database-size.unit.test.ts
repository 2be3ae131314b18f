import { describe, expect, it } from "vitest";
import { D1_DATABASE_LIMIT_BYTES, databaseSize, sizeAlert, sizeOf } from "./database-size";

/** A D1 database as far as `databaseSize` reads it: one query's `meta.size_after`. */
const answering = (sizeAfter: number | undefined) =>
  ({
    prepare: () => ({ run: async () => ({ success: true, results: [], meta: sizeAfter === undefined ? {} : { size_after: sizeAfter } }) }),
  }) as unknown as D1Database;

describe("a D1 database's size", () => {
  it("is read from a query's size_after, against the 10 GB limit", async () => {
    expect(D1_DATABASE_LIMIT_BYTES).toBe(10e9);
    expect(await databaseSize(answering(2.5e9))).toEqual({ bytes: 2.5e9, limitBytes: 10e9, share: 0.25 });
    expect(await databaseSize(answering(undefined))).toEqual({ bytes: 0, limitBytes: 10e9, share: 0 });
  });

  it("is reported as an error line from half its limit, not below", () => {
    expect(sizeAlert("views", sizeOf(4.99e9))).toBeNull();
    expect(JSON.parse(sizeAlert("views", sizeOf(5e9))!)).toEqual({
      msg: "database above half its size limit",
      database: "views",
      bytes: 5e9,
      limitBytes: 10e9,
      share: 0.5,
    });
    expect(JSON.parse(sizeAlert("ledger", sizeOf(9.9e9))!)).toMatchObject({ database: "ledger", share: 0.99 });
  });
});
