import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import { createServer } from 'node:http';

/** Starts an HTTP server on port (0 = any free port) and resolves once it listens. */
export async function listen(app: RequestListener, port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createServer(app);
  // Longer than the keep-alive timeout of proxies in front (the gateway's agent, nginx, load
  // balancers), so they never reuse a socket this server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** The port a listening server is bound to. */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting connections, lets in-flight requests finish, and after timeoutMs cuts
 * whatever is left. Idle keep-alive sockets are closed at once so they do not hold the exit.
 */
export async function closeServer(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
