import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { getLogger } from '../logging';

const log = getLogger('http-server');

// The answers each server of listen() is writing: closeServer makes their connections close after them.
const inFlight = new WeakMap<Server, Set<ServerResponse>>();

/** Options of listen, with their defaults. */
export interface ListenOptions {
  /** Interface to bind. Default 127.0.0.1 (this machine only); containers pass 0.0.0.0 (HOST). */
  host?: string;
  /** Longest a client may take to send its request headers, in ms (then 408). Default 66000. */
  headersTimeoutMs?: number;
  /** Longest a client may take to send its whole request, in ms (then 408). Default 300000 (Node's). */
  requestTimeoutMs?: number;
}

/** Starts an HTTP server on port (0 = any free port) and resolves once it listens. */
export async function listen(app: RequestListener, port: number, options: ListenOptions = {}): Promise<Server> {
  const headersTimeout = options.headersTimeoutMs ?? 66_000;
  const requestTimeout = options.requestTimeoutMs ?? 300_000;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      // How often Node looks for clients past those limits; fixed at creation, so it is set here
      // (Node's 30 s default would let a stalled client linger up to 30 s past its limit).
      connectionsCheckingInterval: Math.max(250, Math.min(1000, Math.floor(headersTimeout / 2))),
    },
    app,
  );
  // Longer than the keep-alive timeout of proxies in front (the gateway's agent, nginx, load
  // balancers), so they never reuse a socket this server is closing.
  server.keepAliveTimeout = 65_000;
  const answers = new Set<ServerResponse>();
  inFlight.set(server, answers);
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    answers.add(res);
    res.once('close', () => answers.delete(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port: boundPort } = server.address() as AddressInfo;
  log.info('Listening', { address, port: boundPort });
  return server;
}

/** The port a listening server is bound to. */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting connections, lets in-flight requests finish, and after timeoutMs cuts
 * whatever is left. Keep-alive connections end gracefully: idle ones are closed at once and
 * whenever one becomes idle again, and a request that still arrives on one is answered with
 * Connection: close, so its client opens its next connection elsewhere.
 */
export async function closeServer(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Before the app's own listener, which may answer (and so write its headers) synchronously.
  const closeAfterAnswer = (_req: IncomingMessage, res: ServerResponse) => {
    res.shouldKeepAlive = false;
  };
  server.prependListener('request', closeAfterAnswer);
  // Answers in progress whose headers are not written yet say Connection: close too.
  for (const res of inFlight.get(server) ?? []) if (!res.headersSent) res.shouldKeepAlive = false;
  server.closeIdleConnections();
  // A connection busy at close() turns idle once its answer is sent: close those as they come.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  sweep.unref();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  timer.unref();
  await closed;
  clearInterval(sweep);
  clearTimeout(timer);
  server.off('request', closeAfterAnswer);
}
