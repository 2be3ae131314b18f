import { afterEach, describe, expect, it, vi } from "vitest";
import type { ViewsMessage } from "../domain/events";
import { driverRecord } from "../driver/fixtures";
import type { Ride } from "../domain/types";
import type { ViewWrite } from "../views/projection";
import { FeedNews, markersOfMessages, PUBLISH_TIMEOUT_MS } from "./ops-publish";

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
  it("tells, in one call, each ride and driver heard at the version the views hold; an older one, one the views lack, a rental and an earning carry none", async () => {
    const { env, publish } = feedOf(() => 2);
    const news = new FeedNews();
    news.heardWrites([rideWrite(3, "cancelled"), { kind: "driver", driver: driver(4) }]);
    news.heardWrites([rideWrite(2), rideWrite(3, "cancelled"), { kind: "rental", rental: { id: "rn_1" } as never }]);
    news.heardWrites([{ kind: "earning", row: { id: "rd_1" } as never }]);
    await news.tell(env, "views repair");
    expect(publish).toHaveBeenCalledTimes(1);
    const [rides, drivers] = publish.mock.calls[0]!;
    expect(rides).toMatchObject([{ id: "rd_1", version: 3, status: "cancelled" }]);
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
