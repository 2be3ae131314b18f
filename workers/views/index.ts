/** Views worker entry: consumes ride-events and projects them into D1. */
import { consumerFetch } from "../../src/lib/readiness";
import type { ViewsMessage } from "../../src/domain/events";
import { project } from "./projection";

export default {
  fetch(request: Request, env: ViewsEnv): Response {
    return consumerFetch("views", request, env);
  },

  async queue(batch: MessageBatch<ViewsMessage>, env: ViewsEnv): Promise<void> {
    try {
      await project(
        env.VIEWS_DB,
        batch.messages.map((m) => m.body),
      );
      batch.ackAll();
    } catch (error) {
      // The batch is one D1 transaction: nothing was applied, so all of it retries.
      console.error(JSON.stringify({ msg: "projection failed; batch will retry", size: batch.messages.length, error: String(error) }));
      batch.retryAll({ delaySeconds: 2 });
    }
  },
} satisfies ExportedHandler<ViewsEnv, ViewsMessage>;
