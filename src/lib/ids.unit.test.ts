import { describe, expect, it } from "vitest";
import { newId, RENTAL_ID, rentalIdFor } from "./ids";

describe("RENTAL_ID", () => {
  it("refuses what is not one of our rental ids, and matches every id newId and rentalIdFor make", async () => {
    for (const id of ["", "rn_", "rd_abcdefghijklmnopqrstuvw", "rn_ABCDEFGHIJKLMNOPQRSTUVW", "rn_abc", "rn_abcdefghijklmnopqrstuvw/../x"])
      expect(RENTAL_ID.test(id), id).toBe(false);
    expect(RENTAL_ID.test(newId("rn"))).toBe(true);
    expect(RENTAL_ID.test(await rentalIdFor("r1", "key-1"))).toBe(true);
  });
});
