/**
 * A live ticket opens one socket, once: the object the socket opens on spends it, so the same URL
 * replayed within the ticket's 30 s (lifted from a proxy's log, a browser's history) is 401, and
 * nothing is opened. Through the gateway app, with the real objects behind it.
 */
import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { spendTicket, SPENT_TICKET_KEEP_MS } from "../../src/durable-objects/spent-tickets";
import { LIVE_TICKET_TTL_S } from "../../workers/gateway/live-ticket";
import { createRide, testEnv, uniqueId } from "./helpers";

const app = createApp();

async function call(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  return app.request(path, { ...init, headers }, testEnv, createExecutionContext());
}

async function ticketFor(token: string, path: string): Promise<string> {
  const res = await call("/v1/live/tickets", { method: "POST", token, headers: { "content-type": "application/json" }, body: JSON.stringify({ path }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { ticket: string }).ticket;
}

/** Opens `path` with `ticket`; answers the status, and closes a socket that opened. */
async function open(path: string, ticket: string): Promise<{ status: number; code?: string }> {
  const res = await call(`${path}?ticket=${encodeURIComponent(ticket)}`, { headers: { upgrade: "websocket" } });
  if (res.webSocket) {
    res.webSocket.accept();
    res.webSocket.close(1000, "test done");
    return { status: res.status };
  }
  return { status: res.status, code: ((await res.json()) as { code: string }).code };
}

describe("live tickets: one socket each", () => {
  it("the operators' feed: a ticket opens once; the same URL again is 401; a new ticket opens again", async () => {
    const ops = await issueToken(testEnv, { id: uniqueId("ops"), role: "ops" });
    const ticket = await ticketFor(ops, "/v1/ops/live");
    expect(await open("/v1/ops/live", ticket)).toEqual({ status: 101 });
    expect(await open("/v1/ops/live", ticket)).toEqual({ status: 401, code: "unauthorized" });
    expect(await open("/v1/ops/live", await ticketFor(ops, "/v1/ops/live"))).toEqual({ status: 101 });
  });

  it("the operators' feed refuses a replayed ticket before any work: it renews no watch lease and reads no snapshot", async () => {
    const ops = await issueToken(testEnv, { id: uniqueId("ops"), role: "ops" });
    const ticket = await ticketFor(ops, "/v1/ops/live");
    expect(await open("/v1/ops/live", ticket)).toEqual({ status: 101 });
    // The lease run out (nobody watched since): a replayed ticket must not take it again.
    await testEnv.VIEWS_DB.prepare("UPDATE ops_watch SET until = unixepoch() - 10").run();
    expect(await open("/v1/ops/live", ticket)).toEqual({ status: 401, code: "unauthorized" });
    const ahead = await testEnv.VIEWS_DB.prepare("SELECT count(*) AS n FROM ops_watch WHERE until > unixepoch()").first<{ n: number }>();
    expect(ahead?.n).toBe(0);
  });

  it("a ride's socket: spent there; a ticket for a ride that does not exist is 404 and spends nothing there", async () => {
    const { ride } = await createRide();
    const rider = await issueToken(testEnv, { id: ride.riderId, role: "rider" });
    const path = `/v1/rides/${ride.id}/live`;
    const ticket = await ticketFor(rider, path);
    expect(await open(path, ticket)).toEqual({ status: 101 });
    expect(await open(path, ticket)).toEqual({ status: 401, code: "unauthorized" });
    // A ride id made up in the right shape reaches an object that never existed: 404 each time, and nothing is written there.
    const madeUp = `rd_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
    const nowhere = `/v1/rides/${madeUp}/live`;
    const lost = await ticketFor(rider, nowhere);
    expect((await open(nowhere, lost)).status).toBe(404);
    expect((await open(nowhere, lost)).status).toBe(404);
    const tables = await runInDurableObject(testEnv.RIDE.get(testEnv.RIDE.idFromName(madeUp)), (_i, state) =>
      state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'").toArray(),
    );
    expect(tables).toEqual([]);
  });

  it("a spent ticket is kept longer than any ticket lives, then forgotten with the next one spent", async () => {
    expect(SPENT_TICKET_KEEP_MS).toBeGreaterThan(LIVE_TICKET_TTL_S * 1000 * 2);
    const feed = testEnv.OPS_FEED.get(testEnv.OPS_FEED.idFromName(uniqueId("feed")));
    await runInDurableObject(feed, (_i, state) => {
      const t0 = 1_000_000;
      expect(spendTicket(state.storage.sql, "jti-1", t0)).toBe(true);
      expect(spendTicket(state.storage.sql, "jti-1", t0 + SPENT_TICKET_KEEP_MS - 1)).toBe(false);
      expect(spendTicket(state.storage.sql, "jti-2", t0 + SPENT_TICKET_KEEP_MS)).toBe(true);
      const kept = state.storage.sql.exec<{ id: string }>("SELECT id FROM spent_live_tickets").toArray();
      expect(kept.map((r) => r.id)).toEqual(["jti-2"]);
    });
  });
});
