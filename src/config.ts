/**
 * Configuration from wrangler vars (strings) to typed values, with the contract's
 * defaults. Every worker and Durable Object reads its settings through here, so a
 * missing or malformed var falls back to the documented default rather than NaN.
 */
import type { RoadModel } from "./domain/geo";
import { retentionDaysOf } from "./notifications/retention";

export type DispatchMode = "offer" | "auto";

/** Days the views keep a settled ride and its earnings unless `VIEWS_WINDOW_DAYS` says otherwise (src/views/window.ts). */
export const VIEWS_WINDOW_DAYS = 30;
/** Days the ledger keeps a settled ride's rows unless `LEDGER_WINDOW_DAYS` says otherwise (workers/payment/ledger-window.ts). */
export const LEDGER_WINDOW_DAYS = 30;

export interface Config {
  environment: "development" | "staging" | "production";
  dispatchMode: DispatchMode;
  offerTimeoutS: number;
  dispatchTimeoutS: number;
  /** Pause between dispatch rounds when nobody could be reserved. */
  dispatchRetryS: number;
  /** The dispatch deadline after a driver backs out (the clock restarts). */
  redispatchTimeoutS: number;
  /** How long an area that just failed to find a driver turns new requests away. */
  noSupplyWindowS: number;
  searchRadiusM: number;
  maxTripKm: number;
  autoApproveDrivers: boolean;
  /** A driver silent for longer than this is not offered rides. */
  driverFreshnessS: number;
  /** An available driver silent for this long is taken offline (the `silent` timer), so no one is shown available for ever. */
  driverOfflineAfterS: number;
  /** A driver on the way to a pickup silent for this long (or `driverOfflineAfterS` if shorter) is taken off the ride, which goes to another. */
  driverPickupSilentS: number;
  /** How often a listed driver's dispatch-cell entry is rewritten while nothing else about it changes (the cell's lease follows from it). */
  cellRefreshS: number;
  road: RoadModel;
  quoteTtlS: number;
  /** A payment step with no result after this long is sent again. */
  paymentWatchdogS: number;
  /** Development only: every outbox message is sent twice. */
  chaosDuplicateDelivery: boolean;
  /** How long after arriving a driver must wait before reporting a rider no-show. */
  noShowWaitS: number;
  /** The no-show fee captured from the hold (KRW; 0: the hold is voided). */
  noShowFee: number;
  /** How long a capture the provider refused waits for an operator's retry before the fare becomes dues. */
  captureRetryWindowS: number;
  /** A ride with a driver that has not moved on for this long is moved on by the system. */
  staleRideS: number;
  /** The heaviest parcel accepted (kg). */
  parcelMaxKg: number;
  /** Days the notification delivery log keeps a delivery (at least 1: longer than any redelivery of a message, its retries and the outbox's). */
  deliveryLogRetentionDays: number;
  /** Days the views keep a settled ride and an earnings row before handing them to their owners' objects (at least 1 outside development: src/views/window.ts). */
  viewsWindowDays: number;
  /** Days the ledger keeps a settled ride's rows before handing them to its Ride DO (at least 1 outside development, and never fewer than the views': workers/payment/ledger-window.ts). */
  ledgerWindowDays: number;
}

/** The vars this module reads; every worker's Env has a subset of them. */
export type ConfigVars = Partial<
  Record<
    | "ENVIRONMENT"
    | "DISPATCH_MODE"
    | "OFFER_TIMEOUT_S"
    | "DISPATCH_TIMEOUT_S"
    | "DISPATCH_RETRY_S"
    | "SEARCH_RADIUS_M"
    | "MAX_TRIP_KM"
    | "AUTO_APPROVE_DRIVERS"
    | "DRIVER_FRESHNESS_S"
    | "DRIVER_OFFLINE_AFTER_S"
    | "DRIVER_PICKUP_SILENT_S"
    | "CELL_REFRESH_S"
    | "ROAD_FACTOR"
    | "CITY_SPEED_KMH"
    | "QUOTE_TTL_S"
    | "REDISPATCH_TIMEOUT_S"
    | "NO_SUPPLY_WINDOW_S"
    | "PAYMENT_WATCHDOG_S"
    | "CHAOS_DUPLICATE_DELIVERY"
    | "NO_SHOW_WAIT_S"
    | "NO_SHOW_FEE"
    | "CAPTURE_RETRY_WINDOW_S"
    | "STALE_RIDE_S"
    | "PARCEL_MAX_KG"
    | "DELIVERY_LOG_RETENTION_DAYS"
    | "VIEWS_WINDOW_DAYS"
    | "LEDGER_WINDOW_DAYS",
    string
  >
>;

function num(value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n >= min ? n : fallback;
}

/**
 * Reads the configuration from an env object.
 *
 * @example
 * const config = readConfig(env);
 * if (config.dispatchMode === "auto") ...
 */
export function readConfig(vars: ConfigVars): Config {
  const dispatchTimeoutS = num(vars.DISPATCH_TIMEOUT_S, 60, 1);
  // Fail safe: development behaviour (tokens minted by `POST /v1/dev/tokens`, fault knobs, drivers approved
  // at once) only when the local run's own files say so exactly; a typo or a missing var is production.
  const environment = vars.ENVIRONMENT === "development" || vars.ENVIRONMENT === "staging" ? vars.ENVIRONMENT : "production";
  return {
    environment,
    dispatchMode: vars.DISPATCH_MODE === "auto" ? "auto" : "offer",
    offerTimeoutS: num(vars.OFFER_TIMEOUT_S, 15, 1),
    dispatchTimeoutS,
    dispatchRetryS: num(vars.DISPATCH_RETRY_S, 2, 0.1),
    redispatchTimeoutS: num(vars.REDISPATCH_TIMEOUT_S, dispatchTimeoutS, 1),
    noSupplyWindowS: num(vars.NO_SUPPLY_WINDOW_S, 30, 0),
    searchRadiusM: num(vars.SEARCH_RADIUS_M, 5000, 1),
    maxTripKm: num(vars.MAX_TRIP_KM, 200, 0.1),
    autoApproveDrivers: environment === "development" ? vars.AUTO_APPROVE_DRIVERS !== "false" : vars.AUTO_APPROVE_DRIVERS === "true",
    driverFreshnessS: num(vars.DRIVER_FRESHNESS_S, 30, 1),
    driverOfflineAfterS: num(vars.DRIVER_OFFLINE_AFTER_S, 600, 1),
    driverPickupSilentS: num(vars.DRIVER_PICKUP_SILENT_S, 180, 1),
    cellRefreshS: num(vars.CELL_REFRESH_S, 120, 1),
    road: { roadFactor: num(vars.ROAD_FACTOR, 1.3, 1), citySpeedKmh: num(vars.CITY_SPEED_KMH, 25, 1) },
    quoteTtlS: num(vars.QUOTE_TTL_S, 300, 1),
    paymentWatchdogS: num(vars.PAYMENT_WATCHDOG_S, 120, 1),
    chaosDuplicateDelivery: environment === "development" && vars.CHAOS_DUPLICATE_DELIVERY === "true",
    noShowWaitS: num(vars.NO_SHOW_WAIT_S, 300, 0),
    noShowFee: Math.round(num(vars.NO_SHOW_FEE, 0, 0)),
    captureRetryWindowS: num(vars.CAPTURE_RETRY_WINDOW_S, 86_400, 1),
    staleRideS: num(vars.STALE_RIDE_S, 7_200, 1),
    parcelMaxKg: num(vars.PARCEL_MAX_KG, 100, 0.001),
    deliveryLogRetentionDays: retentionDaysOf(vars.DELIVERY_LOG_RETENTION_DAYS),
    // Development may hand rides over at once (bench:storage measures what the owners then hold); elsewhere at least a day.
    viewsWindowDays: num(vars.VIEWS_WINDOW_DAYS, VIEWS_WINDOW_DAYS, environment === "development" ? 0 : 1),
    // Never shorter than the views' window: the repair sweep and the rebuild find the views' lost rides by the ledger's holds.
    ledgerWindowDays: Math.max(
      num(vars.LEDGER_WINDOW_DAYS, LEDGER_WINDOW_DAYS, environment === "development" ? 0 : 1),
      num(vars.VIEWS_WINDOW_DAYS, VIEWS_WINDOW_DAYS, environment === "development" ? 0 : 1),
    ),
  };
}
