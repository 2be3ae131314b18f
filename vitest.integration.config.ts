import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEMPLATE_CODES } from "./workers/notification/templates";
import { answerAlimTalk } from "./test/support/fake-alimtalk";

/** The AlimTalk account the integration worker's config names (test/integration/wrangler.toml). */
const ALIMTALK = {
  appKey: "app-key-test",
  secretKey: "kakao-secret-test",
  senderKey: "sender-key-test",
  templates: new Set([...Object.values(TEMPLATE_CODES.rider), ...Object.values(TEMPLATE_CODES.driver)]),
};

/**
 * Integration tests inside workerd: real Durable Objects (SQLite storage, alarms),
 * real D1 with the real migrations, real queue message batches. The only fake is at
 * the edge of the world: outbound webhooks and AlimTalk calls land in a recording sink
 * (AlimTalk ones answered in that API's format), readable through the WEBHOOK_SINK
 * binding (GET /received; POST /mode {"fail": true} to make it fail).
 */
export default defineConfig(async () => {
  const views = await readD1Migrations("migrations/views");
  const ledger = await readD1Migrations("migrations/payments");
  const notifications = await readD1Migrations("migrations/notifications");
  const received: { url: string; signature: string | null; body: string }[] = [];
  let failing = false;
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./test/integration/wrangler.toml" },
        miniflare: {
          bindings: { VIEWS_MIGRATIONS: views, LEDGER_MIGRATIONS: ledger, NOTIFICATIONS_MIGRATIONS: notifications },
          outboundService: async (request: Request) => {
            if (failing) return new Response("sink down", { status: 503 });
            const body = await request.text();
            received.push({ url: request.url, signature: request.headers.get("x-signature"), body });
            const url = new URL(request.url);
            if (url.host === "alimtalk.test") {
              const answer = answerAlimTalk(ALIMTALK, url.pathname, request.headers.get("x-secret-key"), body);
              return Response.json(answer.body, { status: answer.status });
            }
            return new Response(null, { status: 204 });
          },
          serviceBindings: {
            WEBHOOK_SINK: async (request: Request) => {
              const url = new URL(request.url);
              if (url.pathname === "/mode") failing = ((await request.json()) as { fail: boolean }).fail;
              if (url.pathname === "/reset") received.length = 0;
              return Response.json(received);
            },
          },
        },
      }),
    ],
    test: {
      name: "integration",
      include: ["test/integration/**/*.integration.test.ts"],
      setupFiles: ["test/integration/setup.ts"],
      // Longer than `until`'s 10 s, so a wait that fails names what it waited for.
      testTimeout: 15_000,
    },
  };
});
