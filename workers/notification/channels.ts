/**
 * Delivery channels behind one interface. Each sends one delivery and throws when it
 * did not go through (the handler retries). `accepts` says whether a channel can reach
 * that recipient at all (no webhook configured, no phone on file, no live socket kind).
 */
import type { Ride } from "../../src/domain/types";
import type { Rental } from "../../src/domain/rental/types";
import type { Audience } from "./templates";

export interface Delivery {
  /** Stable per (event, channel, recipient): the receiver can dedupe on it too. */
  id: string;
  eventId: string;
  event: string;
  rideId: string;
  audience: Audience;
  recipient: string;
  locale: "ko" | "en";
  text: string;
  texts: { ko: string; en: string };
  templateCode: string;
  /** The ride, or the rental (without its key), the news is about (none for a decision about a driver). */
  ride?: Ride | Rental;
  correlationId: string;
}

export interface Channel {
  readonly name: "webhook" | "kakao" | "live";
  /**
   * Whether `accepts` reads what can change or fail to answer (a phone on file, read from a
   * database): a delivery it refuses now may have been planned by an earlier try (handler.ts).
   */
  readonly reachMayChange?: boolean;
  accepts(delivery: Omit<Delivery, "id">): Promise<boolean>;
  send(delivery: Delivery): Promise<void>;
}

/**
 * Thrown by a channel whose recipient cannot take a delivery now, though nothing is down (a
 * driver with no socket open): the delivery is recorded failed at once, with why, never retried
 * nor dead-lettered. Recorded `sent`, it would say a notice reached someone it never reached.
 */
export class NotReachable extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "NotReachable";
  }
}

/** The fault injected into the external sinks (development only). */
export interface SinkFault {
  mode: "ok" | "down" | "slow" | "flaky";
  latencyMs?: number;
  failureRate?: number;
}

/** Wraps an external channel so the injected fault applies to it. */
export function withFault(channel: Channel, fault: SinkFault): Channel {
  if (fault.mode === "ok") return channel;
  return {
    name: channel.name,
    ...(channel.reachMayChange ? { reachMayChange: true } : {}),
    accepts: (d) => channel.accepts(d),
    async send(d) {
      if (fault.mode === "down") throw new Error(`${channel.name}: sink down (injected)`);
      if (fault.mode === "slow") await new Promise((r) => setTimeout(r, fault.latencyMs ?? 1000));
      if (fault.mode === "flaky") {
        if (fault.latencyMs) await new Promise((r) => setTimeout(r, Math.random() * (fault.latencyMs ?? 0)));
        if (Math.random() < (fault.failureRate ?? 0.5)) throw new Error(`${channel.name}: sink failed (injected)`);
      }
      await channel.send(d);
    },
  };
}
