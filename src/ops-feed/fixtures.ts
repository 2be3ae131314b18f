/** Test fixtures of the operators' feed: a ride's and a driver's marker, as the feed and the console hold them. */
import type { DriverMarker, RideMarker } from "./feed";

/** `s` seconds into 2026 (UTC), as an ISO time. */
export const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

/**
 * @example
 * testRide("rd_1", { status: "completed", version: 9 });
 */
export const testRide = (id: string, over: Partial<RideMarker> = {}): RideMarker => ({
  id,
  status: "dispatching",
  product: "standard",
  riderId: "r1",
  driverId: null,
  pickup: { lat: 37.55, lng: 126.98 },
  dropoff: { lat: 37.5, lng: 127.02 },
  createdAt: at(1),
  updatedAt: at(1),
  version: 1,
  ...over,
});

/**
 * @example
 * testDriver("d1", { status: "offline", version: 4 });
 */
export const testDriver = (id: string, over: Partial<DriverMarker> = {}): DriverMarker => ({
  id,
  name: `Driver ${id}`,
  status: "available",
  approval: "approved",
  product: "standard",
  location: { lat: 37.56, lng: 126.97 },
  locationAt: at(1),
  currentRideId: null,
  updatedAt: at(1),
  version: 1,
  ...over,
});
