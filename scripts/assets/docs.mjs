// Builds /docs, the interactive API reference: Swagger UI from the swagger-ui-dist package
// (its bundle and stylesheet, fingerprinted) and a static page whose one script,
// docs-init.js, points it at /openapi.json. Nothing is loaded from another host.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { writeHashed } from "./lib/files.mjs";

const dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
/** A package file without its source-map comment (the maps are not shipped). */
const read = (name) => readFileSync(join(dist, name), "utf8").replace(/\n\/[/*]# sourceMappingURL=\S+(\s*\*\/)?\s*$/, "\n");

export default async function build(outDir) {
  const dir = join(outDir, "docs");
  mkdirSync(dir, { recursive: true });
  const css = writeHashed(dir, "swagger-ui.css", read("swagger-ui.css"));
  const bundle = writeHashed(dir, "swagger-ui-bundle.js", read("swagger-ui-bundle.js"));
  const init = writeHashed(dir, "init.js", readFileSync(join(import.meta.dirname, "docs-init.js"), "utf8"));
  copyFileSync(join(dist, "favicon-32x32.png"), join(dir, "favicon-32x32.png"));
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Edge Rides API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/${css}">
</head>
<body>
<noscript>The API reference needs JavaScript; the raw document is <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="/docs/${bundle}"></script>
<script src="/docs/${init}"></script>
</body>
</html>
`,
  );
}
