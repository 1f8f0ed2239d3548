import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { errorHandler } from '@shop/platform/http';
import { setHttpRoute } from '@shop/platform/telemetry';
import { verifiedClaimsOf } from './auth-middleware';
import { UpstreamTimeoutError, UpstreamUnavailableError } from './gateway-errors';
import { setIdentityHeaders } from './identity-headers';
import type { UpstreamRoute } from './routing-table';

export interface ProxyOptions {
  /** The shared keep-alive agent. */
  agent: Agent;
  /** Longest an upstream may stay silent, in ms; then 504. */
  timeoutMs: number;
  /** Sent as x-internal-token with every verified identity. */
  internalToken: string;
}

// Requests whose upstream call hit the timeout; the error that follows is a 504, not a 502.
const timedOut = new WeakSet<IncomingMessage>();

/** `/api/users/me?x=1` → `/users/me?x=1`: services serve their resources at the root. */
const toUpstreamPath = (req: Request) => req.originalUrl.replace(/^\/api/i, '');

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection'];

/**
 * Connection-level headers describe the client's connection, not the upstream one; forwarded,
 * a client's `Connection: close` would cost a new upstream connection per request. Requests
 * with a chunked body keep the proxy's own `Connection: close`: after an early response their
 * socket cannot be reused safely.
 */
function removeHopByHopHeaders(proxyReq: ClientRequest, req: IncomingMessage): void {
  if (req.headers['transfer-encoding'] !== undefined) return;
  for (const name of HOP_BY_HOP) proxyReq.removeHeader(name);
  const connection = req.headers.connection;
  if (connection === undefined) return;
  for (const token of connection.split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '' && name !== 'transfer-encoding') proxyReq.removeHeader(name);
  }
}

function appendForwardedFor(proxyReq: ClientRequest, req: IncomingMessage): void {
  const clientIp = req.socket.remoteAddress;
  if (!clientIp) return;
  // Appended, never passed through alone, so services that trust the gateway see the real client last.
  const prior = req.headers['x-forwarded-for'];
  proxyReq.setHeader('x-forwarded-for', prior ? `${String(prior)}, ${clientIp}` : clientIp);
}

/**
 * The proxy of one routing-table entry, mounted at its prefix. Bodies stream through untouched
 * (no body parser runs before it). Verified identity and the internal token are set on the
 * outgoing request; connection failures answer 502 and silence past timeoutMs answers 504, both
 * through the platform error handler, so the client always gets { code, message }.
 */
export function createUpstreamProxy(route: UpstreamRoute, options: ProxyOptions): RequestHandler {
  const answerError = (error: Error, req: Request, res: Response | Socket) => {
    if (!('writeHead' in res)) return void res.destroy();
    // Failed mid-response: the status is already sent, so cutting the connection is the only honest signal.
    if (res.headersSent) return void res.destroy();
    const appError = timedOut.has(req)
      ? new UpstreamTimeoutError(route.service, error)
      : new UpstreamUnavailableError(route.service, error);
    // The path rewrite changed req.url; the error is logged under the path the client called.
    req.url = req.originalUrl;
    errorHandler(appError, req, res, () => undefined);
  };

  const proxy = createProxyMiddleware<Request, Response>({
    target: route.target,
    agent: options.agent,
    proxyTimeout: options.timeoutMs,
    // Not `timeout`: that is an idle timeout on the client's socket, which would cut the client
    // before the 504 is written; slow clients are bounded by the server's requestTimeout.
    pathRewrite: (_path, req) => toUpstreamPath(req),
    // With on.error set the library skips its plain-text 5xx plugin; ours answers instead.
    on: {
      proxyReq: (proxyReq, req, res) => {
        setIdentityHeaders(proxyReq, verifiedClaimsOf(res), options.internalToken);
        removeHopByHopHeaders(proxyReq, req);
        appendForwardedFor(proxyReq, req);
        proxyReq.once('timeout', () => timedOut.add(req));
      },
      error: answerError,
    },
  });

  return (req: Request, res: Response, next: NextFunction) => {
    // Node has already answered `100 Continue` to the client; forwarded, the header would make
    // the proxy skip its proxyReq event, and with it the identity headers.
    delete req.headers.expect;
    setHttpRoute(route.prefix);
    void proxy(req, res, next);
  };
}
