import { describe, expect, it } from "vitest";
import { localWranglerEnv } from "../scripts/wrangler-env.mjs";

describe("the local wrangler's environment", () => {
  it("sends no metrics and runs without the local observability collector by default", () => {
    const env = localWranglerEnv({ PATH: "/bin" });
    expect(env).toEqual({ PATH: "/bin", WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: "false" });
  });

  it("lets the caller's environment turn the collector back on", () => {
    expect(localWranglerEnv({ X_LOCAL_OBSERVABILITY: "true" }).X_LOCAL_OBSERVABILITY).toBe("true");
    expect(localWranglerEnv({ WRANGLER_SEND_METRICS: "true" }).WRANGLER_SEND_METRICS).toBe("true");
  });
});
