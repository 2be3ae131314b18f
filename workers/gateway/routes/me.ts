/**
 * A rider's or driver's phone number for KakaoTalk notifications (an extension of the
 * contract). Stored sealed (AES-GCM under CONTACT_KEY) with a masked hint; never
 * returned, never logged.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { normalizeKoreanMobile, phoneHint, sealPhone } from "../../../src/lib/contact-crypto";
import { AppError } from "../../../src/lib/problem";
import { contacts } from "../../../src/views/schema";
import { requireRole } from "../auth";
import { newRouter } from "../router";
import { bearer, commonProblems, jsonBody, jsonResponse, rateLimited } from "../openapi";
import { limitAccount } from "../rate-limit";

const ContactSchema = z.object({ phoneHint: z.string().nullable(), kakao: z.boolean() }).openapi("Contact");
const route = <R extends Parameters<typeof createRoute>[0]>(r: R) =>
  createRoute({ ...r, tags: ["rider", "driver"], security: bearer, middleware: requireRole("rider", "driver") });
/** A change of the number: counted against the user's account limit (each is a views write). */
const change = <R extends Parameters<typeof createRoute>[0]>(r: R) =>
  createRoute({ ...r, tags: ["rider", "driver"], security: bearer, middleware: [requireRole("rider", "driver"), limitAccount] as const });

const put = change({
  method: "put",
  path: "/v1/me/contact",
  operationId: "setMyContact",
  summary: "Set the phone number for notifications",
  request: jsonBody(z.object({ phone: z.string().min(9).max(20).openapi({ example: "010-1234-5678" }) }).strict()),
  responses: { 200: jsonResponse(ContactSchema, "Stored (only a masked hint is ever shown)"), ...commonProblems, ...rateLimited },
});
const get = route({
  method: "get",
  path: "/v1/me/contact",
  operationId: "getMyContact",
  summary: "Get the masked phone number",
  responses: { 200: jsonResponse(ContactSchema, "The masked hint"), ...commonProblems },
});
const remove = change({
  method: "delete",
  path: "/v1/me/contact",
  operationId: "deleteMyContact",
  summary: "Forget the phone number",
  responses: { 200: jsonResponse(ContactSchema, "Forgotten"), ...commonProblems, ...rateLimited },
});

export function meRoutes() {
  const app = newRouter();
  app.openapi(put, async (c) => {
    const actor = c.var.actor;
    const phone = normalizeKoreanMobile(c.req.valid("json").phone);
    if (!phone)
      throw new AppError("invalid_request", "phone: a Korean mobile number such as 010-1234-5678", {
        errors: [{ path: "phone", message: "not a Korean mobile number" }],
      });
    if (!c.env.CONTACT_KEY) throw new AppError("internal", "CONTACT_KEY is not configured");
    const row = { userId: actor.id, phoneSealed: await sealPhone(c.env.CONTACT_KEY, phone), phoneHint: phoneHint(phone), updatedAt: new Date().toISOString() };
    await drizzle(c.env.VIEWS_DB)
      .insert(contacts)
      .values(row)
      .onConflictDoUpdate({ target: contacts.userId, set: { phoneSealed: row.phoneSealed, phoneHint: row.phoneHint, updatedAt: row.updatedAt } });
    return c.json({ phoneHint: row.phoneHint, kakao: true }, 200);
  });
  app.openapi(get, async (c) => {
    const actor = c.var.actor;
    const row = (await drizzle(c.env.VIEWS_DB).select().from(contacts).where(eq(contacts.userId, actor.id)).limit(1))[0];
    return c.json({ phoneHint: row?.phoneHint ?? null, kakao: Boolean(row) }, 200);
  });
  app.openapi(remove, async (c) => {
    const actor = c.var.actor;
    await drizzle(c.env.VIEWS_DB).delete(contacts).where(eq(contacts.userId, actor.id));
    return c.json({ phoneHint: null, kakao: false }, 200);
  });
  return app;
}
