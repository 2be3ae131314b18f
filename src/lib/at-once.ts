/**
 * Calls to objects a few at a time, each failure kept apart: the windows' runs
 * (src/views/window.ts, src/payments/ledger-handover.ts) reach thousands of owners' objects
 * a minute, and one that fails must not stop the rest.
 */

/** Calls at once: a Worker holds at most 6 connections open, more wait their turn. */
export const CALLS_AT_ONCE = 6;

/**
 * Runs `call` for every item, `CALLS_AT_ONCE` at a time; answers the items whose call failed
 * (each with a warning line naming `what` did not happen).
 *
 * @example
 * const failed = await failedOf(owners, (o) => o.keep(), "views window: an owner did not keep its rows");
 */
export async function failedOf<T>(items: T[], call: (item: T) => Promise<void>, what: string): Promise<T[]> {
  const failed: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await call(item).catch((error: unknown) => {
        failed.push(item);
        console.warn(JSON.stringify({ msg: what, error: String(error) }));
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CALLS_AT_ONCE, items.length) }, worker));
  return failed;
}
