/**
 * A local stand-in for Stripe's PaymentIntents, Refunds and Transfers API, answering in its
 * documented format (form-encoded requests, JSON objects, `error` bodies with
 * `type`/`code`/`decline_code`, 402 for card errors, replays by `Idempotency-Key`, and 400
 * `idempotency_error` for a key reused with other parameters).
 * Test cards: pm_card_visa succeeds; pm_card_chargeDeclined is declined.
 * `GET /v1/payment_intents/search` answers the query shapes the adapter sends
 * (`status:'…'` and `metadata['…']:'…'` clauses joined by AND), in pages (`limit`, `page`).
 * `failNext(n)` makes the next n requests answer 500, as during an outage; `failNext(n, 403)` as a restricted
 * key without the endpoint's permission does, `failNext(n, 424)` as a failed dependency outside Stripe does.
 * `failSaved(n, acted)` makes the next n keyed POSTs answer a 500 that Stripe saves under their key
 * (replayed until forgotten), after making their change or not. `GET /v1/payment_intents/{id}` reads one.
 * `setLatency(ms)` makes every request take that long; a request arriving while another
 * with the same `Idempotency-Key` is in flight gets Stripe's 409 `idempotency_key_in_use`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  /** The `Stripe-Version` header sent. */
  stripeVersion: string | undefined;
  form: Record<string, string>;
  status: number;
}

type Intent = {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  capture_method: string;
  payment_method: string;
  metadata: Record<string, string>;
  /** Seconds since the epoch, as Stripe's `created`. */
  created: number;
  amount_refunded: number;
};

/** The clauses of a search query this fake understands; null for anything else (Stripe answers 400). */
function parseSearch(query: string): ((intent: Intent) => boolean) | null {
  const tests: ((intent: Intent) => boolean)[] = [];
  for (const clause of query.split(/\s+AND\s+/)) {
    const status = /^status:'([^']*)'$/.exec(clause.trim());
    const meta = /^metadata\['([^']+)'\]:'([^']*)'$/.exec(clause.trim());
    const created = /^created(>=|<)(\d+)$/.exec(clause.trim());
    if (status) tests.push((i) => i.status === status[1]);
    else if (meta) tests.push((i) => i.metadata[meta[1]!] === meta[2]);
    else if (created) tests.push((i) => (created[1] === ">=" ? i.created >= Number(created[2]) : i.created < Number(created[2])));
    else return null;
  }
  return (intent) => tests.every((t) => t(intent));
}

/** What Stripe answers, as documented, when it fails for reasons of its own or of the platform's, not the card's. */
const FAILURES = {
  500: { type: "api_error", message: "Something went wrong on Stripe's end." },
  403: { type: "invalid_request_error", message: "The provided key 'rk_test_***' does not have the required permissions for this endpoint." },
  424: { type: "invalid_request_error", message: "The request couldn't be completed due to a failure in a dependency external to Stripe." },
} as const;

export async function startFakeStripe(apiKey = "sk_test_fake") {
  const calls: RecordedCall[] = [];
  const intents = new Map<string, Intent>();
  const transfers = new Map<string, { id: string; amount: number; destination: string; transfer_group: string | null }>();
  const refunds: { id: string; object: "refund"; amount: number; payment_intent: string; status: string; metadata: Record<string, string> }[] = [];
  /** First answers by idempotency key, with the parameters they were for (a key reused with others is refused, as Stripe does). */
  const replays = new Map<string, { status: number; body: string; params: string }>();
  const inFlight = new Set<string>();
  let failures = 0;
  let failureStatus: keyof typeof FAILURES = 500;
  /** The next keyed requests that fail once they began to run: 500, saved under their key (`acted`: after their change). */
  const saved500s: { acted: boolean }[] = [];
  let latencyMs = 0;
  let n = 0;

  const handle = (method: string, path: string, form: Record<string, string>): { status: number; body: unknown } => {
    const cardError = (code: string, decline: string, intent?: Intent) => ({
      status: 402,
      body: { error: { type: "card_error", code, decline_code: decline, message: "Your card was declined.", payment_intent: intent } },
    });
    if (method === "POST" && path === "/v1/payment_intents") {
      const id = `pi_${(++n).toString().padStart(6, "0")}`;
      const intent: Intent = {
        id,
        object: "payment_intent",
        amount: Number(form.amount),
        amount_received: 0,
        currency: form.currency ?? "",
        status: "requires_payment_method",
        capture_method: form.capture_method ?? "automatic",
        payment_method: form.payment_method ?? "",
        metadata: Object.fromEntries(
          Object.entries(form)
            .map(([k, v]) => [/^metadata\[(.+)\]$/.exec(k)?.[1], v] as const)
            .filter((e): e is readonly [string, string] => e[0] !== undefined),
        ),
        created: Math.floor(Date.now() / 1000),
        amount_refunded: 0,
      };
      if (!(intent.amount > 0) || !form.currency)
        return { status: 400, body: { error: { type: "invalid_request_error", code: "parameter_missing", message: "amount and currency are required" } } };
      if (form.payment_method === "pm_card_chargeDeclined") {
        intents.set(id, intent);
        return cardError("card_declined", "generic_decline", intent);
      }
      intent.status = form.confirm === "true" ? (intent.capture_method === "manual" ? "requires_capture" : "succeeded") : "requires_confirmation";
      intents.set(id, intent);
      return { status: 200, body: intent };
    }
    const m = /^\/v1\/payment_intents\/([^/]+)\/(capture|cancel)$/.exec(path);
    if (method === "POST" && m) {
      const intent = intents.get(decodeURIComponent(m[1]!));
      if (!intent) return { status: 404, body: { error: { type: "invalid_request_error", code: "resource_missing", message: "No such payment_intent" } } };
      if (m[2] === "capture") {
        if (intent.status !== "requires_capture")
          return {
            status: 400,
            body: {
              error: { type: "invalid_request_error", code: "payment_intent_unexpected_state", message: `status ${intent.status}`, payment_intent: intent },
            },
          };
        const amount = form.amount_to_capture ? Number(form.amount_to_capture) : intent.amount;
        if (amount > intent.amount)
          return { status: 400, body: { error: { type: "invalid_request_error", code: "amount_too_large", payment_intent: intent } } };
        intent.status = "succeeded";
        intent.amount_received = amount;
        return { status: 200, body: intent };
      }
      if (intent.status === "succeeded" || intent.status === "canceled")
        return { status: 400, body: { error: { type: "invalid_request_error", code: "payment_intent_unexpected_state", payment_intent: intent } } };
      intent.status = "canceled";
      return { status: 200, body: intent };
    }
    if (method === "GET" && path === "/v1/payment_intents/search") {
      const matches = parseSearch(form.query ?? "");
      if (!matches) return { status: 400, body: { error: { type: "invalid_request_error", code: "parameter_invalid", message: "Unsupported search query" } } };
      const limit = Math.min(Number(form.limit ?? 10), 100);
      const offset = form.page ? Number(Buffer.from(form.page, "base64url").toString("utf8")) : 0;
      // Stripe lists search results newest first.
      const found = [...intents.values()].filter(matches).sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
      const data = found.slice(offset, offset + limit);
      const more = offset + limit < found.length;
      return {
        status: 200,
        body: {
          object: "search_result",
          url: "/v1/payment_intents/search",
          data,
          has_more: more,
          next_page: more ? Buffer.from(String(offset + limit)).toString("base64url") : null,
        },
      };
    }
    if (method === "POST" && path === "/v1/refunds") {
      const intent = intents.get(form.payment_intent ?? "");
      if (!intent || intent.status !== "succeeded") return { status: 400, body: { error: { type: "invalid_request_error", code: "charge_not_refundable" } } };
      const amount = Number(form.amount ?? intent.amount_received - intent.amount_refunded);
      if (amount > intent.amount_received - intent.amount_refunded)
        return {
          status: 400,
          body: { error: { type: "invalid_request_error", code: "amount_too_large", message: "Refund amount is greater than unrefunded amount" } },
        };
      intent.amount_refunded += amount;
      const metadata = Object.fromEntries(
        Object.entries(form).flatMap(([k, v]) => {
          const m = /^metadata\[(.+)\]$/.exec(k);
          return m ? [[m[1]!, v]] : [];
        }),
      );
      const refund = {
        id: `re_${(++n).toString().padStart(6, "0")}`,
        object: "refund" as const,
        amount,
        payment_intent: intent.id,
        status: "succeeded",
        metadata,
      };
      refunds.push(refund);
      return { status: 200, body: refund };
    }
    if (method === "GET" && path === "/v1/refunds") {
      // Newest first, filtered by payment_intent when given, as Stripe lists them.
      const data = [...refunds].reverse().filter((r) => form.payment_intent === undefined || r.payment_intent === form.payment_intent);
      const limit = Number(form.limit ?? 10);
      return { status: 200, body: { object: "list", url: "/v1/refunds", has_more: data.length > limit, data: data.slice(0, limit) } };
    }
    if (method === "POST" && path === "/v1/transfers") {
      const destination = form.destination ?? "";
      if (!/^acct_/.test(destination))
        return {
          status: 400,
          body: { error: { type: "invalid_request_error", code: "resource_missing", param: "destination", message: `No such destination: '${destination}'` } },
        };
      const transfer = {
        id: `tr_${(++n).toString().padStart(6, "0")}`,
        object: "transfer",
        amount: Number(form.amount),
        currency: form.currency,
        destination,
        transfer_group: form.transfer_group ?? null,
        metadata: {},
      };
      transfers.set(transfer.id, transfer);
      return { status: 200, body: transfer };
    }
    if (method === "GET" && path === "/v1/transfers") {
      // Newest first, filtered by transfer_group when given, as Stripe lists them.
      const data = [...transfers.values()].reverse().filter((t) => form.transfer_group === undefined || t.transfer_group === form.transfer_group);
      const limit = Number(form.limit ?? 10);
      return { status: 200, body: { object: "list", url: "/v1/transfers", has_more: data.length > limit, data: data.slice(0, limit) } };
    }
    const read = /^\/v1\/payment_intents\/(pi_[^/]+)$/.exec(path);
    if (method === "GET" && read) {
      const intent = intents.get(decodeURIComponent(read[1]!));
      if (!intent) return { status: 404, body: { error: { type: "invalid_request_error", code: "resource_missing", message: "No such payment_intent" } } };
      return { status: 200, body: intent };
    }
    return { status: 404, body: { error: { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${path})` } } };
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const [path = "", search = ""] = (req.url ?? "").split("?");
      // A GET's parameters are its query string, a POST's its form body.
      const form = Object.fromEntries(new URLSearchParams(req.method === "GET" ? search : Buffer.concat(chunks).toString("utf8")));
      const key = req.headers["idempotency-key"] as string | undefined;
      const auth = req.headers.authorization;
      const reply = (status: number, body: string) => {
        calls.push({
          method: req.method ?? "",
          path,
          idempotencyKey: key,
          authorization: auth,
          stripeVersion: req.headers["stripe-version"] as string | undefined,
          form,
          status,
        });
        res.writeHead(status, { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) }).end(body);
      };
      if (auth !== `Bearer ${apiKey}`) return reply(401, JSON.stringify({ error: { type: "invalid_request_error", message: "Invalid API Key provided" } }));
      if (failures > 0) {
        failures -= 1;
        return reply(failureStatus, JSON.stringify({ error: FAILURES[failureStatus] }));
      }
      if (key && inFlight.has(key)) {
        return reply(
          409,
          JSON.stringify({
            error: {
              type: "idempotency_error",
              code: "idempotency_key_in_use",
              message:
                "There is currently another in-progress request using this Idempotency Key (that probably means you submitted twice, and the other request is still going through). Please try again later.",
            },
          }),
        );
      }
      const replay = key ? replays.get(key) : undefined;
      const params = `${req.method} ${path} ${JSON.stringify(form)}`;
      if (replay && replay.params !== params) {
        const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`;
        return reply(400, JSON.stringify({ error: { type: "idempotency_error", message } }));
      }
      if (replay) return reply(replay.status, replay.body);
      const saved500 = key && req.method === "POST" ? saved500s.shift() : undefined;
      if (saved500 && key) {
        if (saved500.acted) handle(req.method ?? "", path, form);
        const body = JSON.stringify({ error: FAILURES[500] });
        replays.set(key, { status: 500, body, params });
        return reply(500, body);
      }
      if (key) inFlight.add(key);
      setTimeout(() => {
        const { status, body } = handle(req.method ?? "", path, form);
        const text = JSON.stringify(body);
        if (key) {
          replays.set(key, { status, body: text, params });
          inFlight.delete(key);
        }
        reply(status, text);
      }, latencyMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiKey,
    calls,
    intents,
    transfers,
    /** Forgets an idempotency key, as Stripe does after about 24 h. */
    forget: (key: string) => {
      replays.delete(key);
    },
    /**
     * The next `count` keyed POSTs answer 500 once they began to run, having made their change
     * (`acted`) or not; as Stripe does, the 500 is saved under the key and answered again to every
     * request under it until the key is forgotten.
     */
    failSaved: (count: number, acted: boolean) => {
      for (let i = 0; i < count; i++) saved500s.push({ acted });
    },
    failNext: (count: number, status: keyof typeof FAILURES = 500) => {
      failures = count;
      failureStatus = status;
    },
    setLatency: (ms: number) => {
      latencyMs = ms;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
