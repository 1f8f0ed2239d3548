import { defineService } from '@shop/platform/service';
import { createGatewayApp } from './app';
import { gatewayConfigSchema, SERVICE_NAME } from './config';
import { createUpstreamAgent } from './upstream-agent';

/**
 * The gateway: no database, no events; an app of its own (app.ts) on a server with slow-client
 * limits, so that a client that does not send its headers, or its whole request, in time gets
 * a 408 and is disconnected. SIGTERM: intake stops, in-flight requests finish, then the rate
 * limit stores and the upstream connections close.
 */
export const service = defineService({
  name: SERVICE_NAME,
  config: gatewayConfigSchema,
  start: async ({ config, onShutdown }) => {
    const agent = createUpstreamAgent({ timeoutMs: config.UPSTREAM_TIMEOUT_MS });
    onShutdown('upstream agent', async () => agent.destroy());
    const app = createGatewayApp(config, agent);
    // Waits (at most about a second) for the shared rate-limit store, so the first requests count in it.
    await app.ready;
    return {
      app,
      close: async () => app.close(),
      listen: { headersTimeoutMs: config.CLIENT_HEADERS_TIMEOUT_MS, requestTimeoutMs: config.CLIENT_REQUEST_TIMEOUT_MS },
    };
  },
});
