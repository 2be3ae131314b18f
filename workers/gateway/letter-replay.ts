/**
 * How the operators' replay (`POST /v1/ops/views/replay`) projects one views dead letter.
 *
 * A ride's letter replayed after the views' window let its ride go must not be projected as it
 * is: the letter's snapshot is the ride as it was then, and with no row left to lose a version
 * check to, it would stand in the views at that version for good. A ride whose refund was
 * declined then and made good since would come back as an open refund problem (the window passes
 * a declined row over, and the sweep reads no completed ride); a ride still dispatching then, as
 * an open ride. So such a letter's ride is read from its object and its current state goes where
 * it belongs now (`projectOrKeep`: its owners' objects when past the window, else the views).
 */
import type { ViewsMessage } from "../../src/domain/events";
import { project, type ViewWrite } from "../../src/views/projection";
import { missingIds, readCursor } from "../../src/views/repair-store";
import { rides } from "../../src/views/schema";
import { KEPT_BEFORE } from "../../src/views/window-rules";
import { rideWrites } from "./ledger-passes";
import { rideSnapshotOf } from "./ride-snapshot";
import { projectOrKeep } from "./window-keepers";
import type { FeedNews } from "../../src/durable-objects/ops-publish";

/** What a replay needs; `replayLetterDeps(env)` wires them. */
export interface LetterReplayDeps {
  /** How recent the newest ride the window handed over may be (`rides_kept_before`); null while it never handed one. */
  ridesKeptBefore: () => Promise<string | null>;
  /** Whether the views have a row for the ride. */
  hasRide: (rideId: string) => Promise<boolean>;
  /** The ride's writes from its object now; null when the object does not know it. */
  rideNow: (rideId: string) => Promise<ViewWrite[] | null>;
  /** Projects writes, handing what is past the window to its owners. */
  projectOrKeep: (writes: ViewWrite[]) => Promise<void>;
  /** Projects the letter as it is. */
  project: (message: ViewsMessage) => Promise<void>;
}

/** The ride a letter is about, when it is a ride's. */
function rideOf(message: ViewsMessage): { id: string; createdAt: string } | null {
  if (message.kind !== "ride.event" && message.kind !== "ride.events") return null;
  const ride = (message as { ride?: { id?: unknown; createdAt?: unknown } }).ride;
  return typeof ride?.id === "string" && typeof ride.createdAt === "string" ? { id: ride.id, createdAt: ride.createdAt } : null;
}

/**
 * A replay's way to project its letters. A ride's letter whose ride has no row in the views and
 * was created before the newest ride the window handed over (so the window may have let it go)
 * is replaced by its ride's current state; every other letter is projected as it is (a row still
 * there wins by version; a ride created after that was never handed over, only its messages lost).
 * The cursor is read once per replay. Throws, keeping the letter open, when the ride's object
 * does not know it or cannot be read.
 *
 * @example
 * await replayDeadLetters(env.VIEWS_DB, { projectLetter: letterReplay(replayLetterDeps(env)) });
 */
export function letterReplay(deps: LetterReplayDeps): (message: ViewsMessage) => Promise<void> {
  let keptBefore: Promise<string | null> | undefined;
  const mayHaveGone = async (ride: { id: string; createdAt: string }) => {
    keptBefore ??= deps.ridesKeptBefore();
    const cursor = await keptBefore;
    return cursor !== null && ride.createdAt < cursor && !(await deps.hasRide(ride.id));
  };
  return async (message) => {
    const ride = rideOf(message);
    if (!ride || !(await mayHaveGone(ride))) return deps.project(message);
    const writes = await deps.rideNow(ride.id);
    if (!writes) throw new Error(`ride ${ride.id} may be past the views' window and its object does not know it`);
    await deps.projectOrKeep(writes);
  };
}

/**
 * The views database, the ride's object and the window's owners; `news` hears what each letter
 * wrote once written (the ride's current writes when it was read from its object, not the
 * letter's old marker, which the feed would drop as superseded, telling the consoles nothing).
 *
 * @example
 * const projectLetter = letterReplay(replayLetterDeps(env, news));
 */
export const replayLetterDeps = (env: Env, news?: FeedNews): LetterReplayDeps => ({
  ridesKeptBefore: () => readCursor(env.VIEWS_DB, KEPT_BEFORE.rides),
  hasRide: async (rideId) => (await missingIds(env.VIEWS_DB, rides, [rideId])).length === 0,
  rideNow: async (rideId) => {
    const snapshot = await rideSnapshotOf(env, rideId);
    return snapshot && rideWrites(snapshot);
  },
  projectOrKeep: async (writes) => {
    await projectOrKeep(env, writes);
    news?.heardWrites(writes);
  },
  project: async (message) => {
    await project(env.VIEWS_DB, [message]);
    news?.heardMessages([message]);
  },
});
