import type { Agent } from 'node:http';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { errorHandler, noStore, notFoundHandler, readinessHandler, requestIdMiddleware } from '@shop/platform/http';
import { httpMetricsMiddleware, metricsHandler } from '@shop/platform/metrics';
import { traceHttpRequest } from '@shop/platform/telemetry';
import { authenticate } from './auth-middleware';
import type { GatewayConfig } from './config';
import { refuseHopByHopAbuse } from './connection-header';
import { DOCS_PATH, docsRouter } from './docs-page';
import { openApiHandler } from './openapi-aggregator';
import { createUpstreamProxy } from './proxy';
import { createRateLimits } from './rate-limits';
import type { SessionRevocations } from './session-revocations';
import { authenticationFor, isRouted, routingTable, upstreamServices } from './routing-table';
import { UpstreamPool } from './upstream-pool';
import { upstreamReadinessChecks } from './upstream-readiness';

/** The gateway app, what it waits for before serving, and what it owns that must be released on shutdown. */
export type GatewayApp = Express & {
  /** Resolves once the rate limits' shared store is connected, or gave up waiting (they then count in memory). */
  ready: Promise<void>;
  close: () => Promise<void>;
};

/**
 * The gateway: trace span → request id → hop-by-hop abuse refused → helmet → metrics → its own
 * routes (health, ready, metrics, OpenAPI, docs) → JWT and session revocations (a refused token
 * still counts against the rate limit) → rate limits → routing table → JSON 404 / errors.
 * No body parser: request bodies stream to the services, re-framed; each upstream request's
 * headers are built from scratch (upstream-headers.ts), so nothing a client sends reaches a
 * service unless it is on the list.
 */
export function createGatewayApp(config: GatewayConfig, agent: Agent, revocations?: SessionRevocations): GatewayApp {
  const table = routingTable(config);
  // One pool per service (user-service serves two prefixes): its replicas and which are ready.
  const services = upstreamServices(table).map((service) => new UpstreamPool(service.name, service.targets));
  for (const pool of services) {
    pool.startProbing({ agent, intervalMs: config.UPSTREAM_PROBE_INTERVAL_MS, timeoutMs: Math.max(config.UPSTREAM_PROBE_INTERVAL_MS, 1000) });
  }
  const poolOf = (name: string) => services.find((pool) => pool.name === name)!;
  const rateLimits = createRateLimits(config);
  const authenticationOf = authenticationFor(table);

  const app = express();
  app.disable('x-powered-by');
  // Whose X-Forwarded-For names the client (rate limits count by it): TRUST_PROXY, default nobody's.
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(traceHttpRequest);
  app.use(requestIdMiddleware);
  app.use(refuseHopByHopAbuse);
  app.use(helmet());
  app.use(httpMetricsMiddleware);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', readinessHandler(upstreamReadinessChecks(services, agent)));
  app.get('/metrics', metricsHandler);
  app.get(
    '/api/openapi.json',
    openApiHandler({ services, agent, isRouted: (path) => isRouted(table, path), authenticationFor: authenticationOf }),
  );
  app.use(DOCS_PATH, docsRouter());

  // The gateway's own answers under /api (401, 429, 502...) are no more cacheable than the services'.
  app.use('/api', noStore);
  app.use('/api', authenticate({ jwtSecret: config.JWT_SECRET, authenticationFor: authenticationOf, isRevoked: revocations && ((claims) => revocations.isRevoked(claims)) }));
  app.use('/api', rateLimits.refusedAuthentication);
  // Every request that checks a password counts against the login limit: guessing through the
  // password-change or deletion form is guessing too.
  app.use('/api/auth/login', rateLimits.login);
  app.use('/api/users/me/password', rateLimits.login);
  app.use('/api/users/me', rateLimits.loginOnDelete);
  app.use('/api/auth/refresh', rateLimits.refresh);
  app.use('/api', rateLimits.perClient);
  for (const route of table) {
    app.use(
      route.prefix,
      createUpstreamProxy(route, { agent, timeoutMs: config.UPSTREAM_TIMEOUT_MS, gatewayToken: config.GATEWAY_TOKEN, pool: poolOf(route.service) }),
    );
  }

  app.use(notFoundHandler);
  app.use(errorHandler);
  return Object.assign(app, {
    ready: rateLimits.ready,
    close: () => {
      for (const pool of services) pool.stopProbing();
      return rateLimits.close();
    },
  });
}
