// init.js - renders the served OpenAPI document with Swagger UI (vendored,
// pinned by web/package-lock.json). "Try it out" calls this same origin,
// whatever host and port the page was opened on, so it works against the
// local stack as against a server; the validator badge (a third-party
// call) is off.
import { load } from '/vendor/js-yaml/js-yaml.esm.min.mjs';

const resp = await fetch('/api/openapi.yaml');
const spec = load(await resp.text());
spec.servers = [{ url: window.location.origin, description: 'This server' }];

window.ui = window.SwaggerUIBundle({
  spec,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  persistAuthorization: false,
  presets: [window.SwaggerUIBundle.presets.apis],
});
