import { describe, expect, it } from "vitest";
import { missingSecrets, requiredSecrets } from "./required-secrets";

const long = "x".repeat(32);

describe("required secrets", () => {
  it("names what a gateway without secrets lacks, and never a value", () => {
    expect(missingSecrets("gateway", {})).toEqual([expect.stringMatching(/^JWT_SECRET: not set/), expect.stringMatching(/^CONTACT_KEY: not set/)]);
    const short = missingSecrets("gateway", { JWT_SECRET: "hunter2", CONTACT_KEY: long });
    expect(short).toEqual(["JWT_SECRET: shorter than 16 characters"]);
    expect(short.join()).not.toContain("hunter2");
    expect(missingSecrets("gateway", { JWT_SECRET: long, CONTACT_KEY: long })).toEqual([]);
  });

  it("asks for a feature's secret only while its var turns the feature on", () => {
    expect(requiredSecrets("payment", { PAYMENT_PROVIDER: "simulated" })).toEqual([]);
    expect(requiredSecrets("payment", { PAYMENT_PROVIDER: "stripe" }).map((r) => r.name)).toEqual(["STRIPE_SECRET_KEY"]);
    expect(requiredSecrets("notification", { NOTIFY_WEBHOOK_URL: "", KAKAO_APP_KEY: "" }).map((r) => r.name)).toEqual(["CONTACT_KEY"]);
    expect(requiredSecrets("notification", { NOTIFY_WEBHOOK_URL: "https://hooks.example/x", KAKAO_APP_KEY: "app" }).map((r) => r.name)).toEqual([
      "CONTACT_KEY",
      "NOTIFY_WEBHOOK_SECRET",
      "KAKAO_SECRET_KEY",
    ]);
    expect(requiredSecrets("views", {})).toEqual([]);
  });
});
