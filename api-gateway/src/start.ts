import type { Server } from 'node:http';
import { closeServer, listen, portOf, Shutdown, type RunningService } from '@shop/platform/lifecycle';
import { createGatewayApp } from './app';
import type { GatewayConfig } from './config';
import { createUpstreamAgent } from './upstream-agent';

/** A started gateway: its server and the port it listens on (tests start it on port 0). */
export interface RunningGateway extends RunningService {
  server: Server;
  port: number;
}

/** Starts the gateway; shutdown stops intake, lets in-flight requests finish, then closes upstream connections. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const agent = createUpstreamAgent({ timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const app = createGatewayApp(config, agent);
  // Slow-client protection: a client that does not send its headers, or its whole request, in
  // time gets a 408 and is disconnected.
  const server = await listen(app, config.PORT, {
    host: config.HOST,
    headersTimeoutMs: config.CLIENT_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.CLIENT_REQUEST_TIMEOUT_MS,
  });

  const shutdown = new Shutdown();
  shutdown.add('upstream agent', async () => agent.destroy());
  shutdown.add('rate limit stores', async () => app.close());
  shutdown.add('http server', () => closeServer(server, config.SHUTDOWN_TIMEOUT_MS));
  return { server, port: portOf(server), shutdown, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
}
