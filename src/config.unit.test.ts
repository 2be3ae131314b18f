import { describe, expect, it } from "vitest";
import { readConfig } from "./config";

describe("configuration", () => {
  it("has the contract's defaults", () => {
    expect(readConfig({})).toMatchObject({
      environment: "production",
      dispatchMode: "offer",
      offerTimeoutS: 15,
      dispatchTimeoutS: 60,
      searchRadiusM: 5000,
      maxTripKm: 200,
      autoApproveDrivers: false,
      parcelMaxKg: 100,
    });
  });

  it("is production unless ENVIRONMENT says development or staging exactly: a typo or a missing var never opens the development routes", () => {
    for (const value of [undefined, "", "dev", "Development", "development ", "prod", "test"]) {
      const c = readConfig({ ENVIRONMENT: value, CHAOS_DUPLICATE_DELIVERY: "true" });
      expect(c.environment, String(value)).toBe("production");
      expect(c.autoApproveDrivers).toBe(false);
      expect(c.chaosDuplicateDelivery).toBe(false);
    }
    expect(readConfig({ ENVIRONMENT: "development" }).environment).toBe("development");
    expect(readConfig({ ENVIRONMENT: "development" }).autoApproveDrivers).toBe(true);
    expect(readConfig({ ENVIRONMENT: "staging" }).environment).toBe("staging");
  });

  it("reads overrides and ignores malformed numbers", () => {
    const c = readConfig({ DISPATCH_MODE: "auto", OFFER_TIMEOUT_S: "5", MAX_TRIP_KM: "abc", SEARCH_RADIUS_M: "-3" });
    expect(c).toMatchObject({ dispatchMode: "auto", offerTimeoutS: 5, maxTripKm: 200, searchRadiusM: 5000 });
  });

  it("keeps the delivery log DELIVERY_LOG_RETENTION_DAYS (30 by default, at least a day: longer than any redelivery)", () => {
    expect(readConfig({}).deliveryLogRetentionDays).toBe(30);
    expect(readConfig({ DELIVERY_LOG_RETENTION_DAYS: "1" }).deliveryLogRetentionDays).toBe(1);
    for (const malformed of ["0.5", "0", "-2", "thirty", ""]) expect(readConfig({ DELIVERY_LOG_RETENTION_DAYS: malformed }).deliveryLogRetentionDays).toBe(30);
  });

  it("keeps LEDGER_WINDOW_DAYS of settled rides in the ledger (30 by default; at least a day outside development)", () => {
    expect(readConfig({ ENVIRONMENT: "production" }).ledgerWindowDays).toBe(30);
    expect(readConfig({ ENVIRONMENT: "production", LEDGER_WINDOW_DAYS: "2", VIEWS_WINDOW_DAYS: "1" }).ledgerWindowDays).toBe(2);
    for (const malformed of ["0.5", "0", "-2", "thirty"])
      expect(readConfig({ ENVIRONMENT: "production", LEDGER_WINDOW_DAYS: malformed }).ledgerWindowDays).toBe(30);
    expect(readConfig({ ENVIRONMENT: "development", LEDGER_WINDOW_DAYS: "0", VIEWS_WINDOW_DAYS: "0" }).ledgerWindowDays).toBe(0);
    // Never shorter than the views' window (their repair finds lost rides by the ledger's holds).
    expect(readConfig({ ENVIRONMENT: "production", LEDGER_WINDOW_DAYS: "1", VIEWS_WINDOW_DAYS: "7" }).ledgerWindowDays).toBe(7);
    expect(readConfig({ ENVIRONMENT: "production", LEDGER_WINDOW_DAYS: "2" }).ledgerWindowDays).toBe(30);
  });

  it("keeps VIEWS_WINDOW_DAYS of settled rides in the views (30 by default; at least a day outside development)", () => {
    expect(readConfig({ ENVIRONMENT: "production" }).viewsWindowDays).toBe(30);
    expect(readConfig({ ENVIRONMENT: "production", VIEWS_WINDOW_DAYS: "1" }).viewsWindowDays).toBe(1);
    for (const malformed of ["0.5", "0", "-2", "thirty"])
      expect(readConfig({ ENVIRONMENT: "production", VIEWS_WINDOW_DAYS: malformed }).viewsWindowDays).toBe(30);
    // A local run may hand rides over at once (what bench:storage measures).
    expect(readConfig({ ENVIRONMENT: "development", VIEWS_WINDOW_DAYS: "0" }).viewsWindowDays).toBe(0);
    expect(readConfig({ ENVIRONMENT: "development", VIEWS_WINDOW_DAYS: "-1" }).viewsWindowDays).toBe(30);
  });

  it("approves drivers automatically only in development, unless told not to", () => {
    expect(readConfig({ ENVIRONMENT: "development", AUTO_APPROVE_DRIVERS: "false" }).autoApproveDrivers).toBe(false);
    expect(readConfig({ ENVIRONMENT: "production" }).autoApproveDrivers).toBe(false);
  });

  it("rewrites a listed driver's dispatch cell every CELL_REFRESH_S (120 s by default, at least 1 s)", () => {
    expect(readConfig({}).cellRefreshS).toBe(120);
    expect(readConfig({ CELL_REFRESH_S: "30" }).cellRefreshS).toBe(30);
    expect(readConfig({ CELL_REFRESH_S: "0" }).cellRefreshS).toBe(120);
    expect(readConfig({ CELL_REFRESH_S: "soon" }).cellRefreshS).toBe(120);
  });

  it("takes a driver silent on the way to a pickup off the ride after DRIVER_PICKUP_SILENT_S (180 s by default, at least 1 s)", () => {
    expect(readConfig({}).driverPickupSilentS).toBe(180);
    expect(readConfig({}).driverOfflineAfterS).toBe(600);
    expect(readConfig({ DRIVER_PICKUP_SILENT_S: "90" }).driverPickupSilentS).toBe(90);
    expect(readConfig({ DRIVER_PICKUP_SILENT_S: "0" }).driverPickupSilentS).toBe(180);
    expect(readConfig({ DRIVER_PICKUP_SILENT_S: "soon" }).driverPickupSilentS).toBe(180);
  });
});
