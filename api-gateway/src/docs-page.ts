import path from 'node:path';
import express, { type Router } from 'express';
import helmet from 'helmet';

/** Where docsRouter is mounted: only requests under it enter the router, not every proxied call. */
export const DOCS_PATH = '/api/docs';
const ASSETS = `${DOCS_PATH}/assets`;
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
    <script src="${DOCS_PATH}/init.js"></script>
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
 * GET /api/docs, mounted at DOCS_PATH: Swagger UI over /api/openapi.json, every asset served
 * from swagger-ui-dist (nothing from a CDN). Its CSP is helmet's default without upgrade-insecure-requests, which
 * would make browsers fetch the assets over https from a gateway reached over plain http.
 */
export function docsRouter(): Router {
  const router = express.Router();
  router.use(helmet.contentSecurityPolicy({ directives: { upgradeInsecureRequests: null } }));
  router.get('/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/init.js', (_req, res) => {
    res.type('js').send(INIT_SCRIPT);
  });
  router.use('/assets', express.static(swaggerUiDir, { index: false, maxAge: '1d', fallthrough: true }));
  return router;
}
