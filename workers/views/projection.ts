/**
 * The projection lives in src/views/projection.ts, shared with the gateway (dead-letter
 * replay, the repair sweep, the rebuild); the views worker runs it from the queue.
 */
export { applyWrites, earningOf, insertEarnings, project, projectAskingWatched, refundEarningId, rideMessages, writesOf } from "../../src/views/projection";
export type { EarningRow, TimelineEntry, ViewWrite } from "../../src/views/projection";
