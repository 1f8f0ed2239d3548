import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { RPCType, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';

/** Probes and scrapes: no span (they would bury the requests that matter). */
export const UNTRACED_PATHS = /^\/(health|ready|metrics)/;

const TRACER = '@shop/platform/http';

function requestAttributes(req: IncomingMessage, path: string): Attributes {
  const [host, port] = (req.headers.host ?? '').split(':');
  const forwardedFor = req.headers['x-forwarded-for'];
  return {
    [ATTR_HTTP_REQUEST_METHOD]: req.method,
    [ATTR_URL_SCHEME]: 'http',
    [ATTR_URL_PATH]: path,
    [ATTR_SERVER_ADDRESS]: host || undefined,
    [ATTR_SERVER_PORT]: port ? Number(port) : undefined,
    [ATTR_CLIENT_ADDRESS]: (typeof forwardedFor === 'string' ? forwardedFor.split(',')[0]!.trim() : undefined) ?? req.socket.remoteAddress,
    [ATTR_NETWORK_PEER_ADDRESS]: req.socket.remoteAddress,
    [ATTR_NETWORK_PEER_PORT]: req.socket.remotePort,
    [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
    [ATTR_USER_AGENT_ORIGINAL]: req.headers['user-agent'],
  };
}

function endSpan(span: Span, req: IncomingMessage, res: ServerResponse, metadata: RPCMetadata): void {
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
  if (metadata.route !== undefined) {
    span.setAttribute(ATTR_HTTP_ROUTE, metadata.route);
    span.updateName(`${req.method ?? 'GET'} ${metadata.route}`);
  }
  if (res.statusCode >= 500) {
    span.setAttribute(ATTR_ERROR_TYPE, String(res.statusCode));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/**
 * The server span of one HTTP request, made by the app instead of the HTTP instrumentation
 * (startTelemetry's httpInstrumentation: false), as its first middleware: a child of the
 * caller's traceparent, named `<METHOD> <route>` once setHttpRoute named the route, with the
 * instrumentation's main attributes, ended when the response closes; 5xx answers are errors.
 * What it leaves out is what cost the most per request: the instrumentation rebinds every
 * listener added to the request and the response to the request's context (one closure and one
 * context switch per listener and per event); nothing here needs that, and Node runs a reused
 * upstream socket's events in the context of the request that uses it. Needs a started tracer
 * provider; without one the span is a no-op.
 */
export function traceHttpRequest(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const url = req.url ?? '/';
  if (UNTRACED_PATHS.test(url)) return next();
  const query = url.indexOf('?');
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace
    .getTracer(TRACER)
    .startSpan(req.method ?? 'GET', { kind: SpanKind.SERVER, attributes: requestAttributes(req, query === -1 ? url : url.slice(0, query)) }, parent);
  const metadata: RPCMetadata = { type: RPCType.HTTP, span };
  res.once('close', () => endSpan(span, req, res, metadata));
  context.with(setRPCMetadata(trace.setSpan(parent, span), metadata), next);
}
