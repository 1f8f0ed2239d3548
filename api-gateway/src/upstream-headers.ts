import { validateHeaderValue, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AccessClaims } from '@shop/platform/auth';
import { IDENTITY_HEADERS, REQUEST_ID_HEADER } from '@shop/platform/http';
import { currentTraceHeaders } from '@shop/platform/telemetry';
import { BodyNotAllowedError, UnsupportedTransferCodingError } from './gateway-errors';

/**
 * The client headers a service receives, each for a reason; every other header the client sends
 * (Authorization, Cookie, Connection and what it names, Upgrade, Proxy-*, forged identity...)
 * stays at the gateway. An allow-list rather than a deny-list, so a header nobody thought of
 * never reaches a service by default.
 */
export const END_TO_END_HEADERS: Readonly<Record<string, string>> = {
  accept: 'content negotiation',
  'content-type': "services parse a body as JSON only when it says so",
  'content-encoding': "the coding of the body (gzip): the service's body parser undoes it",
  'idempotency-key': 'POST /orders answers a repeated request with its first response',
};

/**
 * Headers the gateway itself sets on an upstream request. A client may not list one of them in
 * its Connection header (RFC 9110 §7.6.1 would have a proxy drop it): see refuseHopByHopAbuse.
 */
export const GATEWAY_HEADERS: readonly string[] = [
  // framing: the body is re-framed by the gateway
  'content-length',
  'transfer-encoding',
  // the upstream's own host (changeOrigin)
  'host',
  // verified identity
  IDENTITY_HEADERS.gatewayToken,
  IDENTITY_HEADERS.serviceToken,
  IDENTITY_HEADERS.userId,
  IDENTITY_HEADERS.userRole,
  // correlation: the gateway's request id, the client address it saw, its trace context
  REQUEST_ID_HEADER,
  'x-forwarded-for',
  'traceparent',
  'tracestate',
];

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/**
 * How the body goes upstream. Node has already read the client's framing strictly (conflicting
 * or duplicated Content-Length, Transfer-Encoding beside it, or not ending in chunked are 400s
 * before any of this runs), so the length or chunking is stated again by the gateway: a body is
 * never written to a service without framing, where a keep-alive connection would read it as
 * the next request. GET and HEAD carry no body here.
 */
function framingOf(req: IncomingMessage): Record<string, string> {
  const transferEncoding = req.headers['transfer-encoding'];
  const contentLength = req.headers['content-length'];
  const hasBody = transferEncoding !== undefined || (contentLength !== undefined && contentLength !== '0');
  if (hasBody && BODYLESS_METHODS.has(req.method ?? '')) throw new BodyNotAllowedError(req.method ?? '');
  if (transferEncoding !== undefined) {
    if (transferEncoding.trim().toLowerCase() !== 'chunked') throw new UnsupportedTransferCodingError();
    return { 'transfer-encoding': 'chunked' };
  }
  return contentLength !== undefined && !BODYLESS_METHODS.has(req.method ?? '') ? { 'content-length': contentLength } : {};
}

/** What a verified request carries on its way to a service. */
export interface UpstreamIdentity {
  /** The verified claims; undefined on public routes, which forward no identity at all. */
  claims: AccessClaims | undefined;
  gatewayToken: string;
  /** The client's address as the gateway determined it (req.ip under TRUST_PROXY). */
  clientIp: string | undefined;
  /** Header names the client's Connection header declared hop-by-hop. */
  hopByHop: ReadonlySet<string>;
}

/**
 * The complete header set of an upstream request: the allowed end-to-end headers the client
 * sent (minus any it declared hop-by-hop), the gateway's framing, request id and client address,
 * the trace context of the gateway's span for this request (the gateway makes no client span of
 * its own: see telemetry-options.ts), and the verified identity with the gateway's token. Nothing the client sends can remove or
 * replace a header set here. Throws a 4xx for bodies it will not forward, and Node's
 * ERR_INVALID_CHAR for a value that cannot be sent (the proxy answers 500 for that request).
 */
export function upstreamHeaders(req: IncomingMessage, identity: UpstreamIdentity): IncomingHttpHeaders {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(END_TO_END_HEADERS)) {
    const value = req.headers[name];
    if (typeof value === 'string' && !identity.hopByHop.has(name)) headers[name] = value;
  }
  Object.assign(headers, framingOf(req));
  const requestId = req.headers[REQUEST_ID_HEADER];
  if (typeof requestId === 'string') headers[REQUEST_ID_HEADER] = requestId;
  if (identity.clientIp) headers['x-forwarded-for'] = identity.clientIp;
  if (identity.claims) {
    headers[IDENTITY_HEADERS.gatewayToken] = identity.gatewayToken;
    headers[IDENTITY_HEADERS.userId] = identity.claims.userId;
    headers[IDENTITY_HEADERS.userRole] = identity.claims.role;
  }
  Object.assign(headers, currentTraceHeaders());
  for (const [name, value] of Object.entries(headers)) validateHeaderValue(name, value);
  return headers;
}
