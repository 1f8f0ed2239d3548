import type { Agent } from 'node:http';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { errorHandler, notFoundHandler, readinessHandler, requestIdMiddleware } from '@shop/platform/http';
import { httpMetricsMiddleware, metricsHandler } from '@shop/platform/metrics';
import { authenticate } from './auth-middleware';
import type { GatewayConfig } from './config';
import { DOCS_PATH, docsRouter } from './docs-page';
import { stripIdentityHeaders } from './identity-headers';
import { openApiHandler } from './openapi-aggregator';
import { createUpstreamProxy } from './proxy';
import { createRateLimits } from './rate-limits';
import { isRouted, publicRouteMatcher, routingTable, upstreamServices } from './routing-table';
import { upstreamReadinessChecks } from './upstream-readiness';

/** The gateway app, and what it owns that must be released on shutdown. */
export type GatewayApp = Express & { close: () => void };

/**
 * The gateway: request id → helmet → metrics → its own routes (health, ready, metrics, OpenAPI,
 * docs) → identity headers stripped → JWT (a refused token still counts against the rate limit)
 * → rate limits → routing table → JSON 404 / errors.
 * No body parser: request bodies stream to the services untouched.
 */
export function createGatewayApp(config: GatewayConfig, agent: Agent): GatewayApp {
  const table = routingTable(config);
  const services = upstreamServices(table);
  const rateLimits = createRateLimits(config);

  const app = express();
  app.disable('x-powered-by');
  // Clients' own X-Forwarded-For is believed only from a load balancer on a private network.
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(requestIdMiddleware);
  app.use(helmet());
  app.use(httpMetricsMiddleware);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', readinessHandler(upstreamReadinessChecks(services, agent)));
  app.get('/metrics', metricsHandler);
  app.get('/api/openapi.json', openApiHandler({ services, agent, isRouted: (path) => isRouted(table, path) }));
  app.use(DOCS_PATH, docsRouter());

  app.use(stripIdentityHeaders);
  app.use('/api', authenticate({ jwtSecret: config.JWT_SECRET, isPublic: publicRouteMatcher(table) }));
  app.use('/api', rateLimits.refusedAuthentication);
  app.use('/api/auth/login', rateLimits.login);
  app.use('/api', rateLimits.perClient);
  for (const route of table) {
    app.use(
      route.prefix,
      createUpstreamProxy(route, { agent, timeoutMs: config.UPSTREAM_TIMEOUT_MS, internalToken: config.INTERNAL_TOKEN }),
    );
  }

  app.use(notFoundHandler);
  app.use(errorHandler);
  return Object.assign(app, { close: rateLimits.close });
}
