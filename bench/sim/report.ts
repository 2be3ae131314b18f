/**
 * The simulator's end-of-run report, pure: what each accepted ride's timeline says about it
 * (outcome, dispatch time, pickup ETA), the figures over the run, the text printed and the
 * invariants a run must keep (every accepted ride accounted for, every request answered or
 * counted, no offer to a driver silent for longer than the freshness window).
 *
 * @example
 * const facts = factsOf(0, "rd_1", timeline.items);
 * const report = buildReport(run);
 * console.log(reportText(report));
 */
import { mean, summary, type Summary } from "../support/stats.ts";
import type { MetricsSummary } from "./metrics.ts";
import type { ScheduleSettings } from "./schedule.ts";

export interface TimelineEvent {
  type: string;
  version: number;
  occurredAt: string;
  data: Record<string, unknown>;
}

export type Outcome = "completed" | "cancelled_by_rider" | "no_driver_available" | "payment_declined" | "cancelled_other" | "open" | "unknown";
export const OUTCOMES: readonly Outcome[] = [
  "completed",
  "cancelled_by_rider",
  "no_driver_available",
  "payment_declined",
  "cancelled_other",
  "open",
  "unknown",
];

/** What a ride's timeline says, for one accepted ride. */
export interface RideFacts {
  n: number;
  id: string;
  outcome: Outcome;
  /** The status a ride still open at the end was in (from its last event), else null. */
  openStatus: string | null;
  /** RideRequested → first DriverAssigned, server clock; null if never assigned. */
  dispatchMs: number | null;
  /** etaSeconds of the first DriverAssigned. */
  etaSeconds: number | null;
  /** RideCompleted's time (epoch ms). */
  completedAt: number | null;
}

const STATUS_AFTER: Record<string, string> = {
  RideRequested: "requested",
  DispatchStarted: "dispatching",
  DriverOffered: "dispatching",
  OfferDeclined: "dispatching",
  OfferExpired: "dispatching",
  OfferWithdrawn: "dispatching",
  DriverUnassigned: "dispatching",
  DriverAssigned: "driver_assigned",
  DriverArrived: "driver_arrived",
  TripStarted: "in_progress",
  TripEnded: "payment_pending",
};

/** The facts of ride `id` (request number `n`) from its timeline; `events` null when it could not be read. */
export function factsOf(n: number, id: string, events: readonly TimelineEvent[] | null): RideFacts {
  const facts: RideFacts = { n, id, outcome: "unknown", openStatus: null, dispatchMs: null, etaSeconds: null, completedAt: null };
  if (!events) return facts;
  const requested = events.find((e) => e.type === "RideRequested");
  const assigned = events.find((e) => e.type === "DriverAssigned");
  if (requested && assigned) facts.dispatchMs = Date.parse(assigned.occurredAt) - Date.parse(requested.occurredAt);
  if (assigned && typeof assigned.data.etaSeconds === "number") facts.etaSeconds = assigned.data.etaSeconds;
  const completed = events.find((e) => e.type === "RideCompleted");
  const cancelled = events.find((e) => e.type === "RideCancelled");
  if (completed) {
    facts.outcome = "completed";
    facts.completedAt = Date.parse(completed.occurredAt);
  } else if (cancelled) {
    const { by, reason } = cancelled.data;
    facts.outcome =
      by === "rider"
        ? "cancelled_by_rider"
        : reason === "no_driver_available"
          ? "no_driver_available"
          : reason === "payment_declined"
            ? "payment_declined"
            : "cancelled_other";
  } else {
    facts.outcome = "open";
    const last = [...events].reverse().find((e) => STATUS_AFTER[e.type]);
    facts.openStatus = (last && STATUS_AFTER[last.type]) ?? "requested";
  }
  return facts;
}

/** Everything the run observed, as the report's input. */
export interface RunFacts {
  hash: string;
  settings: ScheduleSettings;
  baseUrl: string;
  startedAt: string;
  /** Epoch ms of the first request slot and of the end of the request phase. */
  requestWindow: { fromMs: number; toMs: number };
  drainS: number;
  /** Requests in the schedule (fewer are sent when a run is interrupted). */
  scheduled: number;
  sent: number;
  /** Answers to POST /v1/rides other than 202, by status ("error" when none came). */
  refused: Record<string, number>;
  /** Latency of every 202 (ms). */
  acceptMs: number[];
  /** One per 202. */
  rides: RideFacts[];
  cancels: { asked: number; cancelled: number; tooLate: number; failed: number };
  viewLagMs: number[];
  viewLagTimeouts: number;
  reports: { sent: number; accepted: number; refused: Record<string, number> };
  drivers: { count: number; online: number; silent: number; offersWhileSilent: number; offersSilentPastFreshness: number; freshnessS: number };
  errors: number;
  metrics: MetricsSummary | null;
  /** Location reports taken, by dispatch cell, and each cell's writes (the development counters; null without them). */
  reportsByCell?: Record<string, number>;
  cellWrites?: Record<string, number> | null;
  notes: string[];
}

const ms = (s: Summary) => ({ n: s.n, p50: s.p50, p90: s.p90, p99: s.p99, max: s.max });
const nullIfNaN = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
const statsOf = (values: number[]) => {
  const s = ms(summary(values));
  return { n: s.n, p50: nullIfNaN(s.p50), p90: nullIfNaN(s.p90), p99: nullIfNaN(s.p99), max: nullIfNaN(s.max) };
};

/**
 * The densest dispatch cell (the one with the most location reports made inside it)
 * against its writes (listing, moving, renewing, removing a driver; from the system's start
 * until the reports stopped): how much the lease spares the cell (issue 16: at least ten times
 * fewer writes than reports). Null without the development counters.
 *
 * @example
 * densestCellLoad({ wydm2: 2400 }, { wydm2: 120 }); // { cell: "wydm2", reports: 2400, writes: 120, reportsPerWrite: 20 }
 */
export function densestCellLoad(reportsByCell: Record<string, number>, cellWrites: Record<string, number> | null) {
  const densest = Object.entries(reportsByCell).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  if (!densest || !cellWrites || Object.keys(cellWrites).length === 0) return null;
  const [cell, reports] = densest;
  const writes = cellWrites[cell] ?? 0;
  return { cell, reports, writes, reportsPerWrite: writes > 0 ? Math.round((reports / writes) * 10) / 10 : null };
}

/** The report's figures (the JSON written under bench/results/). */
export function buildReport(run: RunFacts) {
  const accepted = run.rides.length;
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, run.rides.filter((r) => r.outcome === o).length])) as Record<Outcome, number>;
  const open = run.rides.filter((r) => r.outcome === "open");
  const openByStatus: Record<string, number> = {};
  for (const r of open) openByStatus[r.openStatus ?? "?"] = (openByStatus[r.openStatus ?? "?"] ?? 0) + 1;
  const servable = accepted - outcomes.cancelled_by_rider - outcomes.payment_declined;
  const windowS = Math.max(0.001, (run.requestWindow.toMs - run.requestWindow.fromMs) / 1000);
  const completedInWindow = run.rides.filter(
    (r) => r.completedAt !== null && r.completedAt >= run.requestWindow.fromMs && r.completedAt <= run.requestWindow.toMs,
  ).length;
  const etas = run.rides.map((r) => r.etaSeconds).filter((x): x is number => x !== null);
  const refusedTotal = Object.values(run.refused).reduce((a, b) => a + b, 0);
  return {
    kind: "simulate",
    schedule: { hash: run.hash, settings: run.settings },
    baseUrl: run.baseUrl,
    startedAt: run.startedAt,
    requestPhaseS: Math.round(windowS * 10) / 10,
    drainS: run.drainS,
    requests: { scheduled: run.scheduled, sent: run.sent, accepted, refused: run.refused, refusedTotal },
    outcomes,
    openByStatus,
    servedShare: accepted === 0 ? null : Math.round((outcomes.completed / accepted) * 1000) / 1000,
    servedShareOfServable: servable <= 0 ? null : Math.round((outcomes.completed / servable) * 1000) / 1000,
    acceptanceMs: statsOf(run.acceptMs),
    dispatchMs: statsOf(run.rides.map((r) => r.dispatchMs).filter((x): x is number => x !== null)),
    pickupEtaS: { n: etas.length, mean: nullIfNaN(mean(etas)), p90: statsOf(etas).p90 },
    completedPerSecond: Math.round((completedInWindow / windowS) * 1000) / 1000,
    viewLagMs: { ...statsOf(run.viewLagMs), timeouts: run.viewLagTimeouts },
    cancels: run.cancels,
    // reports go on while the rides in flight end, so their rate is over the whole run
    reports: { ...run.reports, perSecond: Math.round((run.reports.accepted / (windowS + run.drainS)) * 10) / 10 },
    drivers: run.drivers,
    errors: run.errors,
    metrics: run.metrics,
    densestCell: densestCellLoad(run.reportsByCell ?? {}, run.cellWrites ?? null),
    cpuPerRide: null,
    notes: run.notes,
  };
}

export type Report = ReturnType<typeof buildReport>;

/** The invariants every run keeps, as the broken ones' descriptions (empty: all kept). */
export function brokenInvariants(report: Report): string[] {
  const broken: string[] = [];
  const { requests, outcomes } = report;
  const accounted = OUTCOMES.reduce((sum, o) => sum + outcomes[o], 0);
  if (accounted !== requests.accepted) broken.push(`outcomes add up to ${accounted}, not the ${requests.accepted} accepted rides`);
  if (requests.accepted + requests.refusedTotal !== requests.sent)
    broken.push(`${requests.sent} requests sent but ${requests.accepted} accepted + ${requests.refusedTotal} refused or unanswered`);
  if (outcomes.unknown > 0) broken.push(`${outcomes.unknown} accepted rides whose timeline could not be read`);
  if (report.drivers.offersSilentPastFreshness > 0)
    broken.push(`${report.drivers.offersSilentPastFreshness} offers or assignments to drivers silent for longer than ${report.drivers.freshnessS} s`);
  return broken;
}

const f = (x: number | null, digits = 0) => (x === null ? "–" : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)} %`);

/** The report as the text printed at the end of a run. */
export function reportText(r: Report): string {
  const refused = Object.entries(r.requests.refused)
    .map(([status, n]) => `${status}: ${n}`)
    .join(", ");
  const open = Object.entries(r.openByStatus)
    .map(([status, n]) => `${status} ${n}`)
    .join(", ");
  const m = r.metrics;
  const hot = (h: { name: string; perSecond: number } | null | undefined) => (h ? `${h.name} ${h.perSecond.toFixed(1)}/s` : "–");
  const s = r.schedule.settings;
  return [
    `simulate: seed ${s.seed}, schedule ${r.schedule.hash}; ${s.drivers} drivers reporting every ${s.reportS} s, λ = ${s.rate}/s for ${s.minutes} min, against ${r.baseUrl}`,
    `requests      sent ${r.requests.sent}, accepted ${r.requests.accepted}, refused ${r.requests.refusedTotal}${refused ? ` (${refused})` : ""}`,
    `outcomes      completed ${r.outcomes.completed}, cancelled by the rider ${r.outcomes.cancelled_by_rider}, no driver ${r.outcomes.no_driver_available}, card declined ${r.outcomes.payment_declined}, other cancel ${r.outcomes.cancelled_other}, open ${r.outcomes.open}${open ? ` (${open})` : ""}, unknown ${r.outcomes.unknown}`,
    `served        ${pct(r.servedShare)} of accepted; ${pct(r.servedShareOfServable)} of those neither cancelled by the rider nor declined`,
    `acceptance    p50 ${f(r.acceptanceMs.p50)} ms, p99 ${f(r.acceptanceMs.p99)} ms (POST /v1/rides → 202, n ${r.acceptanceMs.n})`,
    `dispatch      p50 ${f(r.dispatchMs.p50)} ms, p99 ${f(r.dispatchMs.p99)} ms (RideRequested → DriverAssigned, server clock, n ${r.dispatchMs.n})`,
    `pickup ETA    mean ${f(r.pickupEtaS.mean)} s, p90 ${f(r.pickupEtaS.p90)} s`,
    `completed     ${r.completedPerSecond.toFixed(2)} rides/s over the ${r.requestPhaseS} s request phase`,
    `view lag      p50 ${f(r.viewLagMs.p50)} ms, p99 ${f(r.viewLagMs.p99)} ms (step answered → rider's GET /v1/rides shows it, n ${r.viewLagMs.n}, timeouts ${r.viewLagMs.timeouts})`,
    `cancels       asked ${r.cancels.asked}: cancelled ${r.cancels.cancelled}, too late ${r.cancels.tooLate}, failed ${r.cancels.failed}`,
    `reports       ${r.reports.accepted} accepted (${r.reports.perSecond}/s) of ${r.reports.sent}`,
    `drivers       ${r.drivers.count}, ${r.drivers.silent} went silent; offers/assignments to a silent driver ${r.drivers.offersWhileSilent}, past ${r.drivers.freshnessS} s of silence ${r.drivers.offersSilentPastFreshness}`,
    `hottest       ride ${hot(m?.hottest.ride)}, driver ${hot(m?.hottest.driver)}, cell ${hot(m?.hottest.cell)}, district ${hot(m?.hottest.district)}; D1 writes ${m?.d1WritesPerSecond == null ? "–" : `${m.d1WritesPerSecond.toFixed(1)}/s`}`,
    r.densestCell
      ? `densest cell  ${r.densestCell.cell}: ${r.densestCell.reports} location reports made in it, ${r.densestCell.writes} writes to it (listing, moving, renewing, removing drivers): ${r.densestCell.reportsPerWrite ?? "–"} reports a write`
      : "densest cell  –",
    `errors        ${r.errors}`,
    ...r.notes.map((n) => `note          ${n}`),
  ].join("\n");
}
