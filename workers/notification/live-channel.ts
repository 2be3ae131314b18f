/**
 * The live channel: driver-facing notifications pushed to the driver's open
 * WebSocket as {"type":"notification",event,text}. Riders' live news is the ride
 * socket itself (every change of the ride), so this channel takes only drivers.
 */
import { driverStub } from "../../src/durable-objects/stubs";
import type { Channel } from "./channels";

export function liveChannel(env: Pick<NotificationEnv, "DRIVER">): Channel {
  return {
    name: "live",
    accepts: async (d) => d.audience === "driver",
    async send(d) {
      await driverStub(env, d.recipient).notify({ type: "notification", id: d.id, event: d.event, rideId: d.rideId, text: d.text });
    },
  };
}
