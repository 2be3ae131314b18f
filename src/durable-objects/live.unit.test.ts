import { describe, expect, it } from "vitest";
import { broadcast } from "./live";

/** A socket as the runtime hands it back: its attachment (who opened it) and what was sent on it. */
function socket(role: string, actorId: string) {
  const sent: string[] = [];
  return { sent, ws: { deserializeAttachment: () => ({ role, actorId }), send: (m: string) => void sent.push(m) } as unknown as WebSocket };
}

const ctxWith = (...sockets: ReturnType<typeof socket>[]) => ({ getWebSockets: () => sockets.map((s) => s.ws) }) as unknown as DurableObjectState;

describe("broadcast: one message, and views of it for the sockets they are for", () => {
  it("with no views every socket gets the message", () => {
    const [rider, driver] = [socket("rider", "r1"), socket("driver", "d1")];
    expect(broadcast(ctxWith(rider, driver), "all")).toBe(2);
    expect([rider.sent, driver.sent]).toEqual([["all"], ["all"]]);
  });

  it("a view by role goes to every socket of that role; one naming an actor to that actor's only; the first that matches wins", () => {
    const [sender, otherRider, driver, ops] = [socket("rider", "r1"), socket("rider", "r2"), socket("driver", "d1"), socket("ops", "o1")];
    const views = [
      { role: "rider" as const, actorId: "r1", message: "sender's" },
      { role: "driver" as const, message: "driver's" },
      { role: "driver" as const, actorId: "d1", message: "never: the role's view came first" },
    ];
    expect(broadcast(ctxWith(sender, otherRider, driver, ops), "all", undefined, views)).toBe(4);
    expect([sender.sent, otherRider.sent, driver.sent, ops.sent]).toEqual([["sender's"], ["all"], ["driver's"], ["all"]]);
  });

  it("a socket that throws on send is skipped, not counted, and stops nobody else", () => {
    const broken = {
      deserializeAttachment: () => ({ role: "rider", actorId: "r1" }),
      send: () => {
        throw new Error("closing");
      },
    } as unknown as WebSocket;
    const driver = socket("driver", "d1");
    const ctx = { getWebSockets: () => [broken, driver.ws] } as unknown as DurableObjectState;
    expect(broadcast(ctx, "all", undefined, [{ role: "driver", message: "driver's" }])).toBe(1);
    expect(driver.sent).toEqual(["driver's"]);
  });
});
