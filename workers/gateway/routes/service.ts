/** Health, readiness and the API's own documentation (no auth). */
import { Hono } from "hono";
import type { GatewayEnv } from "../context";

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Edge Rides API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}.op{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.5rem .8rem}
.m{display:inline-block;min-width:4.5rem;font-weight:600;text-transform:uppercase}.get{color:#0a7}.post{color:#06c}.put{color:#a60}
code{background:#f4f4f4;padding:0 .3rem;border-radius:3px}details pre{background:#f8f8f8;padding:.6rem;overflow:auto;font-size:12px}</style></head>
<body><h1>Edge Rides API</h1><p>Generated from <a href="/openapi.json">/openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;JWT&gt;</code>; errors are <code>application/problem+json</code>.</p>
<div id="ops">Loading…</div>
<script>
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
  app.get("/readyz", async (c) => {
    try {
      await c.env.VIEWS_DB.prepare("SELECT 1").first();
      return c.json({ status: "ready" });
    } catch (error) {
      return c.json({ status: "unavailable", detail: String(error) }, 503);
    }
  });
  app.get("/docs", (c) => c.html(DOCS_HTML));
  return app;
}
