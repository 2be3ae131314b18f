/**
 * The circuit breaker's shared state: one Durable Object per provider, so every
 * isolate of the payment worker sees the same open or closed breaker.
 */
import { StoredObject } from "../../src/durable-objects/stored-object";
import { acquire, CLOSED, record, type BreakerSettings, type BreakerState, type Permit } from "../../src/payments/breaker";

export function breakerSettings(env: { BREAKER_FAILURE_THRESHOLD?: string; BREAKER_COOLDOWN_S?: string; PAYMENT_TIMEOUT_MS?: string }): BreakerSettings {
  const threshold = Number(env.BREAKER_FAILURE_THRESHOLD);
  const cooldown = Number(env.BREAKER_COOLDOWN_S);
  const timeout = Number(env.PAYMENT_TIMEOUT_MS);
  return {
    failureThreshold: threshold > 0 ? threshold : 5,
    cooldownMs: (cooldown > 0 ? cooldown : 10) * 1000,
    probeTimeoutMs: 2 * (timeout > 0 ? timeout : 5000),
  };
}

export class CircuitBreakerDurableObject extends StoredObject<PaymentEnv> {
  private state: BreakerState;
  private readonly settings: BreakerSettings;

  constructor(ctx: DurableObjectState, env: PaymentEnv) {
    super(ctx, env, ["CREATE TABLE IF NOT EXISTS breaker (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)"]);
    this.settings = breakerSettings(env);
    const row = this.sql.exec<{ state: string }>("SELECT state FROM breaker").toArray()[0];
    this.state = row ? (JSON.parse(row.state) as BreakerState) : CLOSED;
  }

  private save(next: BreakerState): void {
    if (next === this.state) return;
    if (next.mode !== this.state.mode) console.warn(JSON.stringify({ msg: "payment circuit breaker", from: this.state.mode, to: next.mode }));
    this.state = next;
    this.sql.exec("INSERT INTO breaker (id, state) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state", JSON.stringify(next));
  }

  /** May a call go now; an allowed call also learns the failures counted (an isolate's `BreakerView` keeps a clean "closed" a second). */
  acquire(): Permit & { failures?: number } {
    const { state, permit } = acquire(this.state, Date.now(), this.settings);
    this.save(state);
    return permit.allowed ? { ...permit, failures: state.failures } : permit;
  }

  record(success: boolean, probe = false): void {
    this.save(record(this.state, success, Date.now(), this.settings, probe));
  }

  status(): BreakerState {
    return this.state;
  }
}
