import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { createOpenApiRegistry, generateOpenApiDocument, type OpenApiDocument } from '../openapi';
import { httpMetricsMiddleware, metricsHandler } from '../metrics';
import type { RouteContext } from './define-route';
import { errorHandler, notFoundHandler } from './error-handler';
import { requestIdMiddleware } from './request-id';
import { readinessHandler, type ReadinessChecks } from './readiness';

export interface AppOptions {
  /** Title of the service's OpenAPI document. */
  title: string;
  /** Shared secret that authenticates the gateway and other services. */
  internalToken: string;
  /** Named dependency checks behind /ready (database, broker...). */
  readiness: ReadinessChecks;
  /** Registers the service's routes (defineRoute) on the context. */
  routes: (ctx: RouteContext) => void;
  /** Largest JSON body accepted. Default 100kb. */
  bodyLimit?: string;
}

/**
 * The Express app every service is built on: request id, helmet, metrics, bounded JSON body,
 * /health, /ready, /metrics, /openapi.json, the service's routes, JSON 404, one error handler.
 */
export function createApp(options: AppOptions): Express & { openapi: OpenApiDocument } {
  const app = express();
  app.disable('x-powered-by');
  // API answers are not cached by clients; hashing every body for an ETag cost CPU in profiles.
  app.set('etag', false);
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(requestIdMiddleware);
  app.use(helmet());
  app.use(httpMetricsMiddleware);
  app.use(express.json({ limit: options.bodyLimit ?? '100kb' }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', readinessHandler(options.readiness));
  app.get('/metrics', metricsHandler);

  const router: Router = express.Router();
  const registry = createOpenApiRegistry();
  options.routes({ router, registry, internalToken: options.internalToken });
  const openapi = generateOpenApiDocument(registry, options.title);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return Object.assign(app, { openapi });
}
