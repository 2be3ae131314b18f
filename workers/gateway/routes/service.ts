/** Health, readiness and the API's own documentation (no auth). */
import { Hono } from "hono";
import { missingSecrets } from "../../../src/required-secrets";
import { AppError } from "../../../src/lib/problem";
import type { GatewayEnv } from "../context";

/**
 * The API reference page. Its one inline script and style carry the response's CSP
 * nonce (see ../security.ts): the page runs nothing else.
 */
const docsHtml = (nonce: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Edge Rides API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}.op{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.5rem .8rem}
.m{display:inline-block;min-width:4.5rem;font-weight:600;text-transform:uppercase}.get{color:#0a7}.post{color:#06c}.put{color:#a60}
code{background:#f4f4f4;padding:0 .3rem;border-radius:3px}details pre{background:#f8f8f8;padding:.6rem;overflow:auto;font-size:12px}</style></head>
<body><h1>Edge Rides API</h1><p>Generated from <a href="/openapi.json">/openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;JWT&gt;</code>; errors are <code>application/problem+json</code>.</p>
<div id="ops">Loading…</div>
<script nonce="${nonce}">
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const root=document.getElementById('ops');root.textContent='';
  for(const [path,item] of Object.entries(doc.paths)){for(const [method,op] of Object.entries(item)){
    const d=document.createElement('details');d.className='op';
    const s=document.createElement('summary');s.innerHTML='<span class="m '+method+'"></span><code></code> ';
    s.querySelector('.m').textContent=method;s.querySelector('code').textContent=path;
    s.append(document.createTextNode((op.tags||[]).join(', ')));d.append(s);
    const pre=document.createElement('pre');pre.textContent=JSON.stringify({requestBody:op.requestBody,parameters:op.parameters,responses:op.responses},null,2);d.append(pre);
    root.append(d);}}
}).catch(e=>{document.getElementById('ops').textContent='Could not load the document: '+e});
</script></body></html>`;

export function serviceRoutes() {
  const app = new Hono<GatewayEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  // Ready when its secrets are set and its storage answers. A deploy without JWT_SECRET
  // says so here (503, naming the secret) rather than by a 500 on every call.
  app.get("/readyz", async (c) => {
    const problems = missingSecrets("gateway", c.env as unknown as Record<string, unknown>);
    try {
      await c.env.VIEWS_DB.prepare("SELECT 1").first();
    } catch (error) {
      problems.push(`views database: ${String(error)}`);
    }
    if (problems.length > 0) return c.json({ status: "unavailable", detail: `not ready: ${problems.join("; ")}` }, 503);
    return c.json({ status: "ready" });
  });
  app.get("/docs", (c) => {
    const nonce = c.get("secureHeadersNonce");
    if (!nonce) throw new AppError("internal", "no CSP nonce for /docs: secureResponseHeaders() must run before it");
    return c.html(docsHtml(nonce));
  });
  return app;
}
