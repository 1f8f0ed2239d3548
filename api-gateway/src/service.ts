import { defineService } from '@shop/platform/service';
import { createGatewayApp } from './app';
import { gatewayConfigSchema, SERVICE_NAME } from './config';
import { SessionRevocations } from './session-revocations';
import { createUpstreamAgent } from './upstream-agent';

/**
 * The gateway: no database; with RABBITMQ_URL it hears session revocations (a broadcast
 * subscription of its own, never part of /ready). An app of its own (app.ts) on a server with
 * slow-client limits, so that a client that does not send its headers, or its whole request,
 * in time gets a 408 and is disconnected. SIGTERM: intake stops, in-flight requests finish, then the rate
 * limit stores and the upstream connections close.
 */
export const service = defineService({
  name: SERVICE_NAME,
  config: gatewayConfigSchema,
  start: async ({ config, onShutdown }) => {
    const agent = createUpstreamAgent({ timeoutMs: config.UPSTREAM_TIMEOUT_MS });
    onShutdown('upstream agent', async () => agent.destroy());
    const revocations = new SessionRevocations(config.ACCESS_TOKEN_TTL_SECONDS * 1000);
    if (config.RABBITMQ_URL) {
      // Loaded only with a broker: without one the gateway starts without amqplib.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startRevocationFeed } = require('./session-revocation-feed') as typeof import('./session-revocation-feed');
      const feed = startRevocationFeed({ RABBITMQ_URL: config.RABBITMQ_URL, EVENTS_EXCHANGE: config.EVENTS_EXCHANGE }, revocations);
      onShutdown('session revocation feed', feed.close);
    }
    const app = createGatewayApp(config, agent, revocations);
    // Waits (at most about a second) for the shared rate-limit store, so the first requests count in it.
    await app.ready;
    return {
      app,
      close: async () => app.close(),
      listen: { headersTimeoutMs: config.CLIENT_HEADERS_TIMEOUT_MS, requestTimeoutMs: config.CLIENT_REQUEST_TIMEOUT_MS },
    };
  },
});
