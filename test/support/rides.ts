/** Riders and drivers going through whole rides over HTTP, as their apps would. */
import type { Api } from "./client.ts";
import { eventually, must, uid } from "./client.ts";
import { offersOf, onlineDriver, type TestDriver } from "./drivers.ts";

export type Ride = {
  id: string;
  status: string;
  version: number;
  riderId: string;
  driver: { id: string } | null;
  fare: { amount: number } | null;
  payment: { status: string };
  cancellation: { by: string; reason: string } | null;
};

/** The ride as its rider (or driver, or ops) reads it; throws on any answer but 200. */
export async function rideOf(api: Api, token: string, id: string): Promise<Ride> {
  return must("get ride", await api.client(token).GET("/v1/rides/{id}", { params: { path: { id } } }));
}

export async function waitForRide(api: Api, token: string, id: string, done: (r: Ride) => boolean, what: string, timeoutMs = 30_000): Promise<Ride> {
  return eventually(
    async () => {
      const r = await rideOf(api, token, id);
      return done(r) ? r : undefined;
    },
    `${what} (${id})`,
    timeoutMs,
    200,
  );
}

/** A rider requests a ride at `pickup`; `driver` accepts it. */
export async function requestAndAccept(api: Api, driver: TestDriver, pickup: { lat: number; lng: number }, paymentMethod = "pm_card_visa") {
  const rider = await api.token(uid("r"), "rider");
  const created = await api.client(rider).POST("/v1/rides", {
    params: { header: { "idempotency-key": uid("k") } },
    body: { pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 }, product: "standard", paymentMethod },
  });
  const { id } = must("request", created);
  await eventually(async () => ((await offersOf(api, driver)).some((o) => o.rideId === id) ? true : undefined), `offer of ${id}`, 15_000, 100);
  must("accept", await api.client(driver.token).POST("/v1/rides/{id}/accept", { params: { path: { id } } }));
  return { rider, id };
}

/** The rider (or ops) cancels the ride; throws unless it is answered 200. */
export async function cancelRide(api: Api, token: string, id: string, reason?: string): Promise<Ride> {
  return must("cancel", await api.client(token).POST("/v1/rides/{id}/cancel", { params: { path: { id } }, body: reason ? { reason } : {} }));
}

/** The driver takes the ride from pickup to drop-off. */
export async function drive(api: Api, driver: TestDriver, id: string) {
  const client = api.client(driver.token);
  const path = { path: { id } };
  must("arrive", await client.POST("/v1/rides/{id}/arrive", { params: path }));
  must("start", await client.POST("/v1/rides/{id}/start", { params: path }));
  must("complete", await client.POST("/v1/rides/{id}/complete", { params: path, body: { distanceMeters: 3500, durationSeconds: 600 } }));
}

export { onlineDriver };
