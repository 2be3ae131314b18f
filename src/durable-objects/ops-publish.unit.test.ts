import { afterEach, describe, expect, it, vi } from "vitest";
import type { ViewsMessage } from "../domain/events";
import { driverRecord } from "../driver/fixtures";
import type { Ride } from "../domain/types";
import type { ViewWrite } from "../views/projection";
import { FeedNews, markersOfMessages, notSuperseded, PUBLISH_TIMEOUT_MS } from "./ops-publish";

const at = "2026-12-01T05:00:00.000Z";
const point = { lat: 37.5, lng: 127 };
/** What a ride's marker reads of it. */
const ride = (version: number, status: Ride["status"] = "dispatching") =>
  ({ id: "rd_1", status, version, riderId: "r1", product: "standard", pickup: point, dropoff: point, driver: null, createdAt: at, updatedAt: at }) as Ride;
const driver = (version: number) => driverRecord(new Date(at), { version }).driver;

const event = { id: "ev", type: "X", rideId: "rd_1", version: 1, occurredAt: "", correlationId: "c", causationId: null, data: {} };
const rideWrite = (version: number, status?: Ride["status"]): ViewWrite => ({
  kind: "ride",
  event: { ...event, version },
  ride: ride(version, status),
  dispatchMs: null,
});

/**
 * The city's feed as the publisher sees it (one object whose `publish` is `publish`), and views
 * that hold each id of `held` at its version (the rides' and drivers' tables as `SELECT id, version` reads them).
 */
function feedOf(publish: (rides: unknown[], drivers: unknown[]) => unknown, held: Record<string, number> = { rd_1: 3, d1: 4 }) {
  const object = { publish: vi.fn(publish) };
  const views = {
    prepare: () => ({ bind: (ids: string) => JSON.parse(ids) as string[] }),
    batch: async (asked: string[][]) => asked.map((ids) => ({ results: ids.filter((id) => id in held).map((id) => ({ id, version: held[id] })) })),
  };
  const env = { OPS_FEED: { idFromName: (name: string) => name, get: () => object }, VIEWS_DB: views } as unknown as Pick<Env, "OPS_FEED" | "VIEWS_DB">;
  return { env, publish: object.publish };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("what the views' healing tells the operators' feed", () => {
  it("tells, in one call, each ride and driver heard that no newer row supersedes, once and in order; a rental and an earning carry none", async () => {
    const { env, publish } = feedOf(() => 2);
    const news = new FeedNews();
    news.heardWrites([rideWrite(3, "cancelled"), { kind: "driver", driver: driver(4) }]);
    news.heardWrites([rideWrite(2), rideWrite(3, "cancelled"), { kind: "rental", rental: { id: "rn_1" } as never }]);
    news.heardWrites([{ kind: "earning", row: { id: "rd_1" } as never }]);
    await news.tell(env, "views repair");
    expect(publish).toHaveBeenCalledTimes(1);
    const [rides, drivers] = publish.mock.calls[0]!;
    expect(rides).toMatchObject([
      { id: "rd_1", version: 2, status: "dispatching" },
      { id: "rd_1", version: 3, status: "cancelled" },
    ]);
    expect(drivers).toMatchObject([{ id: "d1", version: 4 }]);
  });

  it("a ride the views no longer hold is told only ended (handed to its owners): an open one is not, so no ghost is put back on the map", async () => {
    const { env, publish } = feedOf(() => 1, {});
    const news = new FeedNews();
    news.heardWrites([rideWrite(5, "in_progress")]);
    await news.tell(env, "views replay");
    expect(publish).not.toHaveBeenCalled();
    news.heardWrites([rideWrite(7, "completed")]);
    await news.tell(env, "views repair");
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish.mock.calls[0]![0]).toMatchObject([{ id: "rd_1", version: 7, status: "completed" }]);
  });

  it("tells a replay's messages like the views worker's batch; what was told is not told again, and nothing heard is no call", async () => {
    const { env, publish } = feedOf(() => 1, { rd_1: 1, d1: 1 });
    const news = new FeedNews();
    await news.tell(env, "views replay");
    expect(publish).not.toHaveBeenCalled();
    const message: ViewsMessage = { kind: "ride.event", event, ride: ride(1) };
    news.heardMessages([message, { kind: "driver.event", event, driver: driver(1) }]);
    await news.tell(env, "views replay");
    await news.tell(env, "views replay");
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish.mock.calls[0]![0]).toMatchObject([{ id: "rd_1", version: 1 }]);
  });

  it("a snapshot no marker can be made of is no news, never a failed run; views that cannot be read tell nothing, with a warning", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { env, publish } = feedOf(() => 1);
    const news = new FeedNews();
    const noPickup = { ...ride(3), pickup: undefined } as unknown as Ride;
    expect(() =>
      news.heardWrites([
        { kind: "ride", event, ride: noPickup, dispatchMs: null },
        { kind: "driver", driver: driver(4) },
      ]),
    ).not.toThrow();
    expect(() => news.heardMessages([{ kind: "ride.event", event, ride: noPickup }])).not.toThrow();
    await news.tell(env, "views replay");
    expect(publish.mock.calls).toMatchObject([[[], [{ id: "d1", version: 4 }]]]);

    const unreadable = { ...env, VIEWS_DB: { prepare: env.VIEWS_DB.prepare, batch: () => Promise.reject(new Error("D1 down")) } } as unknown as typeof env;
    news.heardWrites([rideWrite(3)]);
    await expect(news.tell(unreadable, "views repair")).resolves.toBeUndefined();
    expect(publish).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(warn.mock.calls[0]![0]))).toMatchObject({
      msg: "ops feed publish failed",
      from: "views repair",
      error: expect.stringMatching(/D1 down/),
    });
  });

  it("a late marker, older than the row the views hold and than every marker beside it, is not told: a ride ended long ago stays off the map", () => {
    const markers = markersOfMessages([
      { kind: "ride.event", event, ride: ride(3, "dispatching") },
      { kind: "ride.event", event, ride: { ...ride(2), id: "rd_2" } },
      { kind: "ride.event", event, ride: { ...ride(4, "driver_assigned"), id: "rd_2" } },
      { kind: "ride.event", event, ride: { ...ride(6, "in_progress"), id: "rd_gone" } },
      { kind: "ride.event", event, ride: { ...ride(8, "completed"), id: "rd_kept" } },
      { kind: "driver.event", event, driver: driver(2) },
    ]);
    const told = notSuperseded(markers, {
      rides: new Map([
        ["rd_1", 9], // completed at 9 while nobody watched: its version 3 came late (a retry)
        ["rd_2", 4], // the batch's own newest: all its changes go, in order
      ]),
      drivers: new Map([["d1", 5]]),
    });
    expect(told.rides.map((r) => [r.id, r.version])).toEqual([
      ["rd_2", 2],
      ["rd_2", 4],
      ["rd_kept", 8], // not in the views (its owners keep it): told only because it ended
    ]);
    expect(told.drivers).toEqual([]);
  });

  it("a views batch's markers skip only the message no marker can be made of", () => {
    const noPickup = { ...ride(2), pickup: undefined } as unknown as Ride;
    const markers = markersOfMessages([
      { kind: "ride.event", event, ride: ride(1) },
      { kind: "ride.event", event, ride: noPickup },
      { kind: "driver.event", event, driver: driver(4) },
    ]);
    expect(markers.rides.map((r) => r.version)).toEqual([1]);
    expect(markers.drivers.map((d) => d.version)).toEqual([4]);
  });

  it("a feed that fails or never answers costs one warning line, never the run", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const failing = feedOf(() => Promise.reject(new Error("feed down")), { rd_1: 1 });
    const news = new FeedNews();
    news.heardWrites([rideWrite(1)]);
    await expect(news.tell(failing.env, "views rebuild")).resolves.toBeUndefined();
    expect(JSON.parse(String(warn.mock.calls[0]![0]))).toMatchObject({ msg: "ops feed publish failed", from: "views rebuild", rides: 1, drivers: 0 });

    vi.useFakeTimers();
    const silent = feedOf(() => new Promise(() => undefined), { rd_1: 2 });
    news.heardWrites([rideWrite(2)]);
    const told = news.tell(silent.env, "views repair");
    await vi.advanceTimersByTimeAsync(PUBLISH_TIMEOUT_MS);
    await expect(told).resolves.toBeUndefined();
    expect(JSON.parse(String(warn.mock.calls[1]![0]))).toMatchObject({
      msg: "ops feed publish failed",
      from: "views repair",
      error: expect.stringMatching(/no answer/),
    });
  });
});
