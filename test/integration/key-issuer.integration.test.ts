/**
 * The simulated key service inside workerd: a rental's key is the same however often it is
 * asked, and is kept only `KEY_MEMORY_MS` (the longest rental and a day): its alarm forgets the
 * keys issued before that, and wakes again for the oldest left.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { KEY_MEMORY_MS, KEY_SWEEP_EVERY_MS, type KeyIssuerDurableObject } from "../../src/durable-objects/key-issuer";
import { keyIssuerStub } from "../../src/durable-objects/stubs";
import { unwrap } from "../../src/lib/problem";
import { testEnv } from "./helpers";

const stub = () => keyIssuerStub(testEnv);
const kept = () =>
  runInDurableObject(stub(), (_i: KeyIssuerDurableObject, s) =>
    s.storage.sql
      .exec<{ rental_id: string }>("SELECT rental_id FROM keys ORDER BY rental_id")
      .toArray()
      .map((r) => r.rental_id),
  );
const alarmAt = () => runInDurableObject(stub(), (_i: KeyIssuerDurableObject, s) => s.storage.getAlarm());

describe("the simulated key service", () => {
  it("answers a rental the same key every time, and forgets it once its rental can no longer ask", async () => {
    const before = Date.now();
    const key = unwrap(await stub().issue("rn_old"));
    expect(key).toMatch(/^\d{4}$/);
    expect(unwrap(await stub().issue("rn_old"))).toBe(key);
    // Its alarm is set for when the key may go.
    const first = await alarmAt();
    expect(first).toBeGreaterThanOrEqual(before + KEY_MEMORY_MS);
    expect(first).toBeLessThanOrEqual(Date.now() + KEY_MEMORY_MS);
    // The key issued long ago (its issue moved back), another now; the alarm runs.
    await runInDurableObject(stub(), (_i: KeyIssuerDurableObject, s) =>
      s.storage.sql.exec("UPDATE keys SET issued_at = ? WHERE rental_id = 'rn_old'", new Date(Date.now() - KEY_MEMORY_MS - 1_000).toISOString()),
    );
    const young = Date.now();
    unwrap(await stub().issue("rn_young"));
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(await kept()).toEqual(["rn_young"]);
    // It wakes again when the young key is due, not before; and never sooner than an hour.
    expect(await alarmAt()).toBeGreaterThanOrEqual(young + KEY_MEMORY_MS);
    await runInDurableObject(stub(), (_i: KeyIssuerDurableObject, s) =>
      s.storage.sql.exec("UPDATE keys SET issued_at = ?", new Date(Date.now() - KEY_MEMORY_MS + 60_000).toISOString()),
    );
    const run = Date.now();
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(await kept()).toEqual(["rn_young"]);
    expect(await alarmAt()).toBeGreaterThanOrEqual(run + KEY_SWEEP_EVERY_MS);
    // With every key gone, no alarm is left.
    await runInDurableObject(stub(), (_i: KeyIssuerDurableObject, s) =>
      s.storage.sql.exec("UPDATE keys SET issued_at = ?", new Date(Date.now() - KEY_MEMORY_MS - 1_000).toISOString()),
    );
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(await kept()).toEqual([]);
    expect(await alarmAt()).toBeNull();
  });
});
