/**
 * The crash test's rentals: vehicles an operator registers, renters (accounts of their own,
 * so no ride's dues block them) renting them at a steady rate with an Idempotency-Key each,
 * some with the declined card, some cancelling once confirmed, the others unlocking with
 * their key and returning the vehicle a moment later. Each renter follows their rental to
 * its end, reading it afresh each round, so a step lost to a crash is taken again. Then what
 * every store holds of them (`observeRentals`, the input of rental-invariants.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { eachLimited, type Http } from "./http.ts";
import { type LedgerEntry } from "./invariants.ts";
import { CENTER, DECLINED_CARD, paced, type Actor } from "./load.ts";
import { checkRentals, type ObservedRentals, type RentalView, type VehicleView } from "./rental-invariants.ts";

/** What the renters did and were told. */
export interface RentalLoad {
  /** Rental id → the renter whose request got the 202. */
  accepted: Map<string, string>;
  requested: number;
  /** Requests never answered before the renter gave up. */
  unanswered: number;
  /** Answers other than 202, by status (409: the vehicle was taken). */
  refused: Record<string, number>;
  /** Renters' steps by answer: `unlock 200`, `return 200`, `cancel 200`, … */
  steps: Record<string, number>;
}

export const newRentalLoad = (): RentalLoad => ({ accepted: new Map(), requested: 0, unanswered: 0, refused: {}, steps: {} });

/** Registers `count` bikes around the centre (as the operator); answers their ids. */
export async function vehiclesRegistered(http: Http, ops: string, count: number, random: () => number, until: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const location = { lat: CENTER.lat + (random() - 0.5) * 0.02, lng: CENTER.lng + (random() - 0.5) * 0.02 };
    const res = await http.send<{ id: string }>(
      "POST",
      "/v1/ops/rental-vehicles",
      { token: ops, body: { kind: "bike", location, hourlyRate: { amount: 1500, currency: "KRW" } } },
      until,
    );
    if (res?.status !== 201) throw new Error(`vehicle ${i}: ${res ? `${res.status} ${JSON.stringify(res.body)}` : "no answer"}`);
    ids.push(res.body.id);
  }
  return ids;
}

export interface RenterSettings {
  run: string;
  rate: number;
  maxRentals: number;
  declinedShare: number;
  cancelShare: number;
  giveUpAt: number;
}

const count = (figures: Record<string, number>, key: string) => (figures[key] = (figures[key] ?? 0) + 1);

/** Follows a rental to its end: cancels it, or unlocks and returns it, once it is confirmed. */
async function followRental(http: Http, renter: Actor, id: string, cancel: boolean, load: RentalLoad, random: () => number, until: number) {
  let unlocked = false;
  const confirmedSince = { at: 0 };
  const step = async (name: string, path: string, body?: unknown) => {
    const res = await http.send("POST", path, { token: renter.token, body }, until);
    count(load.steps, `${name} ${res ? res.status : "no answer"}`);
    return res;
  };
  while (Date.now() < until) {
    const res = await http.send<RentalView & { unlockKey: string | null }>("GET", `/v1/rentals/${id}`, { token: renter.token }, until);
    if (!res || res.status !== 200) return;
    const rental = res.body;
    if (rental.status !== "requested" && rental.status !== "confirmed") return;
    if (rental.status === "confirmed") {
      confirmedSince.at ||= Date.now();
      if (cancel) {
        await step("cancel", `/v1/rentals/${id}/cancel`);
      } else if (!unlocked && rental.unlockKey) {
        unlocked = (await step("unlock", `/v1/rentals/${id}/unlock`, { key: rental.unlockKey }))?.status === 200;
        await sleep(500 + random() * 1500);
        continue;
      } else if (unlocked) {
        await step("return", `/v1/rentals/${id}/return`);
      } else if (Date.now() - confirmedSince.at > 8_000) {
        // One whose key is late (a crash, the key service) was never ridden: cancelled and refunded (a return is 409).
        await step("cancel", `/v1/rentals/${id}/cancel`);
      }
    }
    await sleep(500 + random() * 500);
  }
}

/** One rental: requested until answered (same key), then followed to its end. */
async function oneRental(http: Http, renter: Actor, vehicles: string[], n: number, s: RenterSettings, load: RentalLoad, random: () => number) {
  const vehicleId = vehicles[Math.floor(random() * vehicles.length)]!;
  const paymentMethod = random() < s.declinedShare ? DECLINED_CARD : "pm_card_visa";
  const cancel = random() < s.cancelShare;
  load.requested += 1;
  const headers = { "idempotency-key": `${s.run}-rental-${n}` };
  const res = await http.send<{ id: string }>(
    "POST",
    "/v1/rentals",
    { token: renter.token, body: { vehicleId, hours: 1, paymentMethod }, headers },
    s.giveUpAt,
  );
  if (!res) return void (load.unanswered += 1);
  if (res.status !== 202) return void count(load.refused, String(res.status));
  load.accepted.set(res.body.id, renter.id);
  await followRental(http, renter, res.body.id, cancel, load, random, s.giveUpAt);
}

/** Renters renting `rate` a second until `stop()` (`paced`); resolves once each rental was followed to its end or given up. */
export function rentersLoop(http: Http, renters: Actor[], vehicles: string[], s: RenterSettings, load: RentalLoad, random: () => number, stop: () => boolean) {
  const start = (n: number) => {
    const renter = renters[Math.floor(random() * renters.length)]!;
    return oneRental(http, renter, vehicles, n, s, load, random).catch((error: unknown) => void count(load.refused, `error: ${String(error)}`));
  };
  return paced(http, { rate: s.rate, max: s.maxRentals }, random, stop, start);
}

/** What every store holds of the accepted rentals and the load's vehicles. */
export async function observeRentals(http: Http, ops: string, accepted: string[], until: number): Promise<ObservedRentals> {
  const answers = await eachLimited(accepted, 8, async (id) => {
    const rental = await http.send<RentalView>("GET", `/v1/rentals/${id}`, { token: ops }, until);
    if (!rental || (rental.status !== 200 && rental.status !== 404)) throw new Error(`GET /v1/rentals/${id}: ${rental ? rental.status : "no answer"}`);
    const ledger = await http.send<{ items: LedgerEntry[] }>("GET", `/v1/ops/rentals/${id}/payments`, { token: ops }, until);
    if (ledger?.status !== 200) throw new Error(`ledger of ${id}: ${ledger ? ledger.status : "no answer"}`);
    return [id, rental.status === 200 ? rental.body : null, ledger.body.items] as const;
  });
  return {
    accepted,
    rentals: Object.fromEntries(answers.map(([id, r]) => [id, r])),
    ledgers: Object.fromEntries(answers.map(([id, , l]) => [id, l])),
    opsList: await http.all<RentalView>("/v1/ops/rentals", ops, until),
    vehicles: await http.all<VehicleView>("/v1/ops/rental-vehicles", ops, until),
  };
}

/** Whether the rental checks find nothing: every accepted rental over, the operators' list agreeing, no vehicle rented. What settling waits for. */
export async function rentalsSettled(http: Http, ops: string, accepted: string[], vehicleIds: string[], until: number): Promise<boolean> {
  try {
    return checkRentals(await observeRentals(http, ops, accepted, until), vehicleIds).length === 0;
  } catch {
    return false;
  }
}
