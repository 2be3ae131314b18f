/**
 * The console's loader after a failure (web/console/hooks.ts, `afterFailure`): the rows of the
 * same list are kept, those of another page or filter are not shown under the new one.
 */
import { describe, expect, it } from "vitest";
import { afterFailure, type LoadState } from "../web/console/hooks";

const page1: LoadState<string[]> = { data: ["rd_1", "rd_2"], key: JSON.stringify(["", undefined]), error: null, loading: true };

describe("a failed load", () => {
  it("of the next page (or another filter) shows no rows, not the previous page's under the new label", () => {
    expect(afterFailure(page1, JSON.stringify(["", "cursor-2"]), "unavailable: views down")).toEqual({
      data: null,
      key: null,
      error: "unavailable: views down",
      loading: false,
    });
  });

  it("of the same list again (a refresh, a change heard on the socket) keeps what was shown, with the error", () => {
    expect(afterFailure(page1, page1.key!, "unavailable")).toEqual({ ...page1, error: "unavailable", loading: false });
  });
});
