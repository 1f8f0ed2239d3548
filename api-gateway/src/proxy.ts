import type { Agent, ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { AppError } from '@shop/platform/errors';
import { errorHandler } from '@shop/platform/http';
import { setHttpRoute } from '@shop/platform/telemetry';
import { verifiedClaimsOf } from './auth-middleware';
import { namedByConnection } from './connection-header';
import { ProxyFailedError, UpstreamTimeoutError, UpstreamUnavailableError } from './gateway-errors';
import type { UpstreamRoute } from './routing-table';
import { upstreamHeaders } from './upstream-headers';
import { UpstreamPool } from './upstream-pool';

export interface ProxyOptions {
  /** The shared keep-alive agent. */
  agent: Agent;
  /** Longest an upstream may stay silent, in ms; then 504. */
  timeoutMs: number;
  /** Sent as x-gateway-token with every verified identity. */
  gatewayToken: string;
  /** The service's replicas and which are ready; default: a pool of the route's targets, never polled. */
  pool?: UpstreamPool;
}

// Requests whose upstream call hit the timeout; the error that follows is a 504, not a 502.
const timedOut = new WeakSet<IncomingMessage>();
// Requests already answered by a failed hook; the upstream error that follows is not answered again.
const answered = new WeakSet<IncomingMessage>();
// The replicas each request was sent to, the last one being the current attempt.
const triedOf = new WeakMap<IncomingMessage, Set<string>>();

/** No body to forward: a second attempt on another replica sends exactly what the first would have (a streamed body is gone). */
const hasNoBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] === undefined || req.headers['content-length'] === '0');

/**
 * Whether a failed attempt may go to another replica: only when the request has no body, and
 * either the connection was refused (nothing reached the replica), or the request is safe to
 * repeat (GET, HEAD, or it carries an Idempotency-Key the service deduplicates by). A POST
 * without a key is never sent twice: the first replica may have acted on it.
 */
function mayTryAnotherReplica(error: Error, req: IncomingMessage): boolean {
  if (!hasNoBody(req)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return true;
  const repeatable = req.method === 'GET' || req.method === 'HEAD' || req.headers['idempotency-key'] !== undefined;
  return repeatable && (code === 'ECONNRESET' || code === 'EPIPE');
}

/** `/api/users/me?x=1` → `/users/me?x=1`: services serve their resources at the root. */
const toUpstreamPath = (req: Request) => req.originalUrl.replace(/^\/api/i, '');

// Describe the service's connection to the gateway, not the client's: dropped from answers.
const RESPONSE_HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'trailer', 'upgrade'];

/**
 * The client's connection is the gateway's own: the service's Connection header (and what it
 * names) stays behind, and the answer says keep-alive or close as Node decided from the client's
 * request. (Left unset, the proxy would copy the service's keep-alive over a client's close.)
 */
function ownClientConnection(proxyRes: IncomingMessage, res: ServerResponse): void {
  const headers = proxyRes.headers;
  const named = headers.connection;
  for (const name of RESPONSE_HOP_BY_HOP) if (name in headers) delete headers[name];
  if (named !== undefined) {
    for (const token of named.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '') delete headers[name];
    }
  }
  headers.connection = res.shouldKeepAlive ? 'keep-alive' : 'close';
}

/**
 * The proxy of one routing-table entry, mounted at its prefix. The upstream request's headers
 * are built by upstreamHeaders (an allow-list, the gateway's framing, the verified identity);
 * bodies stream through (no body parser runs before it). Connection failures answer 502 and
 * silence past timeoutMs answers 504, both through the platform error handler, so the client
 * always gets { code, message }. A hook that throws answers 500 for its request only: the proxy
 * runs hooks from socket events, where an exception would otherwise end the process.
 */
export function createUpstreamProxy(route: UpstreamRoute, options: ProxyOptions): RequestHandler {
  const pool = options.pool ?? new UpstreamPool(route.service, route.targets);
  const firstTarget = pool.targets[0]!;
  const answerError = (error: Error, req: Request, res: Response | Socket) => {
    if (answered.has(req)) return;
    const tried = triedOf.get(req);
    const failedTarget = tried ? [...tried].at(-1) : undefined;
    const code = (error as NodeJS.ErrnoException).code;
    if (failedTarget && (code === 'ECONNREFUSED' || code === 'ECONNRESET')) pool.markUnready(failedTarget);
    if (tried && 'writeHead' in res && !res.headersSent && !timedOut.has(req) && mayTryAnotherReplica(error, req)) {
      const next = pool.pick(tried);
      if (next) {
        tried.add(next);
        void proxy(req, res, (failure?: unknown) => failure && errorHandler(failure, req, res, () => undefined));
        return;
      }
    }
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

  const failHook = (error: unknown, proxyReq: ClientRequest | undefined, req: Request, res: Response) => {
    answered.add(req);
    req.url = req.originalUrl;
    if (res.headersSent) res.destroy();
    else errorHandler(new ProxyFailedError(route.service, error), req, res, () => undefined);
    proxyReq?.destroy();
  };

  const proxy = createProxyMiddleware<Request, Response>({
    // The replica chosen for this attempt (see the handler below); a default the library requires.
    target: firstTarget,
    router: (req) => [...(triedOf.get(req) ?? [])].at(-1) ?? firstTarget,
    agent: options.agent,
    changeOrigin: true,
    proxyTimeout: options.timeoutMs,
    // Not `timeout`: that is an idle timeout on the client's socket, which would cut the client
    // before the 504 is written; slow clients are bounded by the server's requestTimeout.
    pathRewrite: (_path, req) => toUpstreamPath(req),
    // With on.error set the library skips its plain-text 5xx plugin; ours answers instead.
    on: {
      proxyReq: (proxyReq, req, res) => {
        try {
          proxyReq.once('timeout', () => timedOut.add(req));
        } catch (error) {
          failHook(error, proxyReq, req, res);
        }
      },
      proxyRes: (proxyRes, req, res) => {
        try {
          ownClientConnection(proxyRes, res);
        } catch (error) {
          failHook(error, undefined, req, res);
        }
      },
      error: answerError,
    },
  });

  return (req: Request, res: Response, next: NextFunction) => {
    try {
      req.headers = upstreamHeaders(req, {
        claims: verifiedClaimsOf(res),
        gatewayToken: options.gatewayToken,
        clientIp: req.ip,
        hopByHop: namedByConnection(req),
      });
    } catch (error) {
      return next(error instanceof AppError ? error : new ProxyFailedError(route.service, error));
    }
    setHttpRoute(route.prefix);
    triedOf.set(req, new Set([pool.pick()!]));
    void proxy(req, res, next);
  };
}
