import type { Server } from 'node:http';
import { closeServer, listen, portOf, Shutdown, type RunningService } from '@shop/platform/lifecycle';
import { createGatewayApp } from './app';
import type { GatewayConfig } from './config';
import { createUpstreamAgent } from './upstream-agent';

// Slow-client protection: a client gets this long to send its headers, and its whole request
// (408 after). Node checks both every 30 s (connectionsCheckingInterval, fixed once the
// platform's listen() has created the server), so a stalled client is cut 10–40 s in.
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** A started gateway: its server and the port it listens on (tests start it on port 0). */
export interface RunningGateway extends RunningService {
  server: Server;
  port: number;
}

/** Starts the gateway; shutdown stops intake, lets in-flight requests finish, then closes upstream connections. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const agent = createUpstreamAgent({ timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const app = createGatewayApp(config, agent);
  const server = await listen(app, config.PORT);
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;

  const shutdown = new Shutdown();
  shutdown.add('upstream agent', async () => agent.destroy());
  shutdown.add('rate limit stores', async () => app.close());
  shutdown.add('http server', () => closeServer(server, config.SHUTDOWN_TIMEOUT_MS));
  return { server, port: portOf(server), shutdown, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
}
