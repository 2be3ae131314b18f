/** Drivers as a driver app behaves: register, go online, report the location every so often. */
import type { Api } from "./client.ts";
import { uid } from "./client.ts";

export interface TestDriver {
  id: string;
  token: string;
  location: { lat: number; lng: number };
}

export async function onlineDriver(api: Api, location: { lat: number; lng: number }, product = "standard"): Promise<TestDriver> {
  const id = uid("d");
  const token = await api.token(id, "driver");
  const reg = await api.request("PUT", "/v1/drivers/me", { token, body: { name: `Driver ${id}`, vehicle: { plate: "30우8281", model: "Sonata", product } } });
  if (reg.status !== 200) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  const online = await api.request("POST", "/v1/drivers/me/online", { token, body: { location } });
  if (online.status !== 200) throw new Error(`online: ${online.status} ${JSON.stringify(online.body)}`);
  return { id, token, location };
}

/** Keeps drivers' locations fresh, as their apps would, until stopped. */
export function heartbeat(api: Api, drivers: TestDriver[], everyMs = 700) {
  let running = true;
  const loop = (async () => {
    while (running) {
      await Promise.all(drivers.map((d) => api.request("PUT", "/v1/drivers/me/location", { token: d.token, body: d.location }).catch(() => undefined)));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

export async function offersOf(api: Api, driver: TestDriver): Promise<{ rideId: string; expiresAt: string }[]> {
  const res = await api.request<{ items: { rideId: string; expiresAt: string }[] }>("GET", "/v1/drivers/me/offers", { token: driver.token });
  return res.body.items;
}
