import { describe, expect, it } from "vitest";
import { mergeNewestFirst, viewsAlone, type Listed } from "./merge";

const row = (id: string, createdAt: string, version?: number): Listed => ({ id, createdAt, ...(version === undefined ? {} : { version }) });

describe("mergeNewestFirst", () => {
  it("orders newest first by time, then by id, across both lists", () => {
    const views = [row("c", "2026-11-30"), row("a", "2026-11-01")];
    const kept = [row("b", "2026-11-01"), row("z", "2026-10-01")];
    expect(mergeNewestFirst(views, kept, 10).items.map((r) => r.id)).toEqual(["c", "b", "a", "z"]);
  });

  it("shows a row in both lists once, in its newest version whichever list holds it", () => {
    const a = mergeNewestFirst([row("r", "2026-10-01", 12)], [row("r", "2026-10-01", 9)], 10);
    const b = mergeNewestFirst([row("r", "2026-10-01", 9)], [row("r", "2026-10-01", 12)], 10);
    expect([a.items, b.items]).toEqual([[row("r", "2026-10-01", 12)], [row("r", "2026-10-01", 12)]]);
  });

  it("says more follow only when the two lists hold more than a page", () => {
    const views = [row("d", "4"), row("c", "3")];
    expect(mergeNewestFirst(views, [row("b", "2")], 3)).toEqual({ items: [row("d", "4"), row("c", "3"), row("b", "2")], more: false });
    expect(mergeNewestFirst(views, [row("b", "2"), row("a", "1")], 3).more).toBe(true);
    // A row in both counts once: two distinct rows are not a page of three.
    expect(mergeNewestFirst(views, [row("c", "3"), row("d", "4")], 2).more).toBe(false);
  });
});

describe("viewsAlone", () => {
  const page = [row("c", "2026-11-30"), row("b", "2026-11-20"), row("a", "2026-11-10")];

  it("answers alone when nothing was ever kept", () => {
    expect(viewsAlone([], 2, null)).toBe(true);
  });

  it("answers alone when full and its last shown row is no older than the mark", () => {
    expect(viewsAlone(page, 2, "2026-11-20")).toBe(true);
    expect(viewsAlone(page, 2, "2026-11-25")).toBe(false);
  });

  it("asks the owner when the views' page is not full", () => {
    expect(viewsAlone(page, 3, "2026-01-01")).toBe(false);
  });
});
