import path from 'node:path';
import express, { type Router } from 'express';
import helmet from 'helmet';

const DOCS = '/api/docs';
const ASSETS = `${DOCS}/assets`;
const swaggerUiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Microshop API</title>
    <link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${ASSETS}/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${ASSETS}/swagger-ui-bundle.js"></script>
    <script src="${ASSETS}/swagger-ui-standalone-preset.js"></script>
    <script src="${DOCS}/init.js"></script>
  </body>
</html>
`;

// A served file rather than an inline script, so the page runs under script-src 'self'.
const INIT_SCRIPT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

/**
 * GET /api/docs: Swagger UI over /api/openapi.json, every asset served from swagger-ui-dist
 * (nothing from a CDN). Its CSP is helmet's default without upgrade-insecure-requests, which
 * would make browsers fetch the assets over https from a gateway reached over plain http.
 */
export function docsRouter(): Router {
  const router = express.Router();
  router.use(DOCS, helmet.contentSecurityPolicy({ directives: { upgradeInsecureRequests: null } }));
  router.get(DOCS, (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get(`${DOCS}/init.js`, (_req, res) => {
    res.type('js').send(INIT_SCRIPT);
  });
  router.use(ASSETS, express.static(swaggerUiDir, { index: false, maxAge: '1d', fallthrough: true }));
  return router;
}
