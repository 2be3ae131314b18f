/** The correlation id a rental's change gives all it causes: the request's that made it, else the rental's own. */
import { describe, expect, it } from "vitest";
import { decideRental, planRental } from "./machine";
import { NOW, created, ctx, inState, step } from "../../../test/support/rental-fixtures";

describe("rental machine: one correlation id a step", () => {
  it("everything a change causes carries the correlation id of the request that made it; a change no request made, the rental's own", () => {
    const keyed = step(inState("confirmed"), { type: "keyIssued", key: "4821" });
    const d = decideRental(keyed, { type: "cancel", by: "rider" }, NOW);
    if (d.kind !== "applied") throw new Error(d.kind);
    const plan = planRental(keyed, d.record, d.events, { ...ctx, causationId: "req-2", correlationId: "req-2" });
    expect(plan.events.map((e) => [e.correlationId, e.causationId])).toEqual(d.events.map(() => ["req-2", "req-2"]));
    const bodies = plan.messages.map((m) => m.body as { correlationId?: string; event?: { correlationId: string } });
    expect(bodies.map((b) => b.correlationId ?? b.event?.correlationId)).toEqual(plan.messages.map(() => "req-2"));
    expect(plan.messages.map((m) => m.queue)).toContain("payments");
    expect(plan.later).toMatchObject([{ type: "releaseVehicle", correlationId: "req-2" }]);
    // The key asked for on confirmation carries the request (or result) that confirmed it.
    const confirmed = step(created(), { type: "authorized" });
    const captured = decideRental(confirmed, { type: "captured" }, NOW);
    if (captured.kind !== "applied") throw new Error(captured.kind);
    const keyAsked = planRental(confirmed, captured.record, captured.events, { ...ctx, causationId: "rn_1:capture", correlationId: "req-9" });
    expect(keyAsked.messages.find((m) => m.queue === "rental-keys")?.body).toMatchObject({ correlationId: "req-9" });
    // A timer's change: the rental's own (its creating request's).
    expect(planRental(keyed, d.record, d.events, { ...ctx, causationId: "timer:end" }).events[0]).toMatchObject({
      correlationId: "req-1",
      causationId: "timer:end",
    });
  });
});
