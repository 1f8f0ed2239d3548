import type { TelemetryOptions } from '@shop/platform/telemetry';

/**
 * How the gateway is traced: one span per request, the server span its app makes first thing
 * (traceHttpRequest in app.ts), the services' spans its children through the traceparent
 * upstreamHeaders sends. Every proxied route is middleware, so Express spans would add nothing
 * but per-request work (the proxy names the span after its routing-table prefix). The HTTP
 * instrumentation is off: its client span per upstream call only repeated the server span, and
 * its rebinding of every request and response listener to the request's context was the largest
 * part of the tracing cost per request.
 */
export const GATEWAY_TELEMETRY = { expressSpans: false, httpInstrumentation: false } as const satisfies Partial<TelemetryOptions>;
