import { describe, expect, it } from "vitest";
import { actorFromHeaders, broadcast, liveRequest, NO_LONGER_YOURS, oldestBeyond, onLiveMessage, RECONNECT, SOCKETS_PER_ACTOR, TOKEN_EXPIRED } from "./live";

/** A socket as the runtime hands it back: its attachment (who opened it, until when) and what was sent on it, and how it was closed. */
function socket(role: string, actorId: string, until: number | null = Date.now() + 60_000) {
  const sent: string[] = [];
  const closed: { code: number; reason: string }[] = [];
  const ws = {
    deserializeAttachment: () => ({ role, actorId, ...(until === null ? {} : { until }) }),
    send: (m: string) => void sent.push(m),
    close: (code: number, reason: string) => void closed.push({ code, reason }),
  } as unknown as WebSocket;
  return { sent, closed, ws };
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
    expect(broadcast(ctxWith(sender, otherRider, driver, ops), "all", views)).toBe(4);
    expect([sender.sent, otherRider.sent, driver.sent, ops.sent]).toEqual([["sender's"], ["all"], ["driver's"], ["all"]]);
  });

  it("a socket that throws on send is skipped, not counted, and stops nobody else", () => {
    const broken = {
      deserializeAttachment: () => ({ role: "rider", actorId: "r1", until: Date.now() + 60_000 }),
      send: () => {
        throw new Error("closing");
      },
    } as unknown as WebSocket;
    const driver = socket("driver", "d1");
    const ctx = { getWebSockets: () => [broken, driver.ws] } as unknown as DurableObjectState;
    expect(broadcast(ctx, "all", [{ role: "driver", message: "driver's" }])).toBe(1);
    expect(driver.sent).toEqual(["driver's"]);
  });
});

describe("a socket lives no longer than its token, nor than its actor's right to watch", () => {
  it("a socket whose token expired is closed with 4401 instead of sent the frame; one an older code opened (no expiry) is asked to reconnect", () => {
    const [current, expired, legacy] = [socket("ops", "o1"), socket("ops", "o2", Date.now() - 1), socket("ops", "o3", null)];
    expect(broadcast(ctxWith(current, expired, legacy), "frame")).toBe(1);
    expect([current.sent, expired.sent, legacy.sent]).toEqual([["frame"], [], []]);
    expect([current.closed, expired.closed, legacy.closed]).toEqual([[], [TOKEN_EXPIRED], [RECONNECT]]);
  });

  it("watchers of a role: that role's other actors are closed with 4403; other roles are untouched", () => {
    const [rider, d1, d2, ops] = [socket("rider", "r1"), socket("driver", "d1"), socket("driver", "d2"), socket("ops", "o1")];
    expect(broadcast(ctxWith(rider, d1, d2, ops), "ride", undefined, { role: "driver", actorIds: ["d2"] })).toBe(3);
    expect([rider.sent, d1.sent, d2.sent, ops.sent]).toEqual([["ride"], [], ["ride"], ["ride"]]);
    expect(d1.closed).toEqual([NO_LONGER_YOURS]);
    expect(broadcast(ctxWith(d2), "ride", undefined, { role: "driver", actorIds: [] })).toBe(0);
    expect(d2.closed).toEqual([NO_LONGER_YOURS]);
  });

  it("a ping is answered while the token holds; after, the socket is closed instead", () => {
    const [current, expired] = [socket("driver", "d1"), socket("driver", "d1", Date.now() - 1)];
    onLiveMessage(current.ws, "ping");
    onLiveMessage(expired.ws, "ping");
    expect([current.sent, expired.sent]).toEqual([["pong"], []]);
    expect(expired.closed).toEqual([TOKEN_EXPIRED]);
  });
});

describe("the upgrade handed to an object", () => {
  it("carries the actor in its headers and no query: a browser's access_token is not logged a second time by the object", () => {
    const request = liveRequest("https://rides.example/v1/ops/live?access_token=eyJ.secret.sig&x=1", { id: "ops_1", role: "ops" }, 1_700_000_000_000);
    expect(request.url).toBe("https://rides.example/v1/ops/live");
    expect(request.url).not.toContain("secret");
    expect(actorFromHeaders(request)).toEqual({ id: "ops_1", role: "ops", until: 1_700_000_000_000 });
    expect(request.headers.get("upgrade")).toBe("websocket");
  });

  it("carries the live ticket's id, for the object to spend; none without a ticket", () => {
    const withTicket = liveRequest("https://rides.example/v1/ops/live?ticket=eyJ.t.sig", { id: "ops_1", role: "ops" }, 1_700_000_000_000, "jti-1");
    expect(withTicket.url).toBe("https://rides.example/v1/ops/live");
    expect(actorFromHeaders(withTicket)).toEqual({ id: "ops_1", role: "ops", until: 1_700_000_000_000, ticketId: "jti-1" });
    expect(liveRequest("https://rides.example/v1/ops/live", { id: "ops_1", role: "ops" }, 1).headers.has("x-live-ticket")).toBe(false);
  });
});

describe("sockets per actor", () => {
  const opened = (since: number | undefined) => ({
    since,
    ws: { deserializeAttachment: () => (since === undefined ? {} : { since }) } as unknown as WebSocket,
  });

  it("a new socket past SOCKETS_PER_ACTOR replaces the actor's oldest; within it, none", () => {
    const sockets = [opened(30), opened(10), opened(50), opened(20), opened(40)];
    expect(SOCKETS_PER_ACTOR).toBe(4);
    expect(
      oldestBeyond(
        sockets.map((s) => s.ws),
        SOCKETS_PER_ACTOR,
      ),
    ).toEqual([sockets[1]!.ws]);
    expect(
      oldestBeyond(
        sockets.slice(0, 4).map((s) => s.ws),
        SOCKETS_PER_ACTOR,
      ),
    ).toEqual([]);
    // A leaking app's thousand: all but the newest four, an untimed one (an older code's) first.
    const many = [opened(undefined), ...Array.from({ length: 999 }, (_, i) => opened(i + 1))];
    const closed = oldestBeyond(
      many.map((s) => s.ws),
      SOCKETS_PER_ACTOR,
    );
    expect(closed).toHaveLength(996);
    expect(closed[0]).toBe(many[0]!.ws);
    expect(closed).not.toContain(many[999]!.ws);
  });
});
