/**
 * Views worker entry: consumes ride-events (projected into D1) and its dead-letter
 * queue (kept in view_dead_letters for an operator's replay).
 */
import { consumerFetch } from "../../src/lib/readiness";
import { logMetrics, meterBatch } from "../../src/lib/metering";
import type { ViewsMessage } from "../../src/domain/events";
import { retryDelaySeconds } from "../../src/lib/backoff";
import { isDeadLetterQueue, keepEachLetter } from "../../src/lib/dead-letters";
import { keepDeadLetter } from "../../src/views/dead-letters";
import { viewsFault } from "../../src/views/faults";
import { publishToOps } from "./ops-feed";
import { project, projectAskingWatched } from "./projection";

/** The development fault (PUT /v1/dev/faults {views}), read only where it can be set. */
async function faultDown(env: ViewsEnv): Promise<boolean> {
  return env.ENVIRONMENT === "development" && (await viewsFault(env.VIEWS_DB)) === "down";
}

/** Keeps each dead letter; acked once stored (a failed store retries the DLQ message). */
function keepDeadLetters(batch: MessageBatch<unknown>, env: ViewsEnv): Promise<void> {
  return keepEachLetter(batch, async (message) => {
    await keepDeadLetter(env.VIEWS_DB, { id: message.id, body: message.body, reason: "projection failed on every retry", attempts: message.attempts });
    console.error(JSON.stringify({ msg: "views message dead-lettered", id: message.id, kind: (message.body as { kind?: unknown } | null)?.kind }));
  });
}

/**
 * Projects the batch as one D1 batch; if that fails, each message on its own, so a
 * poison message is retried (and ends in the dead-letter queue) alone, not with the
 * good messages it arrived with. Then the operators' live map hears of what was written, while
 * a console watches it (src/views/ops-watch.ts); one by one, it hears of it whatever.
 */
async function projectBatch(batch: MessageBatch<ViewsMessage>, env: ViewsEnv): Promise<void> {
  if (await faultDown(env)) {
    // The whole batch fails, as with D1 down; retried within a second so that the tests
    // watching for the dead letters see them after max_retries seconds, not the backoff's minutes.
    console.warn(JSON.stringify({ msg: "views fault: down (development); the batch will retry", size: batch.messages.length }));
    for (const message of batch.messages) message.retry({ delaySeconds: 1 });
    return;
  }
  const bodies = batch.messages.map((m) => m.body);
  let watched: boolean;
  try {
    watched = await projectAskingWatched(env.VIEWS_DB, bodies);
    batch.ackAll();
  } catch (error) {
    // The batch is one D1 transaction: nothing of it was applied.
    console.warn(JSON.stringify({ msg: "batch projection failed; projecting one by one", size: batch.messages.length, error: String(error) }));
    return projectOneByOne(batch, env);
  }
  // No console watching: a console that connects later reads these rows in its snapshot.
  if (watched) await publishToOps(env, bodies);
}

async function projectOneByOne(batch: MessageBatch<ViewsMessage>, env: ViewsEnv): Promise<void> {
  const written: ViewsMessage[] = [];
  for (const message of batch.messages) {
    try {
      await project(env.VIEWS_DB, [message.body]);
      message.ack();
      written.push(message.body);
    } catch (error) {
      const delaySeconds = retryDelaySeconds(message.attempts);
      const body = (message.body ?? {}) as Partial<ViewsMessage>;
      const kind = body.kind;
      const eventId = "events" in body ? body.events?.map((e) => e.id) : "event" in body ? body.event?.id : undefined;
      console.error(
        JSON.stringify({
          msg: "projection failed; will retry",
          id: message.id,
          kind,
          eventId,
          attempts: message.attempts,
          delaySeconds,
          error: String(error),
        }),
      );
      message.retry({ delaySeconds });
    }
  }
  await publishToOps(env, written);
}

export default {
  fetch(request: Request, env: ViewsEnv): Response {
    return consumerFetch("views", request, env);
  },

  async queue(batch: MessageBatch<ViewsMessage>, env: ViewsEnv): Promise<void> {
    env = meterBatch(env, "views", batch);
    if (isDeadLetterQueue(batch.queue)) await keepDeadLetters(batch, env);
    else await projectBatch(batch, env);
    // Development: the gateway cannot ask this worker, so its counters go to the log after each run.
    logMetrics("views");
  },
} satisfies ExportedHandler<ViewsEnv, ViewsMessage>;
