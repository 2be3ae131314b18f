/**
 * RentalVehicle Durable Object: the single writer of one shared vehicle, and so the one
 * truth of whether it is free. A rental reserves it before its creation commits (a second
 * rental is refused `vehicle_unavailable`) and releases it when it ends; both are
 * idempotent by rental. The RPC surface over src/domain/rental/vehicle.ts.
 */
import type { RentalVehicle, VehicleKind } from "../domain/rental/types";
import { decideVehicle, newVehicle, planVehicle, type VehicleCommand, type VehicleRecord } from "../domain/rental/vehicle";
import type { LatLng, Money } from "../domain/types";
import { fail, ok, type Outcome } from "../lib/problem";
import { AggregateObject, type Welcome } from "./aggregate";

export class RentalVehicleDurableObject extends AggregateObject<VehicleRecord, never> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, "vehicle");
  }

  protected idOf(record: VehicleRecord): string {
    return record.vehicle.id;
  }

  /** Registers the vehicle (an operator's); registering it again answers it as it is. */
  register(input: { id: string; kind: VehicleKind; location: LatLng; hourlyRate: Money }, correlationId: string): Promise<Outcome<RentalVehicle>> {
    return this.exclusive(async () => {
      const existing = this.load();
      if (existing) return ok(existing.vehicle);
      const now = new Date();
      const record = newVehicle(input, now);
      const drafts = [{ type: "VehicleRegistered", data: { kind: input.kind, location: input.location, hourlyRate: input.hourlyRate } }];
      await this.commit(planVehicle(null, record, drafts, { now, correlationId, newId: this.newId }), record, {});
      return ok(record.vehicle);
    });
  }

  get(): RentalVehicle | null {
    return this.load()?.vehicle ?? null;
  }

  /** The rental holding the vehicle, or null when it is free (the repair sweep asks it). */
  heldBy(): string | null {
    return this.load()?.rentalId ?? null;
  }

  reserve(rentalId: string, correlationId: string): Promise<Outcome<RentalVehicle>> {
    return this.apply({ type: "reserve", rentalId }, correlationId);
  }

  release(rentalId: string, correlationId: string, at?: LatLng): Promise<Outcome<RentalVehicle>> {
    return this.apply({ type: "release", rentalId, ...(at ? { at } : {}) }, correlationId);
  }

  private apply(command: VehicleCommand, correlationId: string): Promise<Outcome<RentalVehicle>> {
    return this.exclusive(async () => {
      const before = this.load();
      if (!before) return fail("not_found", "no such vehicle");
      const now = new Date();
      const planOf = (after: VehicleRecord, drafts: Parameters<typeof planVehicle>[2]) =>
        planVehicle(before, after, drafts, { now, correlationId, newId: this.newId });
      const outcome = await this.enact(decideVehicle(before, command, now), planOf);
      return outcome.ok ? ok(outcome.value.vehicle) : outcome;
    });
  }

  protected welcome(): Welcome {
    return new Response("vehicles have no live socket", { status: 404 });
  }

  protected onTimer(): Promise<void> {
    return Promise.resolve();
  }

  protected perform(effect: never): Promise<Outcome<unknown>> {
    return Promise.reject(new Error(`a vehicle performs no effect (${String(effect)})`));
  }
}
