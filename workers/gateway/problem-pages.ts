/**
 * The /problems pages: which endpoints answer each code (read from the OpenAPI
 * document's error responses, whose examples are keyed by code: see openapi.ts) and the
 * HTML of a code's page and of the index. Pure: no request, no binding.
 */
import { isProblemCode, type ProblemCode } from "../../src/lib/problem";
import type { ProblemPage } from "../../src/lib/problem-catalog";

/** One error response of one operation, as the document declares it. */
export interface DeclaredProblems {
  method: string;
  path: string;
  status: string;
  /** The codes of its examples (every problems(...) response has one per code). */
  codes: string[];
  /** The response object itself, for checks. */
  response: Record<string, unknown>;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every operation of an OpenAPI document: method, path and the operation object. */
export function operationsOf(doc: unknown): { method: string; path: string; operation: Record<string, unknown> }[] {
  const paths = isObject(doc) && isObject(doc.paths) ? doc.paths : {};
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (isObject(item) && isObject(item[method]) ? [{ method, path, operation: item[method] }] : [])),
  );
}

/** Every 4xx and 5xx response of a document, with the codes it lists. */
export function declaredProblems(doc: unknown): DeclaredProblems[] {
  return operationsOf(doc).flatMap(({ method, path, operation }) =>
    Object.entries(isObject(operation.responses) ? operation.responses : {}).flatMap(([status, response]) => {
      if (!/^[45]/.test(status) || !isObject(response)) return [];
      const content = isObject(response.content) ? response.content["application/problem+json"] : undefined;
      const examples = isObject(content) && isObject(content.examples) ? content.examples : {};
      return [{ method, path, status, codes: Object.keys(examples), response }];
    }),
  );
}

/** "GET /v1/rides/{id}" for each operation that answers `code`, in document order. */
export function endpointsByCode(doc: unknown): Map<ProblemCode, string[]> {
  const byCode = new Map<ProblemCode, string[]>();
  for (const declared of declaredProblems(doc)) {
    for (const code of declared.codes) {
      if (!isProblemCode(code)) continue;
      const list = byCode.get(code) ?? [];
      const endpoint = `${declared.method.toUpperCase()} ${declared.path}`;
      if (!list.includes(endpoint)) list.push(endpoint);
      byCode.set(code, list);
    }
  }
  return byCode;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** `code` spans in the catalog's texts become <code>. */
const prose = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");

/** No script and no style: the API's CSP (default-src 'none') lets the page show as it is. */
const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>${body}
<hr><p><a href="/problems">All problem codes</a> · <a href="/docs">API reference</a> · <a href="/openapi.json">/openapi.json</a></p>
</body></html>`;

/**
 * A code's page.
 *
 * @example
 * renderProblemPage(problemPage("rate_limited"), ["POST /v1/rides"]);
 */
export function renderProblemPage(page: ProblemPage, endpoints: string[]): string {
  const list = endpoints.length > 0 ? `<ul>${endpoints.map((e) => `<li><code>${escapeHtml(e)}</code></li>`).join("")}</ul>` : "<p>None declares it.</p>";
  return layout(
    `${page.code}: ${page.title}`,
    `<h1><code>${page.code}</code>: ${escapeHtml(page.title)}</h1>
<p>HTTP status <strong>${page.status}</strong>. Answered as <code>application/problem+json</code> with <code>"code": "${page.code}"</code> and <code>"type": "${escapeHtml(page.type)}"</code>.</p>
<h2>When</h2><p>${prose(page.when)}</p>
<h2>What to do</h2><p>${prose(page.action)}</p>
<h2>Retry?</h2><p>${prose(page.retryAdvice)}</p>
<h2>Endpoints that answer it</h2>${list}`,
  );
}

/** The index of every code. */
export function renderProblemIndex(pages: ProblemPage[]): string {
  const rows = pages
    .map((p) => `<tr><td>${p.status}</td><td><a href="/problems/${p.code}"><code>${p.code}</code></a></td><td>${escapeHtml(p.title)}</td></tr>`)
    .join("\n");
  return layout(
    "Problem codes",
    `<h1>Problem codes</h1>
<p>Every error of this API is <code>application/problem+json</code> (RFC 9457) with a stable <code>code</code>; its <code>type</code> is the code's page here.</p>
<table><thead><tr><th>Status</th><th>Code</th><th>Title</th></tr></thead><tbody>
${rows}
</tbody></table>`,
  );
}
