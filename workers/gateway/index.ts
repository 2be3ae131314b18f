/**
 * Gateway worker entry: the HTTP app, and the Durable Object classes it hosts.
 */
import { createApp } from "./app";

export { RideDurableObject } from "../../src/durable-objects/ride";
export { DriverDurableObject } from "../../src/durable-objects/driver";
export { DispatchCellDurableObject } from "../../src/durable-objects/dispatch-cell";
export { BenchFloorDurableObject } from "../../src/durable-objects/bench-floor";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
