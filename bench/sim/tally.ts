/**
 * The simulator's running counts, as the clients see them (the apps' own view, not the
 * server's): requests sent and answered, rides waiting, assigned, completed and cancelled,
 * drivers online, free and on a trip, reports, errors; and the live line printed every
 * second. Pure apart from the clock the caller passes in.
 *
 * @example
 * tally.accepted("rd_1", sentAt, 120);
 * tally.assigned("rd_1", Date.now());
 * console.log(tally.line(Date.now(), startedAt));
 */
import { Window } from "./window.ts";

export class Tally {
  sent = 0;
  acceptMs: number[] = [];
  refused: Record<string, number> = {};
  /** Accepted ride id → when its request was sent (epoch ms). */
  readonly sentAt = new Map<string, number>();
  readonly assignedIds = new Set<string>();
  readonly endedIds = new Set<string>();
  completed = 0;
  cancelled = 0;
  /** Accepted rides held by a driver whose app went silent (they may never end). */
  readonly heldBySilent = new Set<string>();
  readonly dispatch = new Window(10_000);
  readonly reportsWindow = new Window(5_000);
  reports = { sent: 0, accepted: 0, refused: {} as Record<string, number> };
  errors = 0;
  /** The first few distinct error descriptions, for the report. */
  readonly errorSamples: string[] = [];
  cancels = { asked: 0, cancelled: 0, tooLate: 0, failed: 0, skipped: 0 };
  viewLagMs: number[] = [];
  viewLagTimeouts = 0;
  offersWhileSilent = 0;
  offersSilentPastFreshness = 0;
  offersLost = 0;
  duesPaid = 0;
  drivers = { online: 0, onTrip: 0, silent: 0 };

  accepted(id: string, sentAt: number, latencyMs: number): void {
    this.sentAt.set(id, sentAt);
    this.acceptMs.push(latencyMs);
  }

  refusedWith(status: string): void {
    this.refused[status] = (this.refused[status] ?? 0) + 1;
  }

  /** A client saw the ride with a driver (the first sighting counts). */
  assigned(id: string, now: number): void {
    if (this.assignedIds.has(id) || this.endedIds.has(id)) return;
    this.assignedIds.add(id);
    const sent = this.sentAt.get(id);
    if (sent !== undefined) this.dispatch.add(now, now - sent);
  }

  /** A client saw the ride end (the first sighting counts). */
  ended(id: string, how: "completed" | "cancelled"): void {
    if (this.endedIds.has(id)) return;
    this.endedIds.add(id);
    if (how === "completed") this.completed++;
    else this.cancelled++;
  }

  /** Location reports taken, by the dispatch cell of the reported position. */
  readonly reportsByCell = new Map<string, number>();

  report(now: number, status: number | "error", cell?: string): void {
    this.reports.sent++;
    if (status === 204) {
      this.reports.accepted++;
      this.reportsWindow.add(now);
      if (cell) this.reportsByCell.set(cell, (this.reportsByCell.get(cell) ?? 0) + 1);
    } else this.reports.refused[status] = (this.reports.refused[status] ?? 0) + 1;
  }

  error(what: string): void {
    this.errors++;
    if (this.errorSamples.length < 10 && !this.errorSamples.includes(what)) this.errorSamples.push(what);
  }

  /** Accepted rides neither seen with a driver nor ended. */
  waiting(): number {
    let n = 0;
    for (const id of this.sentAt.keys()) if (!this.assignedIds.has(id) && !this.endedIds.has(id)) n++;
    return n;
  }

  /** Accepted rides not yet ended and not held by a silent driver. */
  unsettled(): number {
    let n = 0;
    for (const id of this.sentAt.keys()) if (!this.endedIds.has(id) && !this.heldBySilent.has(id)) n++;
    return n;
  }

  refusedTotal(): number {
    return Object.values(this.refused).reduce((a, b) => a + b, 0);
  }

  /** The live line: elapsed, drivers, requests, rides, dispatch p50 of the last 10 s, reports/s, errors. */
  line(now: number, startedAt: number): string {
    const p50 = this.dispatch.percentile(now, 50);
    const available = this.drivers.online - this.drivers.onTrip - this.drivers.silent;
    return [
      `t ${((now - startedAt) / 1000).toFixed(0).padStart(4)} s`,
      `drivers ${this.drivers.online} online/${available} free/${this.drivers.onTrip} on trip`,
      `requests ${this.sent} sent/${this.sentAt.size} accepted/${this.refusedTotal()} refused`,
      `waiting ${this.waiting()}`,
      `assigned ${this.assignedIds.size}`,
      `completed ${this.completed}`,
      `cancelled ${this.cancelled}`,
      `dispatch p50 ${Number.isFinite(p50) ? `${(p50 / 1000).toFixed(1)} s` : "–"}`,
      `${this.reportsWindow.rate(now).toFixed(1)} reports/s`,
      `errors ${this.errors}`,
    ].join(" | ");
  }
}
