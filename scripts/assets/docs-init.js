// The API reference's one script (served as /docs/init.<hash>.js; the page runs no inline
// script): Swagger UI over the gateway's own /openapi.json, and nothing from another host
// (no validator badge, no external URL field).
/* global window, SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
  displayRequestDuration: true,
});
