/**
 * The live channel: driver-facing notifications pushed to the driver's open
 * WebSocket as {"type":"notification",event,text}. Riders' live news is the ride
 * socket itself (every change of the ride), so this channel takes only drivers. A driver
 * with no socket open is not reached (NotReachable): the Driver object keeps no notices for
 * later, and what it missed they read in their own state when they come back.
 */
import { driverStub } from "../../src/durable-objects/stubs";
import { NotReachable, type Channel } from "./channels";

export function liveChannel(env: Pick<NotificationEnv, "DRIVER">): Channel {
  return {
    name: "live",
    accepts: async (d) => d.audience === "driver",
    async send(d) {
      const pushed = await driverStub(env, d.recipient).notify({ type: "notification", id: d.id, event: d.event, rideId: d.rideId, text: d.text });
      if (pushed === 0) throw new NotReachable("no open socket");
    },
  };
}
