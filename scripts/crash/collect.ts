/**
 * After the load: waiting for the system to settle, then asking every store, through the
 * public API, what it holds (the `Observed` the invariants check).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { eachLimited, type Answer, type Http } from "./http.ts";
import { heldWithoutRide, type DriverView, type Earnings, type LedgerEntry, type Observed, type RideView } from "./invariants.ts";
import type { Actor } from "./load.ts";

const WIDTH = 8;

/** The Ride DO of each ride (GET /v1/rides/{id} as ops); null: 404. Throws if one gets no answer by `until`. */
export async function ridesOf(http: Http, ops: string, ids: string[], until: number): Promise<Record<string, RideView | null>> {
  const answers = await eachLimited(ids, WIDTH, async (id) => {
    const res = await http.send<RideView>("GET", `/v1/rides/${id}`, { token: ops }, until);
    if (!res) throw new Error(`GET /v1/rides/${id}: no answer`);
    if (res.status === 404) return [id, null] as const;
    if (res.status !== 200) throw new Error(`GET /v1/rides/${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return [id, res.body] as const;
  });
  return Object.fromEntries(answers);
}

const line = (r: RideView | null | undefined) => (r ? `${r.status}/${r.payment.status}/${r.version ?? ""}` : "absent");
/** Completed and paid (or owed), or cancelled with the hold released or refused: nothing changes it any more. */
const isFinal = (r: RideView) =>
  (r.status === "completed" && (r.payment.status === "captured" || r.payment.status === "failed")) ||
  (r.status === "cancelled" && (r.payment.status === "voided" || r.payment.status === "declined"));

export interface SettleReport {
  settledMs: number;
  /** "ended": every ride over and the ops list agreeing; "quiet": nothing changed for a while; "bound": time ran out. */
  how: "ended" | "quiet" | "bound";
  polls: number;
}

/**
 * Whether the operators' list shows a driver busy without a ride under way with them (the
 * `busyDrivers` invariant): a trip's end whose release a crash lost is undone by the driver's
 * own `silent` timer, which the system is given time for, as for any of its timers.
 */
async function heldAfterTheirRide(http: Http, ops: string, rides: Record<string, RideView | null>, until: number): Promise<boolean> {
  const res = await http.send<{ items: DriverView[] }>("GET", "/v1/ops/drivers?limit=100", { token: ops }, until);
  if (res?.status !== 200) return true;
  return res.body.items.some((d) => heldWithoutRide(d.id, d, rides));
}

/**
 * Polls the accepted rides and the operators' list every 3 s until every ride is over
 * (completed or cancelled, its payment settled), the list agrees and no driver is still held
 * by a ride that is over, or until nothing has changed for `quietMs` (longer,
 * `activeQuietMs`, while some ride or driver is still under way: a ride may be waiting for its
 * dispatch deadline, a driver for their `silent` check), or `boundMs` passed. `sweep`, when
 * given, runs every `sweepEveryMs` meanwhile.
 */
export async function settle(
  http: Http,
  ops: string,
  ids: () => string[],
  o: { quietMs: number; activeQuietMs: number; boundMs: number; sweep?: () => Promise<void>; sweepEveryMs?: number },
): Promise<SettleReport> {
  const started = Date.now();
  let sweptAt = 0;
  const until = started + o.boundMs;
  // Rides whose status and payment are final: nothing changes them any more, so they are read once.
  const final = new Map<string, RideView>();
  let last = "";
  let changedAt = Date.now();
  let polls = 0;
  while (Date.now() < until) {
    polls += 1;
    if (o.sweep && Date.now() - sweptAt >= (o.sweepEveryMs ?? 10_000)) {
      sweptAt = Date.now();
      await o.sweep();
    }
    let fingerprint: string;
    let ended = false;
    let active = true;
    try {
      const fresh = await ridesOf(
        http,
        ops,
        ids().filter((id) => !final.has(id)),
        until,
      );
      for (const [id, r] of Object.entries(fresh)) if (r && isFinal(r)) final.set(id, r);
      const rides = { ...fresh, ...Object.fromEntries(final) };
      const listed = new Map((await http.all<RideView>("/v1/ops/rides", ops, until)).map((r) => [r.id, r]));
      const all = Object.values(rides);
      active = all.some((r) => r && r.status !== "completed" && r.status !== "cancelled");
      ended =
        !active &&
        all.every((r) => r && (isFinal(r) || (r.status === "cancelled" && r.payment.status === "pending"))) &&
        Object.entries(rides).every(([id, r]) => line(listed.get(id)) === line(r));
      if (ended && (await heldAfterTheirRide(http, ops, rides, until))) {
        ended = false;
        active = true;
      }
      fingerprint = JSON.stringify([Object.entries(fresh).map(([id, r]) => `${id}:${line(r)}`), [...listed].map(([id, r]) => `${id}:${line(r)}`)]);
    } catch {
      fingerprint = last; // the system did not answer in time: nothing learned
    }
    if (fingerprint !== last) {
      last = fingerprint;
      changedAt = Date.now();
    }
    if (ended) return { settledMs: Date.now() - started, how: "ended", polls };
    if (Date.now() - changedAt >= (active ? o.activeQuietMs : o.quietMs)) return { settledMs: Date.now() - started, how: "quiet", polls };
    await sleep(3_000);
  }
  return { settledMs: Date.now() - started, how: "bound", polls };
}

/** Asks every store what it holds, through the public API. */
export async function observe(
  http: Http,
  tokens: { ops: string; riders: Actor[]; drivers: Actor[] },
  accepted: Map<string, { riderId: string }>,
  until: number,
): Promise<Observed> {
  const { ops } = tokens;
  const opsList = await http.all<RideView>("/v1/ops/rides", ops, until);
  const ids = [...new Set([...accepted.keys(), ...opsList.map((r) => r.id)])];
  const rides = await ridesOf(http, ops, ids, until);
  const ledgers = Object.fromEntries(
    await eachLimited(ids, WIDTH, async (id) => {
      const res = await http.send<{ items: LedgerEntry[] }>("GET", `/v1/ops/rides/${id}/payments`, { token: ops }, until);
      if (res?.status !== 200) throw new Error(`ledger of ${id}: ${res ? res.status : "no answer"}`);
      return [id, res.body.items] as const;
    }),
  );
  const riderLists = Object.fromEntries(
    await eachLimited(tokens.riders, WIDTH, async (r) => [r.id, await http.all<RideView>("/v1/rides", r.token, until)] as const),
  );
  const stats = await http.send<{ ridesByStatus: Record<string, number> }>("GET", "/v1/ops/stats", { token: ops }, until);
  if (stats?.status !== 200) throw new Error(`stats: ${stats ? stats.status : "no answer"}`);
  const driverViews = await http.send<{ items: DriverView[] }>("GET", "/v1/ops/drivers?limit=100", { token: ops }, until);
  if (driverViews?.status !== 200) throw new Error(`ops drivers: ${driverViews ? driverViews.status : "no answer"}`);
  const drivers = Object.fromEntries(
    await eachLimited(tokens.drivers, WIDTH, async (d) => {
      const res = await http.send<DriverView>("GET", "/v1/drivers/me", { token: d.token }, until);
      return [d.id, res?.status === 200 ? res.body : null] as const;
    }),
  );
  const earnings = Object.fromEntries(
    await eachLimited(tokens.drivers, WIDTH, async (d) => {
      let total = { amount: 0 };
      const items: Earnings["items"] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page++) {
        const path: string = `/v1/drivers/me/earnings?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const res: Answer<Earnings & { nextCursor: string | null }> | null = await http.send<Earnings & { nextCursor: string | null }>(
          "GET",
          path,
          { token: d.token },
          until,
        );
        if (res?.status !== 200) throw new Error(`earnings of ${d.id}: ${res ? res.status : "no answer"}`);
        items.push(...res.body.items);
        total = res.body.total;
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      return [d.id, { items, total }] as const;
    }),
  );
  return {
    accepted: [...accepted.keys()],
    owners: Object.fromEntries([...accepted].map(([id, a]) => [id, a.riderId])),
    rides,
    ledgers,
    riderLists,
    opsList,
    stats: stats.body.ridesByStatus,
    drivers,
    driverViews: driverViews.body.items,
    earnings,
  };
}
