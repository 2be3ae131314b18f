/**
 * The operators' live map hears of ride and driver changes from here: once a batch is
 * written to the views, its markers (each change of a ride or driver once, in order) go
 * to the OpsFeed object in one call (src/durable-objects/ops-publish.ts, which the views' healing in the
 * gateway tells it through too). Best effort: a failure is logged and never fails or retries
 * the batch (the views are written; a console catches up at its next snapshot).
 */
import type { ViewsMessage } from "../../src/domain/events";
import { markersOfMessages, publishUnsuperseded } from "../../src/durable-objects/ops-publish";

/**
 * Publishes the markers of `messages` (already written) to the feed, but for those a newer row
 * supersedes (a late message: its change reached the consoles already). Never throws.
 *
 * @example
 * await publishToOps(env, written);
 */
export function publishToOps(env: Pick<ViewsEnv, "OPS_FEED" | "VIEWS_DB">, messages: readonly ViewsMessage[]): Promise<void> {
  return publishUnsuperseded(env, markersOfMessages(messages), "views batch");
}
