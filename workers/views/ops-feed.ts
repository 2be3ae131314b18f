/**
 * The operators' live map hears of ride and driver changes from here: once a batch is
 * written to the views, its markers (each change of a ride or driver once, in order) go
 * to the OpsFeed object in one call. Best effort: a failure is logged and never fails or retries the
 * batch (the views are written; a console catches up at its next snapshot).
 */
import type { ViewsMessage } from "../../src/domain/events";
import { opsFeedStub } from "../../src/durable-objects/stubs";
import { within } from "../../src/lib/timeout";
import { markersOf } from "../../src/ops-feed/feed";

/** The bound of the one call per batch: the next batch waits for it. */
export const PUBLISH_TIMEOUT_MS = 2_000;

/**
 * Publishes the markers of `messages` (already written) to the feed. Never throws.
 *
 * @example
 * await publishToOps(env, written);
 */
export async function publishToOps(env: Pick<ViewsEnv, "OPS_FEED">, messages: readonly ViewsMessage[]): Promise<void> {
  try {
    const { rides, drivers } = markersOf(messages);
    if (rides.length + drivers.length === 0) return;
    await within(PUBLISH_TIMEOUT_MS, Promise.resolve(opsFeedStub(env).publish(rides, drivers)), "ops feed publish");
  } catch (error) {
    console.warn(JSON.stringify({ msg: "ops feed publish failed", size: messages.length, error: String(error) }));
  }
}
