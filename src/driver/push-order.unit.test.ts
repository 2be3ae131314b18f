import { describe, expect, it } from "vitest";
import { PUSHES_REMEMBERED, PushOrder } from "./push-order";

describe("the rides pushed to a driver, in order", () => {
  it("a push older than one already sent (its call overtaken by a later change's) is dropped; a repeat too", () => {
    const order = new PushOrder();
    expect(order.take({ id: "rd_1", version: 6 })).toBe(true); // the cancel, arriving first
    expect(order.take({ id: "rd_1", version: 5 })).toBe(false); // the ETA change before it
    expect(order.take({ id: "rd_1", version: 6 })).toBe(false);
    expect(order.take({ id: "rd_1", version: 7 })).toBe(true);
    expect(order.take({ id: "rd_2", version: 1 })).toBe(true); // each ride on its own
  });

  it("a push passed while it waited (on a release) is no longer the newest, and is not sent", () => {
    const order = new PushOrder();
    order.take({ id: "rd_1", version: 8 });
    order.take({ id: "rd_1", version: 9 });
    expect(order.isNewest({ id: "rd_1", version: 8 })).toBe(false);
    expect(order.isNewest({ id: "rd_1", version: 9 })).toBe(true);
  });

  it("remembers a bounded number of rides, then starts over", () => {
    const order = new PushOrder();
    for (let i = 0; i < PUSHES_REMEMBERED; i += 1) order.take({ id: `rd_${i}`, version: 2 });
    expect(order.take({ id: "rd_0", version: 1 })).toBe(false);
    order.take({ id: "rd_new", version: 1 });
    expect(order.take({ id: "rd_0", version: 1 })).toBe(true);
  });
});
