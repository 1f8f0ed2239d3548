import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import type { ServiceHttpConfig } from '../config';
import { createOpenApiRegistry, generateOpenApiDocument, z, type OpenApiDocument, type OpenAPIRegistry } from '../openapi';
import { httpMetricsMiddleware, metricsHandler } from '../metrics';
import type { RouteContext } from './define-route';
import { errorHandler, notFoundHandler } from './error-handler';
import { requestIdMiddleware } from './request-id';
import { readinessBody, readinessHandler, type ReadinessChecks } from './readiness';

export interface AppOptions {
  /** Title of the service's OpenAPI document. */
  title: string;
  /** The service's config: its callers' credentials (see callerOf) and TRUST_PROXY. */
  config: Pick<ServiceHttpConfig, 'GATEWAY_TOKEN' | 'SERVICE_TOKEN' | 'TRUST_PROXY'>;
  /** Named dependency checks behind /ready (database, broker...). */
  readiness: ReadinessChecks;
  /** Registers the service's routes (defineRoute) on the context. */
  routes: (ctx: RouteContext) => void;
  /** Largest JSON body accepted. Default 100kb. */
  bodyLimit?: string;
}

/**
 * The Express app every service is built on: request id, helmet, no caching, metrics, bounded JSON body,
 * /health, /ready, /metrics, /openapi.json, the service's routes, JSON 404, one error handler.
 */
export function createApp(options: AppOptions): Express & { openapi: OpenApiDocument } {
  const app = express();
  app.disable('x-powered-by');
  // API answers are not cached by clients; hashing every body for an ETag cost CPU in profiles.
  app.set('etag', false);
  app.set('trust proxy', options.config.TRUST_PROXY);
  app.use(requestIdMiddleware);
  app.use(helmet());
  app.use(noStore);
  app.use(httpMetricsMiddleware);
  app.use(express.json({ limit: options.bodyLimit ?? '100kb' }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', readinessHandler(options.readiness));
  app.get('/metrics', metricsHandler);

  const router: Router = express.Router();
  const registry = createOpenApiRegistry();
  const credentials = { gatewayToken: options.config.GATEWAY_TOKEN, serviceToken: options.config.SERVICE_TOKEN };
  documentProbes(registry);
  options.routes({ router, registry, credentials });
  const openapi = generateOpenApiDocument(registry, options.title);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return Object.assign(app, { openapi });
}

/** Documents /health and /ready, which every service answers outside defineRoute. */
function documentProbes(registry: OpenAPIRegistry): void {
  const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
  registry.registerPath({
    method: 'get', path: '/health', summary: 'Liveness: the process answers', tags: ['probes'], security: [],
    responses: { 200: json('Alive', z.object({ status: z.literal('ok') })) },
  });
  registry.registerPath({
    method: 'get', path: '/ready', summary: 'Readiness: every dependency check passes', tags: ['probes'], security: [],
    responses: { 200: json('Ready', readinessBody), 503: json('A check failed or timed out: not-ready, each check says why', readinessBody) },
  });
}

/**
 * Answers carry tokens and personal data (logins, profiles, orders, payments): no browser,
 * proxy or CDN may keep a copy. Set once here rather than per route, so no route can forget it.
 */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
