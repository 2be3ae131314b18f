/** Riders and drivers going through whole rides over HTTP, as their apps would. */
import type { Api } from "./client";
import { eventually, uid } from "./client";
import { offersOf, onlineDriver, type TestDriver } from "./drivers";

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

export async function rideOf(api: Api, token: string, id: string): Promise<Ride> {
  return (await api.request<Ride>("GET", `/v1/rides/${id}`, { token })).body;
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
  const created = await api.request<Ride>("POST", "/v1/rides", {
    token: rider,
    headers: { "idempotency-key": uid("k") },
    body: { pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 }, product: "standard", paymentMethod },
  });
  if (created.status !== 202) throw new Error(`request: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  await eventually(async () => ((await offersOf(api, driver)).some((o) => o.rideId === id) ? true : undefined), `offer of ${id}`, 15_000, 100);
  const accepted = await api.request<Ride>("POST", `/v1/rides/${id}/accept`, { token: driver.token });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { rider, id };
}

/** The driver takes the ride from pickup to drop-off. */
export async function drive(api: Api, driver: TestDriver, id: string) {
  for (const step of ["arrive", "start", "complete"] as const) {
    const res = await api.request<Ride>("POST", `/v1/rides/${id}/${step}`, {
      token: driver.token,
      body: step === "complete" ? { distanceMeters: 3500, durationSeconds: 600 } : undefined,
    });
    if (res.status !== 200) throw new Error(`${step}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export { onlineDriver };
